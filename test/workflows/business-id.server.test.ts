/**
 * A business id (the workflow id) loads its rows once, across runs: started again after it completed, it loads
 * nothing and hands back that result (also once Temporal has forgotten the run, from the run ledger); after a
 * failed, aborted or terminated run, a new run loads only the rows that did not succeed. Every case ends with the
 * org checked row by row: each input row there exactly once.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Client } from '@temporalio/client';
import { bulkflowErrorOf } from '../../client/errors.js';
import { startBulkIngest, startBulkQuery } from '../../client/starters.js';
import type { SalesforceEmulator } from '../../emulator/index.js';
import { progressQuery, type BulkIngestInput, type BulkIngestResult } from '../../workflows/contract.js';
import { contactRows, writeCsv, type ContactRow } from '../helpers/data.js';
import { eventually } from '../helpers/eventually.js';
import { emulatorStats, orgRecords } from '../helpers/org.js';
import { startTestbed, type Testbed } from '../helpers/testbed.js';

let bed: Testbed;
let client: Client;
let emulator: SalesforceEmulator;
const taskQueue = `business-id-${randomUUID()}`;
const dir = mkdtempSync(path.join(tmpdir(), 'bulkflow-business-id-'));

before(async () => {
  // 100 rows a unit: 300 rows are three Bulk 2.0 jobs, so a run can fail or stop between them.
  bed = await startTestbed({ taskQueue, dir, worker: { uploadLimits: { maxBytes: 10_000_000, maxRows: 100 } } });
  client = bed.env.client;
  emulator = bed.emulator;
});
after(() => bed?.close());

function input(name: string, rows: ContactRow[]): BulkIngestInput {
  const file = path.join(dir, `${name}.csv`);
  writeCsv(file, rows as unknown as Record<string, string>[]);
  return {
    object: 'Contact',
    operation: 'insert',
    source: { url: pathToFileURL(file).href },
    pollPolicy: { initialMs: 100, ceilingMs: 300 },
    transientRetry: { maxAttempts: 1 },
  };
}

/** Every input row is in the org exactly once, and nothing else is. */
async function assertLoadedOnce(rows: ContactRow[]): Promise<void> {
  const records = await orgRecords(emulator.url, 'Contact');
  const emails = records.map((r) => String(r.Email));
  assert.equal(new Set(emails).size, emails.length, 'no row was loaded twice');
  assert.deepEqual(emails.sort(), rows.map((r) => r.Email).sort(), 'every row is there, and only those');
}

/** Waits until a job's child workflow has seen its job process `rows` rows (the child polls it every 300 ms). */
async function processedSome(childId: string, rows: number): Promise<void> {
  await eventually(
    async () => (await client.workflow.getHandle(childId).query(progressQuery)).records.processed >= rows,
    {
      timeoutMs: 30_000,
      what: `${childId} to have processed ${rows} rows`,
    },
  );
}

/** The accounting identity: every input row in exactly one bucket. */
function assertAccounted(result: BulkIngestResult): void {
  const r = result.records;
  assert.equal(r.successful + r.failed + r.unprocessed + (r.loadedBefore ?? 0), r.total);
}

test('started again after it completed: nothing is loaded again, the start attaches to the completed run', async () => {
  emulator.reset();
  const rows = contactRows(300, 'twice');
  const workflowId = `twice-${randomUUID()}`;
  const first = await startBulkIngest(client, input('twice', rows), { taskQueue, workflowId });
  const done = await first.result();
  assert.equal(done.state, 'Completed');
  const again = await startBulkIngest(client, input('twice', rows), { taskQueue, workflowId });
  assert.equal(again.firstExecutionRunId, first.firstExecutionRunId, 'the same run');
  assert.equal(again.attachedTo?.status, 'Completed');
  assert.ok(again.attachedTo?.closedAt instanceof Date);
  assert.deepEqual(await again.result(), done, 'its result is the earlier one');
  assert.equal((await emulatorStats(emulator.url)).jobs.length, 3, 'no job was created the second time');
  await assertLoadedOnce(rows);
});

test('two starters racing on a new id start one run, and the rows are loaded once', async () => {
  emulator.reset();
  const rows = contactRows(200, 'race');
  const workflowId = `race-${randomUUID()}`;
  const [a, b] = await Promise.all([
    startBulkIngest(client, input('race-a', rows), { taskQueue, workflowId }),
    startBulkIngest(client, input('race-b', rows), { taskQueue, workflowId }),
  ]);
  assert.equal(a.firstExecutionRunId, b.firstExecutionRunId);
  assert.deepEqual(await a.result(), await b.result());
  await assertLoadedOnce(rows);
});

