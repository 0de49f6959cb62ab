/**
 * The org's users and the org itself: a second user without the "Bulk API Hard Delete" permission (its
 * hardDelete jobs refused in Bulk 2.0 and v1, as Salesforce refuses them), and the `User` and `Organization`
 * records, queryable by REST, Bulk 2.0 and Bulk v1 query, describable, never loaded.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DEV_CREDENTIALS, LIMITED_CREDENTIALS } from '../../emulator/index.js';
import { ASYNC_NS, V1Client, loginEnvelope, parseXml, soapLogin } from '../helpers/bulk1-client.js';
import { useEmulator } from '../helpers/emulator.js';
import { API, ingestClient, login, runJob } from '../helpers/emulator-http.js';
import { bulkQueryRows, dataClient, restQueryAll, runBulkQuery } from '../helpers/emulator-query.js';

const HARD_DELETE_MESSAGE =
  'hardDelete operation requires special user profile permission, please contact your system administrator';

async function tokenFor(baseUrl: string, credentials: { username: string; password: string; securityToken: string }) {
  const res = await fetch(`${baseUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: DEV_CREDENTIALS.clientId,
      client_secret: DEV_CREDENTIALS.clientSecret,
      username: credentials.username,
      password: credentials.password + credentials.securityToken,
    }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as { access_token: string; id: string };
}

describe('users, permissions and the org', () => {
  const emulator = useEmulator();
  let devToken: string;
  let limited: { access_token: string; id: string };
  before(async () => {
    devToken = await login(emulator.url);
    limited = await tokenFor(emulator.url, LIMITED_CREDENTIALS);
  });

  const createIngest = (token: string, body: Record<string, unknown>) =>
    ingestClient(emulator.url, token)('', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('refuses Bulk 2.0 hardDelete jobs of the user without the permission, and only those', async () => {
    const refused = await createIngest(limited.access_token, { object: 'Contact', operation: 'hardDelete' });
    assert.equal(refused.status, 400);
    assert.deepEqual(await refused.json(), [{ errorCode: 'FEATURENOTENABLED', message: HARD_DELETE_MESSAGE }]);
    assert.equal((await createIngest(limited.access_token, { object: 'Contact', operation: 'delete' })).status, 200);
    assert.equal((await createIngest(devToken, { object: 'Contact', operation: 'hardDelete' })).status, 200);
  });

  it('refuses Bulk v1 hardDelete jobs of that user with FeatureNotEnabled, after a SOAP login', async () => {
    const password = LIMITED_CREDENTIALS.password + LIMITED_CREDENTIALS.securityToken;
    const res = await fetch(`${emulator.url}/services/Soap/u/59.0`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml', SOAPAction: '""' },
      body: loginEnvelope(LIMITED_CREDENTIALS.username, password),
    });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    const session = /<sessionId>([^<]+)<\/sessionId>/.exec(text)?.[1] ?? assert.fail('no sessionId');
    const v1 = new V1Client(emulator.url, session);
    const body = `<?xml version="1.0" encoding="UTF-8"?><jobInfo xmlns="${ASYNC_NS}"><operation>hardDelete</operation><object>Contact</object><contentType>CSV</contentType></jobInfo>`;
    const refused = await v1.call('POST', '', body, { 'Content-Type': 'application/xml' });
    assert.equal(refused.status, 400);
    assert.deepEqual(parseXml(refused.text, 'error'), {
      '@_xmlns': ASYNC_NS,
      exceptionCode: 'FeatureNotEnabled',
      exceptionMessage: HARD_DELETE_MESSAGE,
    });
    const json = await v1.call(
      'POST',
      '',
      JSON.stringify({ operation: 'hardDelete', object: 'Contact', contentType: 'JSON' }),
      {
        'Content-Type': 'application/json',
      },
    );
    assert.deepEqual(JSON.parse(json.text), {
      exceptionCode: 'FeatureNotEnabled',
      exceptionMessage: HARD_DELETE_MESSAGE,
    });
    const dev = new V1Client(emulator.url, await soapLogin(emulator.url));
    assert.equal(
      (await dev.createXmlJob({ operation: 'hardDelete', object: 'Contact', contentType: 'CSV' })).state,
      'Open',
    );
  });

  it('has a User record per user, queryable by REST, Bulk 2.0 and v1 query', async () => {
    const limitedId = limited.id.split('/').pop() ?? '';
    const soql = `SELECT Id, Username, Name, Email, IsActive, ProfileId FROM User WHERE Username = '${LIMITED_CREDENTIALS.username}'`;
    const [record, ...more] = await restQueryAll(emulator.url, devToken, soql);
    assert.equal(more.length, 0);
    assert.equal(record?.['Id'], limitedId);
    assert.match(limitedId, /^005/);
    assert.equal(record?.['Email'], LIMITED_CREDENTIALS.username);
    assert.equal(record?.['IsActive'], true);
    assert.match(String(record?.['ProfileId']), /^00e/);
    const all = await restQueryAll(emulator.url, devToken, 'SELECT Username FROM User ORDER BY Username');
    assert.deepEqual(
      all.map((user) => user['Username']),
      ['dev@bulkflow.local', 'integration@bulkflow.local', 'limited@bulkflow.local'],
    );
    const data = dataClient(emulator.url, devToken);
    const job = await runBulkQuery(data, 'SELECT Id, Username FROM User WHERE IsActive = true');
    assert.equal(job.state, 'JobComplete');
    assert.equal((await bulkQueryRows(data, job.id)).length, 3);
    const v1 = new V1Client(emulator.url, await soapLogin(emulator.url));
    const v1Job = await v1.createXmlJob({ operation: 'query', object: 'User', contentType: 'CSV' });
    const batch = await v1.addBatch(v1Job.id, soql, 'text/csv');
    assert.equal((await v1.waitBatch(v1Job.id, batch.id)).state, 'Completed');
  });

  it('has one Organization record with the org id of the tokens', async () => {
    const orgId = limited.id.split('/').at(-2);
    const records = await restQueryAll(
      emulator.url,
      devToken,
      'SELECT Id, Name, OrganizationType, IsSandbox, InstanceName FROM Organization',
    );
    assert.deepEqual(
      records.map((r) => ({ ...r, attributes: undefined })),
      [
        {
          attributes: undefined,
          Id: orgId,
          Name: 'Bulkflow Emulator',
          OrganizationType: 'Developer Edition',
          IsSandbox: false,
          InstanceName: 'EMU1',
        },
      ],
    );
  });

  it('describes User and Organization as read-only, refuses to load them, and keeps them across resets', async () => {
    const res = await fetch(`${emulator.url}/services/data/${API}/sobjects/User/describe`, {
      headers: { Authorization: `Bearer ${devToken}` },
    });
    const describe = (await res.json()) as { createable: boolean; queryable: boolean; fields: Array<{ name: string }> };
    assert.deepEqual([describe.createable, describe.queryable], [false, true]);
    assert.ok(describe.fields.some((field) => field.name === 'Username'));
    const refused = await createIngest(devToken, { object: 'User', operation: 'insert' });
    assert.equal(refused.status, 400);
    assert.deepEqual(await refused.json(), [
      { errorCode: 'INVALIDJOB', message: 'InvalidJob : The Salesforce emulator does not load User records' },
    ]);
    emulator.reset();
    assert.equal(emulator.org.getRecords('User').length, 3);
    assert.equal(emulator.org.getRecords('Organization').length, 1);
  });

  it('resolves Owner and CreatedBy fields through the User records', async () => {
    const ingest = ingestClient(emulator.url, limited.access_token);
    const job = await runJob(ingest, { object: 'Contact', operation: 'insert' }, 'LastName\nOwned\n');
    assert.equal(job.state, 'JobComplete');
    const soql = "SELECT LastName, Owner.Username, CreatedBy.Email FROM Contact WHERE LastName = 'Owned'";
    const [record] = await restQueryAll(emulator.url, devToken, soql);
    const owner = record?.['Owner'] as Record<string, unknown> | undefined;
    assert.equal(owner?.['Username'], LIMITED_CREDENTIALS.username);
    const creator = record?.['CreatedBy'] as Record<string, unknown> | undefined;
    assert.equal(creator?.['Email'], LIMITED_CREDENTIALS.username);
  });
});
