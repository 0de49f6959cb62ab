/**
 * Unmodified jsforce (npm) against the emulator, the way its users call it: SOAP and OAuth login, Bulk v1
 * ingest and query, Bulk 2.0 ingest and query, 50,000 rows each way. Assertions are about the org's records
 * and about query output equal to them.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Connection } from 'jsforce';
import { DEV_CREDENTIALS } from '../../emulator/index.js';
import { useEmulator } from '../helpers/emulator.js';
import { eventually } from '../helpers/eventually.js';
import { assertOrgHolds, assertRowsEqualOrg, chunk, contactSoql, makeContacts, timed } from './contacts.js';
import type { Contact } from './contacts.js';

const ROWS = 50_000;
/** Bulk v1 takes at most 10,000 records per batch, so a v1 load is split as a real user must split it. */
const V1_BATCH = 10_000;
/** jsforce gives up polling after 30 s by default; a 50,000-row job on a slow CI machine may need longer. */
const POLL = { pollInterval: 500, pollTimeout: 600_000 };

type Row = Record<string, unknown>;

/** Reads a jsforce record stream to its end ('record' is the event that starts its parser). */
function collect(stream: NodeJS.ReadableStream): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    const rows: Row[] = [];
    stream.on('record', (row: Row) => rows.push(row));
    stream.on('error', reject);
    stream.on('end', () => resolve(rows));
  });
}

interface V1Result {
  id: string | null;
  success: boolean;
  errors: string[];
}

/** One Bulk v1 job with a batch per 10,000 records, all uploaded at once, then closed (jsforce's job API). */
async function v1Insert(conn: Connection, contacts: readonly Contact[]): Promise<V1Result[]> {
  conn.bulk.pollInterval = POLL.pollInterval;
  conn.bulk.pollTimeout = POLL.pollTimeout;
  const job = conn.bulk.createJob('Contact', 'insert');
  const batches = chunk(contacts, V1_BATCH).map(
    (records) =>
      new Promise<V1Result[]>((resolve, reject) => {
        const batch = job.createBatch();
        batch.on('error', reject);
        batch.on('queue', () => batch.poll(POLL.pollInterval, POLL.pollTimeout));
        batch.on('response', (results: V1Result[]) => resolve(results));
        batch.execute(records);
      }),
  );
  try {
    return (await Promise.all(batches)).flat();
  } finally {
    await job.close();
  }
}

/** Polls the admin stats until every Bulk v1 job is closed, for at most 10 s: best effort, nothing asserts it. */
async function untilNoV1JobOpen(url: string): Promise<void> {
  const anyOpen = async () => {
    const stats = (await (await fetch(`${url}/__emulator/stats`)).json()) as { jobs: { api: string; state: string }[] };
    return stats.jobs.some((j) => j.api === '1.0' && j.state === 'Open');
  };
  await eventually(async () => !(await anyOpen()), {
    timeoutMs: 10_000,
    intervalMs: 50,
    what: 'jsforce to close its v1 jobs',
  }).catch(() => undefined);
}

