/**
 * The REST resources clients call around bulk work: Versions and Resources by Version, the identity URL and
 * OpenID Connect's UserInfo for the user of the token, and the REST query's `columns=true`.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DEV_CREDENTIALS } from '../../emulator/index.js';
import { useEmulator } from '../helpers/emulator.js';
import { deleteRows, insertRows } from '../helpers/org-seed.js';

interface TokenResponse {
  access_token: string;
  id: string;
}

describe('REST discovery, identity and query columns', () => {
  // An org whose newest version is 60.0: nothing later is listed.
  const emulator = useEmulator({ apiVersion: '60.0' });
  let token: string;
  let identity: string;
  before(async () => {
    const res = await fetch(`${emulator.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: DEV_CREDENTIALS.clientId,
        client_secret: DEV_CREDENTIALS.clientSecret,
        username: DEV_CREDENTIALS.username,
        password: DEV_CREDENTIALS.password + DEV_CREDENTIALS.securityToken,
      }),
    });
    ({ access_token: token, id: identity } = (await res.json()) as TokenResponse);
  });
  const get = (path: string, headers: Record<string, string> = { Authorization: `Bearer ${token}` }) =>
    fetch(`${emulator.url}${path}`, { headers });

  it('lists the versions without a session, oldest first, up to the org’s newest', async () => {
    const res = await fetch(`${emulator.url}/services/data`);
    assert.equal(res.status, 200);
    const versions = (await res.json()) as Array<{ label: string; url: string; version: string }>;
    assert.deepEqual(versions[0], { label: "Winter '11", url: '/services/data/v20.0', version: '20.0' });
    assert.deepEqual(versions.at(-1), { label: "Spring '24", url: '/services/data/v60.0', version: '60.0' });
    assert.deepEqual(
      versions.find((v) => v.version === '31.0'),
      { label: "Summer '14", url: '/services/data/v31.0', version: '31.0' },
    );
    assert.equal(versions.length, 41);
    assert.equal((await fetch(`${emulator.url}/services/data/`)).status, 200);
  });

  it("maps a version's resources, with the caller's identity URL; needs a session", async () => {
    for (const path of ['/services/data/v60.0', '/services/data/v60.0/']) {
      const res = await get(path);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), {
        queryAll: '/services/data/v60.0/queryAll',
        identity,
        limits: '/services/data/v60.0/limits',
        query: '/services/data/v60.0/query',
        jobs: '/services/data/v60.0/jobs',
        sobjects: '/services/data/v60.0/sobjects',
      });
    }
    assert.deepEqual(Object.keys((await (await get('/services/data/v28.0')).json()) as object), [
      'identity',
      'query',
      'sobjects',
    ]);
    assert.equal((await get('/services/data/v60.0', {})).status, 401);
    assert.equal((await get('/services/data/v61.0')).status, 404);
  });

  it('answers the identity URL with a bearer token or oauth_token, and its errors', async () => {
    const path = new URL(identity).pathname;
    const byHeader = (await (await get(path)).json()) as Record<string, unknown>;
    assert.equal(byHeader['id'], identity);
    assert.equal(byHeader['username'], DEV_CREDENTIALS.username);
    assert.match(String(byHeader['user_id']), /^005/);
    assert.match(String(byHeader['organization_id']), /^00D/);
    assert.equal((byHeader['urls'] as Record<string, string>)['rest'], `${emulator.url}/services/data/v{version}/`);
    const byParameter = await get(`${path}?format=json&version=58.0&oauth_token=${encodeURIComponent(token)}`, {});
    assert.equal(byParameter.status, 200);
    const urls = ((await byParameter.json()) as { urls: Record<string, string> }).urls;
    assert.equal(urls['query'], `${emulator.url}/services/data/v58.0/query/`);
    const [orgId, userId] = path.split('/').slice(2);
    const cases: Array<[string, Record<string, string>, number, string]> = [
      [path, {}, 403, 'Missing_OAuth_Token'],
      [path, { Authorization: 'Bearer nope' }, 403, 'Bad_OAuth_Token'],
      [`/id/${orgId}/005000000000000AAA`, { Authorization: `Bearer ${token}` }, 404, 'Bad_Id'],
      [`/id/00D000000000000AAA/${userId}`, { Authorization: `Bearer ${token}` }, 403, 'Wrong_Org'],
    ];
    for (const [url, headers, status, text] of cases) {
      const res = await get(url, headers);
      assert.deepEqual([res.status, await res.text()], [status, text], url);
    }
  });

  it('answers OpenID Connect UserInfo for the user of the token', async () => {
    const res = await get('/services/oauth2/userinfo');
    assert.equal(res.status, 200);
    const info = (await res.json()) as Record<string, unknown>;
    assert.equal(info['sub'], identity);
    assert.equal(info['preferred_username'], DEV_CREDENTIALS.username);
    assert.equal(info['email'], DEV_CREDENTIALS.username);
    assert.equal(info['name'], 'Bulkflow Developer');
    assert.equal(info['given_name'], 'Bulkflow');
    assert.equal(info['family_name'], 'Developer');
    assert.equal(info['user_id'], identity.split('/').at(-1));
    assert.equal(info['organization_id'], identity.split('/').at(-2));
    assert.equal(info['active'], true);
    assert.equal((await get('/services/oauth2/userinfo', { Authorization: 'Bearer nope' })).status, 403);
  });

  it('reads one record by id, all fields or those asked for; 404 for none or a deleted one', async () => {
    const userId = identity.split('/').at(-1) ?? '';
    const res = await get(`/services/data/v60.0/sobjects/User/${userId}`);
    assert.equal(res.status, 200);
    const user = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(user['attributes'], { type: 'User', url: `/services/data/v60.0/sobjects/User/${userId}` });
    assert.equal(user['Username'], DEV_CREDENTIALS.username);
    assert.equal(user['IsActive'], true);
    const some = await get(`/services/data/v60.0/sobjects/user/${userId.slice(0, 15)}?fields=Username,Email`);
    assert.deepEqual(Object.keys((await some.json()) as object), ['attributes', 'Username', 'Email']);
    const badField = await get(`/services/data/v60.0/sobjects/User/${userId}?fields=Nope`);
    assert.deepEqual(
      [badField.status, ((await badField.json()) as Array<{ errorCode: string }>)[0]?.errorCode],
      [400, 'INVALID_FIELD'],
    );
    const [contactId = ''] = insertRows(emulator.org, 'Contact', ['LastName'], [['Gone']]);
    assert.equal((await get(`/services/data/v60.0/sobjects/Contact/${contactId}`)).status, 200);
    deleteRows(emulator.org, 'Contact', [contactId]);
    assert.equal((await get(`/services/data/v60.0/sobjects/Contact/${contactId}`)).status, 404);
    assert.equal((await get('/services/data/v60.0/sobjects/Contact/003000000000000AAA')).status, 404);
    // The describe resource is not taken for a record id.
    assert.equal((await get('/services/data/v60.0/sobjects/Contact/describe')).status, 200);
  });

  it('reads a path with a doubled leading slash, as clients joining "https://host/" and "/services" send', async () => {
    const res = await fetch(`${emulator.url}//services/data/v60.0/sobjects`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200);
    assert.ok(((await res.json()) as { sobjects: unknown[] }).sobjects.length > 0);
  });

  it('describes the columns of a query with columns=true instead of running it', async () => {
    const soql = 'SELECT Id, LastName, Account.Name, Account.AnnualRevenue, Birthdate FROM Contact';
    const res = await get(`/services/data/v60.0/query?q=${encodeURIComponent(soql)}&columns=true`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      columnMetadata: Array<Record<string, unknown> & { joinColumns: Array<Record<string, unknown>> }>;
      entityName: string;
      idSelected: boolean;
      keyPrefix: string;
    };
    assert.deepEqual([body.entityName, body.idSelected, body.keyPrefix], ['Contact', true, '003']);
    assert.deepEqual(
      body.columnMetadata.map((c) => c['columnName']),
      ['Id', 'LastName', 'Account', 'Birthdate'],
    );
    const [id, lastName, account, birthdate] = body.columnMetadata;
    assert.deepEqual(Object.keys(id ?? {}), [
      'aggregate', 'apexType', 'booleanType', 'columnName', 'custom', 'displayName', 'foreignKeyName',
      'insertable', 'joinColumns', 'numberType', 'textType', 'updatable',
    ]); // prettier-ignore
    assert.equal(id?.['apexType'], 'Id');
    assert.deepEqual(
      [lastName?.['apexType'], lastName?.['textType'], lastName?.['insertable']],
      ['String', true, true],
    );
    assert.equal(birthdate?.['apexType'], 'Date');
    assert.deepEqual(
      account?.joinColumns.map((c) => [c['columnName'], c['displayName'], c['apexType'], c['numberType']]),
      [
        ['Name', 'Account.Name', 'String', false],
        ['AnnualRevenue', 'Account.AnnualRevenue', 'Decimal', true],
      ],
    );
  });
});