test('after a run failed halfway (its second job failed), a rerun loads only the rows that did not succeed', async () => {
  emulator.reset();
  const rows = contactRows(300, 'half');
  const workflowId = `half-${randomUUID()}`;
  emulator.faults.set({ type: 'jobFailure', skip: 1, count: 1, afterRecords: 40 });
  const failed = await (await startBulkIngest(client, input('half', rows), { taskQueue, workflowId })).result();
  assert.equal(failed.state, 'Failed');
  assert.equal(failed.records.successful, 240, 'jobs 1 and 3 whole, 40 rows of job 2');
  emulator.faults.set([]);
  const rerun = await startBulkIngest(client, input('half', rows), { taskQueue, workflowId });
  assert.notEqual(rerun.firstExecutionRunId, failed.jobs[0]?.id);
  const result = await rerun.result();
  assert.equal(result.state, 'Completed');
  assert.equal(result.records.total, 300);
  assert.equal(result.records.loadedBefore, 240, 'the earlier run had loaded 240');
  assert.equal(result.records.successful, 60);
  assertAccounted(result);
  assert.equal(result.jobs.length, 1, 'the 60 rows fit one unit');
  await assertLoadedOnce(rows);
});

test('after an abort mid-load, a rerun loads the rest; once more, it attaches to the completed rerun', async () => {
  emulator.reset();
  emulator.faults.set({ type: 'slowProcessing', recordsPerSecond: 20 });
  const rows = contactRows(300, 'abort');
  const workflowId = `abort-${randomUUID()}`;
  const handle = await startBulkIngest(client, input('abort', rows), { taskQueue, workflowId });
  await processedSome(`${workflowId}/job-1`, 30);
  await handle.signal('abort', { reason: 'stop halfway' });
  const aborted = await handle.result();
  assert.equal(aborted.state, 'Aborted');
  assert.ok(aborted.records.successful > 0 && aborted.records.successful < 300, `${aborted.records.successful} loaded`);
  assertAccounted(aborted);
  emulator.faults.set([]);
  const rerun = await (await startBulkIngest(client, input('abort', rows), { taskQueue, workflowId })).result();
  assert.equal(rerun.state, 'Completed');
  assert.equal(rerun.records.loadedBefore, aborted.records.successful);
  assert.equal(rerun.records.successful, 300 - aborted.records.successful);
  assertAccounted(rerun);
  await assertLoadedOnce(rows);
  const third = await startBulkIngest(client, input('abort', rows), { taskQueue, workflowId });
  assert.equal(third.attachedTo?.status, 'Completed');
  await assertLoadedOnce(rows);
});

test('after a run was terminated mid-job, a rerun aborts the job it left, reads what it loaded from Salesforce, and loads the rest', async () => {
  emulator.reset();
  emulator.faults.set({ type: 'slowProcessing', recordsPerSecond: 10 });
  const rows = contactRows(100, 'terminated');
  const workflowId = `terminated-${randomUUID()}`;
  const handle = await startBulkIngest(client, input('terminated', rows), { taskQueue, workflowId });
  await processedSome(`${workflowId}/job-1`, 20);
  // The child first, so that no step of either run saves the job's results: only Salesforce knows them.
  await client.workflow.getHandle(`${workflowId}/job-1`).terminate('pulled the plug');
  await handle.terminate('pulled the plug');
  // Still slow: the job goes on processing until the rerun aborts it.
  const [orphan] = (await emulatorStats(emulator.url)).jobs;
  assert.equal(orphan?.state, 'InProgress', 'the terminated run left its job running');
  const result = await (await startBulkIngest(client, input('terminated', rows), { taskQueue, workflowId })).result();
  assert.equal(result.state, 'Completed');
  const loadedBefore = result.records.loadedBefore ?? 0;
  assert.ok(loadedBefore >= 20 && loadedBefore < 100, `${loadedBefore} rows loaded before`);
  assert.equal(result.records.successful, 100 - loadedBefore);
  const jobs = (await emulatorStats(emulator.url)).jobs;
  assert.equal(jobs.find((j) => j.id === orphan.id)?.state, 'Aborted', "the earlier run's job was aborted first");
  await assertLoadedOnce(rows);
});

