/**
 * bulkIngestWorkflow on a real local Temporal server (TestWorkflowEnvironment.createLocal with the
 * installed binary), an in-process worker, and the emulator over loopback.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

import { FileStagingStore } from '../../storage/index.js';
import { startBulkIngest } from '../../client/starters.js';
import { DEV_CREDENTIALS, type SalesforceEmulator } from '../../emulator/index.js';
import { createSalesforceClient, OAuthPasswordAuthenticator } from '../../salesforce/index.js';
import { createBulkflowWorker } from '../../worker/create-worker.js';
import { abortSignal, progressQuery, type BulkIngestInput } from '../../workflows/contract.js';
import { workflowFailure } from '../helpers/failures.js';
import { contactRows, writeCsv } from '../helpers/data.js';
import { startEmulator } from '../helpers/emulator.js';
import { eventually } from '../helpers/eventually.js';
import { emulatorStats, orgRecords, readCsvFile } from '../helpers/org.js';
import { workflowBundle } from '../helpers/temporal.js';
import { startTestbed, type Testbed } from '../helpers/testbed.js';

let env: TestWorkflowEnvironment;
let emulator: SalesforceEmulator;
let bed: Testbed;
const taskQueue = `wf-${randomUUID()}`;
const dir = mkdtempSync(path.join(tmpdir(), 'bulkflow-wf-'));

before(async () => {
  bed = await startTestbed({ taskQueue, dir });
  ({ env, emulator } = bed);
});

after(() => bed?.close());

function csvFile(name: string, content: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return pathToFileURL(file).href;
}

function run(input: BulkIngestInput) {
  return startBulkIngest(env.client, input, { taskQueue, workflowId: `test-${randomUUID()}` });
}

test('a row missing a required field fails with Salesforce error text; the others succeed', async () => {
  emulator.reset();
  const rows = contactRows(50, 'req');
  const bad = { ...rows[7]!, LastName: '' };
  rows[7] = bad;
  const file = path.join(dir, 'required.csv');
  writeCsv(file, rows as unknown as Record<string, string>[]);
  const handle = await run({ object: 'Contact', operation: 'insert', source: { url: pathToFileURL(file).href } });
  const result = await handle.result();

  assert.equal(result.state, 'Completed');
  assert.deepEqual(result.records, { total: 50, successful: 49, failed: 1, unprocessed: 0 });
  const failed = result.results.failed.flatMap((r) => readCsvFile(r.url));
  assert.equal(failed.length, 1);
  assert.equal(failed[0]?.Email, bad.Email);
  assert.equal(failed[0]?.sf__Error, 'REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --');
  const inOrg = await orgRecords(emulator.url, 'Contact');
  assert.equal(inOrg.length, 49);
  assert.ok(!inOrg.some((r) => r.Email === bad.Email));
});

test('malformed input fails fast with a typed error, before any Salesforce job exists', async () => {
  emulator.reset();
  const url = csvFile('ragged.csv', 'FirstName,LastName\nAda,Lovelace\nGrace,Hopper,extra\n');
  const handle = await run({ object: 'Contact', operation: 'insert', source: { url } });
  const cause = await workflowFailure(handle);
  assert.equal(cause.type, 'bulkflow.SF_INVALID_INPUT');
  assert.equal(cause.retryable, false);
  assert.match(cause.message, /row 2 has 3 fields but the header has 2/);
  assert.equal((await emulatorStats(emulator.url)).jobs.length, 0);
  assert.equal((await orgRecords(emulator.url, 'Contact')).length, 0);
});

test('an unknown column is refused by the pre-flight with a did-you-mean, before any Salesforce job exists', async () => {
  emulator.reset();
  const url = csvFile('unknown.csv', 'LastName,Emial\nLovelace,ada@example.com\nHopper,grace@example.com\n');
  const cause = await workflowFailure(await run({ object: 'Contact', operation: 'insert', source: { url } }));
  assert.match(cause.type, /^bulkflow\./, 'a failure bulkflow raised');
  assert.equal(cause.retryable, false);
  assert.match(cause.message, /Emial/);
  assert.match(cause.message, /Email/, 'suggests the near miss');
  assert.equal((await emulatorStats(emulator.url)).jobs.length, 0);
  assert.equal((await orgRecords(emulator.url, 'Contact')).length, 0);
});

test('a job Salesforce fails ends the workflow Failed with its message; every row is reported unprocessed', async () => {
  emulator.reset();
  emulator.faults.set({ type: 'jobFailure', errorMessage: 'InvalidBatch : Failed to process', count: 1 });
  try {
    const url = csvFile('failing.csv', 'LastName\nLovelace\nHopper\n');
    const result = await (await run({ object: 'Contact', operation: 'insert', source: { url } })).result();
    assert.equal(result.state, 'Failed');
    assert.equal(result.failureMessage, 'InvalidBatch : Failed to process');
    assert.deepEqual(result.records, { total: 2, successful: 0, failed: 0, unprocessed: 2 });
    assert.equal((await orgRecords(emulator.url, 'Contact')).length, 0);
  } finally {
    emulator.faults.clear();
  }
});

test('the abort signal aborts the Salesforce job mid-processing and the result accounts for every row', async (t) => {
  emulator.reset();
  const slow = await startEmulator(t, { recordsPerSecond: 200 });
  const salesforce = createSalesforceClient({
    auth: new OAuthPasswordAuthenticator({ loginUrl: slow.url, ...DEV_CREDENTIALS }),
  });
  const slowQueue = `${taskQueue}-slow`;
  const slowWorker = await createBulkflowWorker({
    connection: env.nativeConnection,
    salesforce,
    taskQueue: slowQueue,
    staging: new FileStagingStore(path.join(dir, 'staging')),
    workflowBundle: await workflowBundle(),
  });
  await slowWorker.runUntil(async () => {
    const file = path.join(dir, 'abort.csv');
    writeCsv(file, contactRows(2_000, 'abort') as unknown as Record<string, string>[]);
    const handle = await startBulkIngest(
      env.client,
      {
        object: 'Contact',
        operation: 'insert',
        source: { url: pathToFileURL(file).href },
        pollPolicy: { initialMs: 100, ceilingMs: 200 },
      },
      { taskQueue: slowQueue, workflowId: `abort-${randomUUID()}` },
    );
    // Wait until Salesforce is really processing, then abort.
    await eventually(async () => (await handle.query(progressQuery)).records.processed > 0, {
      timeoutMs: 60_000,
      intervalMs: 100,
      what: 'Salesforce to start processing the job',
    });
    // Salesforce crawls from here, so the job cannot end before the abort, however loaded the machine.
    slow.faults.set({ type: 'slowProcessing', recordsPerSecond: 1 });
    await handle.signal(abortSignal, { reason: 'operator said stop' });
    const result = await handle.result();
    assert.equal(result.state, 'Aborted');
    assert.equal(result.abortReason, 'operator said stop');
    assert.equal(result.jobs[0]?.state, 'Aborted');
    const { successful, failed, unprocessed, total } = result.records;
    assert.equal(total, 2_000);
    assert.equal(successful + failed + unprocessed, 2_000);
    assert.ok(unprocessed > 0, 'the abort left rows unprocessed');
    assert.equal((await orgRecords(slow.url, 'Contact')).length, successful);
  });
});
