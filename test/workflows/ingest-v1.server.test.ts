/**
 * bulkIngestWorkflow on Bulk API v1: one job, one batch per unit, results matched to rows by
 * position and written as the same three files as Bulk 2.0's.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startBulkIngest } from '../../client/starters.js';
import type { SalesforceEmulator } from '../../emulator/index.js';
import { abortSignal, progressQuery } from '../../workflows/contract.js';
import { contactRows, writeCsv } from '../helpers/data.js';
import { eventually } from '../helpers/eventually.js';
import { emulatorStats, orgRecords, readCsvFile } from '../helpers/org.js';
import { startTestbed, type Testbed } from '../helpers/testbed.js';

let env: TestWorkflowEnvironment;
let emulator: SalesforceEmulator;
let bed: Testbed;
const taskQueue = `v1-${randomUUID()}`;
const dir = mkdtempSync(path.join(tmpdir(), 'bulkflow-v1-'));

before(async () => {
  bed = await startTestbed({
    taskQueue,
    dir,
    emulator: { recordsPerSecond: 400 },
    worker: { v1BatchLimits: { maxRows: 250, maxBytes: 10_000_000 } },
  });
  ({ env, emulator } = bed);
});

after(() => bed?.close());

function csv(name: string, rows: ReturnType<typeof contactRows>): string {
  const file = path.join(dir, `${name}.csv`);
  writeCsv(file, rows as unknown as Record<string, string>[]);
  return pathToFileURL(file).href;
}

test('v1 insert over three batches: each row once, results matched to their rows', async () => {
  emulator.reset();
  const rows = contactRows(600, 'v1ins');
  const bad = { ...rows[333]!, LastName: '' };
  rows[333] = bad;
  const handle = await startBulkIngest(
    env.client,
    {
      object: 'Contact',
      operation: 'insert',
      api: '1.0',
      source: { url: csv('v1ins', rows) },
      pollPolicy: { initialMs: 100, ceilingMs: 300 },
    },
    { taskQueue },
  );
  const result = await handle.result();
  assert.equal(result.state, 'Completed');
  assert.deepEqual(result.records, { total: 600, successful: 599, failed: 1, unprocessed: 0 });
  assert.equal(result.jobs.length, 1);
  assert.equal(result.jobs[0]?.api, '1.0');
  const stats = await emulatorStats(emulator.url);
  assert.equal(stats.jobs.length, 1, 'one v1 job');

  const failed = result.results.failed.flatMap((r) => readCsvFile(r.url));
  assert.equal(failed.length, 1);
  assert.equal(failed[0]?.Email, bad.Email);
  assert.match(failed[0]?.sf__Error ?? '', /^REQUIRED_FIELD_MISSING:Required fields are missing: \[LastName\]/);
  const org = await orgRecords(emulator.url, 'Contact');
  const byId = new Map(org.map((r) => [r.Id, r]));
  const successful = result.results.successful.flatMap((r) => readCsvFile(r.url));
  assert.equal(successful.length, 599);
  for (const s of successful) {
    assert.equal(byId.get(s.sf__Id ?? '')?.Email, s.Email, 'each result row carries its own input row');
  }
  assert.equal(org.length, 599);
});

test('v1 abort while batches are being added: the rest are never sent, every row is accounted for', async () => {
  emulator.reset();
  // Each batch upload takes a while, so the abort lands between batches. (Batches already
  // InProgress run to the end, as on Salesforce: an abort only stops what is not started.)
  emulator.faults.set({ type: 'latency', ms: 1_000, method: 'POST', path: '*/batch' });
  const rows = contactRows(1_500, 'v1abort');
  const handle = await startBulkIngest(
    env.client,
    {
      object: 'Contact',
      operation: 'insert',
      api: '1.0',
      source: { url: csv('v1abort', rows) },
      pollPolicy: { initialMs: 100, ceilingMs: 200 },
    },
    { taskQueue },
  );
  await eventually(async () => (await handle.query(progressQuery)).jobs.length > 0, {
    timeoutMs: 60_000,
    intervalMs: 50,
    what: 'the v1 job to be created',
  });
  await handle.signal(abortSignal, { reason: 'v1 stop' });
  emulator.faults.clear();
  const result = await handle.result();
  assert.equal(result.state, 'Aborted');
  const { total, successful, failed, unprocessed } = result.records;
  assert.equal(total, 1_500);
  assert.equal(successful + failed + unprocessed, 1_500);
  assert.ok(unprocessed > 0, 'some rows were never processed');
  assert.equal((await orgRecords(emulator.url, 'Contact')).length, successful);
  assert.equal((await emulatorStats(emulator.url)).jobs[0]?.state, 'Aborted');
});
