/**
 * bulkQueryWorkflow on a real local Temporal server: Bulk 2.0 paging into one joined CSV, queryAll
 * with deleted records, Bulk v1 with PK chunking, and a bad query failing fast.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bulkflowErrorOf } from '../../client/errors.js';
import { startBulkIngest, startBulkQuery } from '../../client/starters.js';
import type { SalesforceEmulator } from '../../emulator/index.js';
import type { BulkQueryInput } from '../../workflows/contract.js';
import { contactRows, writeCsv } from '../helpers/data.js';
import { orgRecords, readCsvFile } from '../helpers/org.js';
import { startTestbed, type Testbed } from '../helpers/testbed.js';

let env: TestWorkflowEnvironment;
let emulator: SalesforceEmulator;
let bed: Testbed;
const taskQueue = `query-${randomUUID()}`;
const dir = mkdtempSync(path.join(tmpdir(), 'bulkflow-query-'));
const rows = contactRows(1_200, 'q');
const FAST_POLL = { initialMs: 100, ceilingMs: 300 };

before(async () => {
  bed = await startTestbed({ taskQueue, dir });
  ({ env, emulator } = bed);
  const file = path.join(dir, 'seed.csv');
  writeCsv(file, rows as unknown as Record<string, string>[]);
  const seeded = await (
    await startBulkIngest(
      env.client,
      { object: 'Contact', operation: 'insert', source: { url: pathToFileURL(file).href } },
      { taskQueue },
    )
  ).result();
  assert.equal(seeded.records.successful, 1_200);
});

after(() => bed?.close());

async function query(input: BulkQueryInput) {
  return (await startBulkQuery(env.client, { pollPolicy: FAST_POLL, ...input }, { taskQueue })).result();
}

test('Bulk 2.0 query in pages of 500 lands in one CSV with every Contact once', async () => {
  const out = path.join(dir, 'contacts.csv');
  const result = await query({
    soql: 'SELECT Id, Email, LastName, Description FROM Contact',
    pageSize: 500,
    destination: { url: pathToFileURL(out).href },
  });
  assert.equal(result.state, 'Completed');
  assert.equal(result.records.total, 1_200);
  const exported = readCsvFile(out);
  assert.equal(exported.length, 1_200);
  assert.deepEqual(Object.keys(exported[0] ?? {}), ['Id', 'Email', 'LastName', 'Description']);
  const org = new Map((await orgRecords(emulator.url, 'Contact')).map((r) => [r.Id, r]));
  assert.equal(new Set(exported.map((r) => r.Id)).size, 1_200, 'no row twice');
  for (const row of exported) {
    const rec = org.get(row.Id ?? '');
    assert.equal(row.Email, rec?.Email);
    assert.equal(row.Description, rec?.Description, 'embedded newlines and quotes survive');
  }
});

test('queryAll sees deleted records that query does not', async () => {
  const victims = (await orgRecords(emulator.url, 'Contact')).slice(0, 10).map((r) => ({ Id: r.Id }));
  const deleted = await (
    await startBulkIngest(
      env.client,
      { object: 'Contact', operation: 'delete', source: { records: victims } },
      { taskQueue },
    )
  ).result();
  assert.equal(deleted.records.successful, 10);
  const live = await query({ soql: 'SELECT Id FROM Contact' });
  const all = await query({ soql: 'SELECT Id, IsDeleted FROM Contact', operation: 'queryAll' });
  assert.equal(live.records.total, 1_190);
  assert.equal(all.records.total, 1_200);
  const deletedRows = readCsvFile(all.results.records?.url ?? '').filter((r) => r.IsDeleted === 'true');
  assert.deepEqual(new Set(deletedRows.map((r) => r.Id)), new Set(victims.map((v) => v.Id)));
});

test('Bulk v1 query with PK chunking returns the same rows as the org', async () => {
  const result = await query({ soql: 'SELECT Id, Email FROM Contact', api: '1.0', pkChunking: { chunkSize: 300 } });
  assert.equal(result.state, 'Completed');
  assert.equal(result.jobs[0]?.api, '1.0');
  const exported = readCsvFile(result.results.records?.url ?? '');
  const org = await orgRecords(emulator.url, 'Contact');
  assert.equal(exported.length, org.length);
  assert.deepEqual(new Set(exported.map((r) => r.Id)), new Set(org.map((r) => r.Id)));
});

test('a malformed query fails fast with a typed, non-retryable error', async () => {
  const handle = await startBulkQuery(env.client, { soql: 'SELEC Id FROM Contact' }, { taskQueue });
  const err = await handle.result().then(
    () => assert.fail('expected the query to fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof WorkflowFailedError);
  const cause = bulkflowErrorOf(err);
  assert.match(cause.type, /^bulkflow\./, 'a failure bulkflow raised');
  assert.equal(cause.retryable, false);
  assert.match(cause.message, /MALFORMED_QUERY/);
});