describe('jsforce', { concurrency: false }, () => {
  const v1Contacts = makeContacts(ROWS, 'jsv1');
  const v2Contacts = makeContacts(ROWS, 'jsv2');

  // jsforce closes a v1 job after handing over its results, without waiting: let those requests land
  // before the emulator closes. Registered before useEmulator's hooks, so it runs before its close.
  after(() => untilNoV1JobOpen(emulator.url));
  const emulator = useEmulator();

  async function soapLogin(): Promise<Connection> {
    const conn = new Connection({ loginUrl: emulator.url });
    await conn.login(DEV_CREDENTIALS.username, DEV_CREDENTIALS.password + DEV_CREDENTIALS.securityToken);
    return conn;
  }

  it('logs in with SOAP login() and with the OAuth password flow', async () => {
    const soap = await soapLogin();
    assert.equal(soap.instanceUrl, emulator.url);
    assert.match(soap.accessToken ?? '', /.+/);
    assert.match(soap.userInfo?.organizationId ?? '', /^00D/);

    const oauth = new Connection({
      oauth2: {
        loginUrl: emulator.url,
        clientId: DEV_CREDENTIALS.clientId,
        clientSecret: DEV_CREDENTIALS.clientSecret,
      },
    });
    const user = await oauth.login(DEV_CREDENTIALS.username, DEV_CREDENTIALS.password + DEV_CREDENTIALS.securityToken);
    assert.equal(oauth.instanceUrl, emulator.url);
    assert.match(user.organizationId, /^00D/);
    assert.match(user.id, /^005/);
    // The OAuth session is an ordinary API session.
    const limits = await oauth.limits();
    assert.equal(typeof limits.DailyBulkApiBatches?.Max, 'number');
  });

  it(`Bulk v1: inserts ${ROWS} rows in batches of ${V1_BATCH} (one job)`, async () => {
    const conn = await soapLogin();
    const results = await timed('jsforce v1 insert 50k', () => v1Insert(conn, v1Contacts));
    assert.equal(results.length, ROWS);
    assert.deepEqual(
      results.filter((r) => !r.success),
      [],
    );
    const records = emulator.org.getRecords('Contact');
    assertOrgHolds(records, 'jsv1', v1Contacts);
    // Results come one per input row, in input order: the ids line up with the records sent.
    const idByKey = new Map(records.map((r) => [r['External_Id__c'], r['Id']]));
    results.forEach((r, i) => assert.equal(r.id, idByKey.get(v1Contacts[i]?.External_Id__c ?? null)));
  });

  it(`Bulk v1: queries the ${ROWS} rows back (bulk.query)`, async () => {
    const conn = await soapLogin();
    conn.bulk.pollInterval = POLL.pollInterval;
    conn.bulk.pollTimeout = POLL.pollTimeout;
    const rows = await timed('jsforce v1 query 50k', async () => collect(await conn.bulk.query(contactSoql('jsv1'))));
    assertRowsEqualOrg(rows, emulator.org.getRecords('Contact'), 'jsv1');
  });

  it(`Bulk 2.0: inserts ${ROWS} rows (bulk2.loadAndWaitForResults)`, async () => {
    const conn = await soapLogin();
    const results = await timed('jsforce v2 insert 50k', () =>
      conn.bulk2.loadAndWaitForResults({ object: 'Contact', operation: 'insert', input: v2Contacts, ...POLL }),
    );
    assert.equal(results.successfulResults.length, ROWS);
    assert.deepEqual(results.failedResults, []);
    assert.deepEqual(results.unprocessedRecords, []);
    const records = emulator.org.getRecords('Contact');
    assertOrgHolds(records, 'jsv2', v2Contacts);
    const idByKey = new Map(records.map((r) => [r['External_Id__c'], r['Id']]));
    for (const r of results.successfulResults as Row[]) {
      assert.equal(r['sf__Created'], 'true');
      assert.equal(r['sf__Id'], idByKey.get(r['External_Id__c'] as string));
    }
  });

  it(`Bulk 2.0: queries the ${ROWS} rows back (bulk2.query)`, async () => {
    const conn = await soapLogin();
    const rows = await timed('jsforce v2 query 50k', async () =>
      collect(await conn.bulk2.query(contactSoql('jsv2'), POLL)),
    );
    assertRowsEqualOrg(rows, emulator.org.getRecords('Contact'), 'jsv2');
  });

  it('reports rows Salesforce rejects, and a batch with an unknown field, the way Salesforce does', async () => {
    const conn = await soapLogin();
    conn.bulk.pollInterval = POLL.pollInterval;
    const bad = [
      { LastName: 'Fine', Email: 'fine@example.com' },
      { LastName: null, Email: 'nameless@example.com' },
      { LastName: 'Typo', Email: 'not-an-email' },
    ];
    const v1 = (await conn.bulk.load('Contact', 'insert', bad)) as V1Result[];
    assert.deepEqual(
      v1.map((r) => [r.success, r.errors]),
      [
        [true, []],
        [false, ['REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --']],
        [false, ['INVALID_EMAIL_ADDRESS:Email: invalid email address: not-an-email:Email --']],
      ],
    );
    await assert.rejects(
      async () => {
        await conn.bulk.load('Contact', 'insert', [{ LastName: 'x', Not_A_Field__c: 'y' }]);
      },
      { message: 'InvalidBatch : Field name not found : Not_A_Field__c' },
    );
    const v2 = await conn.bulk2.loadAndWaitForResults({ object: 'Contact', operation: 'insert', input: bad, ...POLL });
    assert.equal(v2.successfulResults.length, 1);
    assert.deepEqual(
      v2.failedResults.map((r) => [r.sf__Id, r.sf__Error]),
      [
        ['', 'REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --'],
        ['', 'INVALID_EMAIL_ADDRESS:Email: invalid email address: not-an-email:Email --'],
      ],
    );
  });
});
