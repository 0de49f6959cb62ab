import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { executeSoql } from '../../emulator/soql/index.js';
import type { SalesforceEmulator } from '../../emulator/index.js';
import { startEmulator } from '../helpers/emulator.js';
import { eventually } from '../helpers/eventually.js';
import { API, ingestClient, login, results, runJob } from '../helpers/emulator-http.js';

/** What a client sees of an org after the same jobs: records, result files, query results. */
interface Observed {
  records: unknown[];
  results: string[];
  queries: unknown[];
  bulkQuery: string;
}

const SOQL = [
  'SELECT Id, FirstName, LastName, Email FROM Contact',
  "SELECT Id, LastName FROM Contact WHERE LastName LIKE 'smith%' ORDER BY Email DESC NULLS LAST, Id",
  'SELECT Id, Account.Name FROM Contact ORDER BY Account.Name NULLS FIRST, LastName LIMIT 5',
];

async function bulkQuery(emulator: SalesforceEmulator, token: string, soql: string): Promise<string> {
  const base = `${emulator.url}/services/data/${API}/jobs/query`;
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const created = await fetch(base, {
    method: 'POST',
    headers,
    body: JSON.stringify({ operation: 'query', query: soql }),
  });
  const { id } = (await created.json()) as { id: string };
  await eventually(
    async () => ((await (await fetch(`${base}/${id}`, { headers })).json()) as { state: string }).state,
    {
      until: (state) => state === 'JobComplete',
      timeoutMs: 10_000,
      what: `query job ${id} to complete`,
    },
  );
  return (await fetch(`${base}/${id}/results`, { headers })).text();
}

/** Inserts, upserts by external id, updates, deletes and hard-deletes, then reads everything back. */
async function exercise(emulator: SalesforceEmulator, waitForDisk: boolean): Promise<Observed> {
  const token = await login(emulator.url);
  const ingest = ingestClient(emulator.url, token);
  const outputs: string[] = [];
  const run = async (job: Record<string, unknown>, csv: string) => {
    const done = await runJob(ingest, job, csv);
    for (const kind of ['successfulResults', 'failedResults', 'unprocessedrecords'] as const) {
      outputs.push((await results(ingest, done.id, kind)).text);
    }
    if (waitForDisk) {
      await eventually(() => !emulator.org.movingToDisk('Contact'), { timeoutMs: 10_000, what: 'the move to disk' });
    }
    return done;
  };
  await run({ object: 'Account', operation: 'insert' }, 'Name,External_Id__c\nAcme,A1\nGlobex,G1\n');
  const rows = Array.from(
    { length: 40 },
    (_, i) => `First${i},${i % 3 ? 'Smith' : 'Jones'}${i},c${i}@example.com,C${i},${i % 2 ? 'A1' : 'G1'}`,
  );
  const csv = `FirstName,LastName,Email,External_Id__c,Account.External_Id__c\n${rows.join('\n')}\n`;
  await run({ object: 'Contact', operation: 'insert' }, csv);
  await run(
    { object: 'Contact', operation: 'upsert', externalIdFieldName: 'External_Id__c' },
    'External_Id__c,Title\nC3,Boss\nc5,Lead\nC99,New\nC1,"Quote ""me"", twice"\n',
  );
  await run({ object: 'Contact', operation: 'insert' }, 'LastName,External_Id__c\nDuplicate,C7\n');
  const ids = emulator.org.getRecords('Contact').map((r) => String(r['Id']));
  await run({ object: 'Contact', operation: 'delete' }, `Id\n${ids[0]}\n${ids[1]}\n`);
  await run({ object: 'Contact', operation: 'hardDelete' }, `Id\n${ids[2]}\n`);
  await run({ object: 'Contact', operation: 'update' }, `Id,LastName\n${ids[0]},Gone\n${ids[4]},Changed\n`);
  if (waitForDisk) assert.equal(emulator.org.inMemory('Contact'), false, 'Contact is on disk');
  // The two emulators' clocks differ: timestamps are left out, everything else must match.
  const stamps = new Set(['CreatedDate', 'LastModifiedDate', 'SystemModstamp']);
  const records = emulator.org
    .getRecords('Contact', { includeDeleted: true })
    .map((record) => Object.fromEntries(Object.entries(record).filter(([field]) => !stamps.has(field))));
  return {
    records,
    results: outputs,
    queries: SOQL.flatMap((soql) =>
      [true, false].map((includeDeleted) => executeSoql(emulator.org, soql, { includeDeleted }).rows),
    ),
    bulkQuery: await bulkQuery(emulator, token, SOQL[1] ?? ''),
  };
}

describe('records on disk', () => {
  it('give clients exactly what records in memory give', async (t) => {
    const memory = await exercise(await startEmulator(t), false);
    const disk = await exercise(await startEmulator(t, { recordsInMemory: 5 }), true);
    assert.equal(
      memory.records.length,
      39,
      '40 inserted (the new row of the upsert lacks LastName), 1 removed for good',
    );
    assert.deepEqual(disk.records, memory.records);
    assert.deepEqual(disk.results, memory.results);
    assert.deepEqual(disk.queries, memory.queries);
    assert.equal(disk.bulkQuery, memory.bulkQuery);
  });

  it('come back to memory, empty, after a reset', async (t) => {
    const emulator = await startEmulator(t, { recordsInMemory: 0 });
    const ingest = ingestClient(emulator.url, await login(emulator.url));
    await runJob(ingest, { object: 'Contact', operation: 'insert' }, 'LastName\nA\nB\n');
    await eventually(() => !emulator.org.inMemory('Contact'), { timeoutMs: 10_000, what: 'Contact on disk' });
    emulator.reset();
    assert.equal(emulator.org.inMemory('Contact'), true);
    assert.deepEqual(emulator.org.getRecords('Contact'), []);
    await runJob(ingest, { object: 'Contact', operation: 'insert' }, 'LastName\nC\n');
    assert.deepEqual(
      emulator.org.getRecords('Contact').map((r) => r['LastName']),
      ['C'],
    );
  });

  it('refuses a negative recordsInMemory, naming the option', async (t) => {
    await assert.rejects(startEmulator(t, { recordsInMemory: -1 }), /options\.recordsInMemory/);
  });
});