test('once Temporal has forgotten the completed run, the run ledger still answers: nothing is loaded again', async () => {
  emulator.reset();
  const rows = contactRows(100, 'forgotten');
  const workflowId = `forgotten-${randomUUID()}`;
  const first = await (await startBulkIngest(client, input('forgotten', rows), { taskQueue, workflowId })).result();
  assert.equal(first.state, 'Completed');
  // What retention does: the closed run (and its child) are deleted from Temporal.
  for (const id of [workflowId, `${workflowId}/job-1`]) {
    await client.workflowService.deleteWorkflowExecution({
      namespace: 'default',
      workflowExecution: { workflowId: id },
    });
  }
  await eventually(
    async () =>
      !(await client.workflow
        .getHandle(workflowId)
        .describe()
        .then(
          () => true,
          () => false,
        )),
    { timeoutMs: 120_000, what: 'Temporal to have forgotten the run' },
  );
  const again = await startBulkIngest(client, input('forgotten', rows), { taskQueue, workflowId });
  assert.equal(again.attachedTo, undefined, 'Temporal had no run to attach to');
  const result = await again.result();
  assert.equal(result.state, 'Completed');
  assert.deepEqual(result.records, first.records, "the first run's counts");
  assert.ok(result.completedBefore, 'marked as loaded before');
  assert.equal((await emulatorStats(emulator.url)).jobs.length, 1, 'no second job');
  await assertLoadedOnce(rows);
});

test('ignoreEarlierRuns loads every row again, on purpose', async () => {
  emulator.reset();
  const rows = contactRows(50, 'again');
  const workflowId = `again-${randomUUID()}`;
  await (await startBulkIngest(client, input('again', rows), { taskQueue, workflowId })).result();
  const second = await startBulkIngest(
    client,
    { ...input('again', rows), ignoreEarlierRuns: true },
    { taskQueue, workflowId },
  );
  assert.equal(second.attachedTo, undefined);
  const result = await second.result();
  assert.equal(result.records.successful, 50);
  assert.equal((await orgRecords(emulator.url, 'Contact')).length, 100, 'loaded twice, as asked');
});

test('a completed query is not run again: the same id hands back its result', async () => {
  emulator.reset();
  await (await startBulkIngest(client, input('query-seed', contactRows(20, 'q')), { taskQueue })).result();
  const workflowId = `query-${randomUUID()}`;
  const soql = 'SELECT Id, Email FROM Contact';
  const first = await startBulkQuery(client, { soql, pollPolicy: { initialMs: 100 } }, { taskQueue, workflowId });
  const done = await first.result();
  assert.equal(done.records.total, 20);
  const queryJobs = async () => (await emulatorStats(emulator.url)).jobs.filter((j) => j.operation === 'query').length;
  const before = await queryJobs();
  const again = await startBulkQuery(client, { soql }, { taskQueue, workflowId });
  assert.equal(again.attachedTo?.status, 'Completed');
  assert.deepEqual(await again.result(), done);
  assert.equal(await queryJobs(), before, 'no second query job');
});

test('a rerun whose input has other columns than the earlier run loaded is refused before any job, saying why', async () => {
  emulator.reset();
  const rows = contactRows(300, 'columns');
  const workflowId = `columns-${randomUUID()}`;
  emulator.faults.set({ type: 'jobFailure', skip: 1, count: 1 });
  const first = await (await startBulkIngest(client, input('columns', rows), { taskQueue, workflowId })).result();
  emulator.faults.set([]);
  assert.equal(first.state, 'Failed');
  const file = path.join(dir, 'columns-narrow.csv');
  writeCsv(
    file,
    rows.map((r) => ({ LastName: r.LastName, Email: r.Email, Phone: '555' })),
  );
  const rerun = await startBulkIngest(
    client,
    { ...input('columns', rows), source: { url: pathToFileURL(file).href } },
    {
      taskQueue,
      workflowId,
    },
  );
  const err = await rerun.result().then(
    () => assert.fail('the rerun should have been refused'),
    (e: unknown) => bulkflowErrorOf(e),
  );
  assert.equal(err.code, 'SF_RERUN_COLUMNS_CHANGED');
  assert.match(err.message, /lacks the input columns Phone/);
  assert.match(err.message, /ignoreEarlierRuns/);
  console.log(`# ${err.message}`);
  assert.equal((await emulatorStats(emulator.url)).jobs.length, 3, 'no job for the refused rerun');
});
