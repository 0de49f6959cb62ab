/**
 * Abort at every phase of a load, and idempotent starts. Emulator latency on one route (or a stalled input, a
 * failing login, a wait) holds the workflow in the phase while the abort arrives; the abort must be acted on
 * within seconds (each test prints how long it took: `# abort latency …`), the result must say what was
 * processed, and every input row must be accounted for exactly once, the org holding what was reported.
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
import type { LatencyFault, SalesforceEmulator } from '../../emulator/index.js';
import { describeBulkWorkflow } from '../../client/inspect.js';
import { startBulkQuery } from '../../client/starters.js';
import { abortSignal, progressQuery, type BulkIngestInput, type BulkIngestResult } from '../../workflows/contract.js';
import { contactRows, writeCsv } from '../helpers/data.js';
import { eventually } from '../helpers/eventually.js';
import { emulatorStats, orgRecords } from '../helpers/org.js';
import { startTestbed, type Testbed } from '../helpers/testbed.js';

let bed: Testbed;
let env: TestWorkflowEnvironment;
let emulator: SalesforceEmulator;
const taskQueue = `abort-phases-${randomUUID()}`;
const dir = mkdtempSync(path.join(tmpdir(), 'bulkflow-abort-phases-'));

before(async () => {
  bed = await startTestbed({ taskQueue, dir });
  ({ env, emulator } = bed);
});
after(() => bed?.close());

function input(name: string, extra: Partial<BulkIngestInput> = {}): BulkIngestInput {
  const file = path.join(dir, `${name}.csv`);
  writeCsv(file, contactRows(300, name) as unknown as Record<string, string>[]);
  return {
    object: 'Contact',
    operation: 'insert' as const,
    source: { url: pathToFileURL(file).href },
    pollPolicy: { initialMs: 100, ceilingMs: 200 },
    ...extra,
  };
}

/** A generous bound on the time from the abort to the workflow's result: seconds, not the step's retries. */
const ABORT_BOUND_MS = 10_000;

/** Sends the abort and waits for the result; prints and checks how long the workflow took to act on it. */
async function abortAndTime<R>(
  phase: string,
  handle: { signal: (def: typeof abortSignal, arg: { reason: string }) => Promise<void>; result(): Promise<R> },
  boundMs = ABORT_BOUND_MS,
): Promise<R> {
  const sent = performance.now();
  await handle.signal(abortSignal, { reason: `stop while ${phase}` });
  const result = await handle.result();
  const ms = Math.round(performance.now() - sent);
  console.log(`# abort latency ${phase}: ${ms} ms`);
  assert.ok(ms < boundMs, `the abort while ${phase} took ${ms} ms to act on`);
  return result;
}

/** Every row in exactly one bucket, and the org holds what the result says was loaded. */
async function assertAccounted(result: BulkIngestResult): Promise<void> {
  const { total, successful, failed, unprocessed } = result.records;
  assert.equal(successful + failed + unprocessed, total, 'every row in exactly one bucket');
  assert.equal((await orgRecords(emulator.url, 'Contact')).length, successful, 'the org holds what was reported');
  for (const job of (await emulatorStats(emulator.url)).jobs) {
    assert.ok(['Aborted', 'JobComplete', 'Failed'].includes(job.state), `job ${job.id} was left ${job.state}`);
  }
}

const phases: Array<{ phase: string; hold: LatencyFault; unprocessed: 'all' | 'none' }> = [
  {
    phase: 'creating the job',
    hold: { type: 'latency', ms: 1_500, method: 'POST', path: '*/jobs/ingest' },
    unprocessed: 'all',
  },
  { phase: 'uploading', hold: { type: 'latency', ms: 1_500, method: 'PUT', path: '*/batches' }, unprocessed: 'all' },
  {
    phase: 'downloading',
    hold: { type: 'latency', ms: 1_500, method: 'GET', path: '*/successfulResults' },
    unprocessed: 'none',
  },
];

for (const { phase, hold, unprocessed } of phases) {
  test(`abort while ${phase}: the job ends, and every row is accounted for`, async () => {
    emulator.reset();
    emulator.faults.set({ ...hold, count: 1 });
    const handle = await startBulkIngest(env.client, input(phase.replace(/\W/g, '')), { taskQueue });
    await eventually(() => (emulator.faults.report()[0]?.fired ?? 0) >= 1, {
      timeoutMs: 30_000,
      what: `the workflow to reach ${phase}`,
    });
    // A download is not cut short: the job has ended, and its results are what accounts for the rows.
    const result = await abortAndTime(phase, handle, phase === 'downloading' ? hold.ms + ABORT_BOUND_MS : undefined);
    assert.equal(result.state, 'Aborted');
    assert.equal(result.abortReason, `stop while ${phase}`);
    const { total, successful, failed, unprocessed: left } = result.records;
    assert.equal(total, 300);
    assert.equal(successful + failed + left, 300, 'every row in exactly one bucket');
    assert.equal(left, unprocessed === 'all' ? 300 : 0);
    await assertAccounted(result);
    const jobs = (await emulatorStats(emulator.url)).jobs;
    if (unprocessed === 'all') {
      for (const job of jobs) assert.equal(job.state, 'Aborted', 'no job was left open');
    }
  });
}

test('abort right after the start: no row is sent, and any job created is aborted', async () => {
  emulator.reset();
  const handle = await startBulkIngest(env.client, input('early'), { taskQueue });
  const result = await abortAndTime('just started', handle);
  assert.equal(result.state, 'Aborted');
  // The abort cancels the staging when it comes first (then no row was read whole), or stops what comes next.
  assert.equal(result.records.successful + result.records.failed, 0, 'no row was loaded');
  assert.equal(result.records.unprocessed, result.records.total);
  if (result.records.total === 0) assert.equal(result.abortedDuring, 'Preparing');
  else assert.equal(result.records.total, 300);
  // A job may not exist unless the abort arrived after it was created.
  for (const job of (await emulatorStats(emulator.url)).jobs) assert.equal(job.state, 'Aborted');
});

test('starting the same workflow id twice attaches to the running job instead of starting another', async () => {
  emulator.reset();
  const workflowId = `idempotent-${randomUUID()}`;
  const first = await startBulkIngest(env.client, input('idem'), { taskQueue, workflowId });
  const second = await startBulkIngest(env.client, input('idem2'), { taskQueue, workflowId });
  assert.equal(second.firstExecutionRunId, first.firstExecutionRunId);
  const result = await first.result();
  assert.equal(result.records.successful, 300);
  assert.equal((await emulatorStats(emulator.url)).jobs.length, 1, 'one Salesforce job');
  assert.equal((await orgRecords(emulator.url, 'Contact')).length, 300);
});

test('abort while the input is being read (the input server stalls): staging stops, nothing is sent', async () => {
  emulator.reset();
  const stalled = await stalledInput();
  try {
    const handle = await startBulkIngest(
      env.client,
      { ...input('stalled'), source: { url: stalled.url } },
      { taskQueue },
    );
    await eventually(() => stalled.requests() > 0, { timeoutMs: 30_000, what: 'staging to start reading' });
    const result = await abortAndTime('staging', handle);
    assert.equal(result.state, 'Aborted');
    assert.equal(result.abortedDuring, 'Preparing');
    assert.equal(result.records.total, 0, 'the input was not read whole');
    assert.equal((await emulatorStats(emulator.url)).jobs.length, 0, 'no job');
    // The cancelled step learns of it with its next heartbeat, and stops reading the input.
    await eventually(() => stalled.open() === 0, {
      timeoutMs: 30_000,
      what: 'the staging step to let go of the input',
    });
  } finally {
    await stalled.close();
  }
});

test('abort while a step retries a failing login: the retries stop at once', async () => {
  emulator.reset();
  emulator.faults.set([{ type: 'expireSessions' }, { type: 'serverError', status: 503, path: '*/oauth2/token' }]);
  const handle = await startBulkIngest(env.client, input('login'), { taskQueue });
  await eventually(
    async () => (await describeBulkWorkflow(env.client, handle.workflowId)).steps.some((s) => s.attempt >= 2),
    { timeoutMs: 60_000, what: 'a step to be retrying the login' },
  );
  const result = await abortAndTime('a retrying login', handle);
  emulator.faults.set([]);
  assert.equal(result.state, 'Aborted');
  assert.equal(result.records.successful, 0);
  await assertAccounted(result);
});

test('abort while waiting for Salesforce to process: the job is aborted, what it processed is reported', async () => {
  emulator.reset();
  emulator.faults.set({ type: 'slowProcessing', recordsPerSecond: 30 });
  const handle = await startBulkIngest(env.client, input('polling'), { taskQueue });
  await eventually(
    async () =>
      (await env.client.workflow
        .getHandle(`${handle.workflowId}/job-1`)
        .query('progress')
        .catch(() => undefined)) !== undefined &&
      (await emulatorStats(emulator.url)).jobs.some((j) => j.state === 'InProgress'),
    { timeoutMs: 30_000, what: 'the job to be processing' },
  );
  const result = await abortAndTime('a poll wait', handle);
  emulator.faults.set([]);
  assert.equal(result.state, 'Aborted');
  assert.ok(result.records.unprocessed > 0, 'the abort stopped the job before its end');
  await assertAccounted(result);
});

test('abort while waiting for room in the daily limits: no job is created', async () => {
  emulator.reset();
  const handle = await startBulkIngest(
    env.client,
    input('limits', { limits: { onShortfall: 'wait', reserveFraction: 0.9999, checkEveryMs: 60_000 } }),
    { taskQueue },
  );
  await eventually(
    async () =>
      Object.entries((await emulatorStats(emulator.url)).requests).some(([r, n]) => r.endsWith('/limits') && n >= 1),
    { timeoutMs: 30_000, what: 'the limits check' },
  );
  const result = await abortAndTime('the limits wait', handle);
  assert.equal(result.state, 'Aborted');
  assert.equal(result.records.unprocessed, 300, 'the staged rows, none sent');
  assert.equal((await emulatorStats(emulator.url)).jobs.length, 0);
  await assertAccounted(result);
});

test('abort while waiting to retry rows that hit a lock: the follow-up job never starts', async () => {
  emulator.reset();
  emulator.faults.set({ type: 'unableToLockRow', every: 10 });
  const handle = await startBulkIngest(
    env.client,
    input('followup', { transientRetry: { maxAttempts: 3, delayMs: 120_000 } }),
    { taskQueue },
  );
  await eventually(async () => (await emulatorStats(emulator.url)).jobs.some((j) => j.state === 'JobComplete'), {
    timeoutMs: 30_000,
    what: 'the first job to end with lock failures',
  });
  // Waiting for the follow-up: the first job's results are in (its 30 locked rows counted as failed) and no step
  // is in flight. The job's JobComplete alone is not enough: its workflow may still be downloading the results.
  await eventually(
    async () =>
      (await describeBulkWorkflow(env.client, handle.workflowId)).steps.length === 0 &&
      (await env.client.workflow
        .getHandle(handle.workflowId)
        .query(progressQuery)
        .then(
          (progress) => progress.records.failed === 30,
          () => false,
        )),
    { timeoutMs: 30_000, what: 'the workflow to wait for the follow-up, with the first job’s 30 failed rows' },
  );
  const result = await abortAndTime('the follow-up delay', handle);
  emulator.faults.set([]);
  assert.equal(result.state, 'Aborted');
  assert.equal(result.records.failed, 30, 'the locked rows stay failed, with their error');
  assert.equal((await emulatorStats(emulator.url)).jobs.length, 1, 'no follow-up job');
  await assertAccounted(result);
});

test('a Temporal cancellation is an abort: the result accounts for every row', async () => {
  emulator.reset();
  emulator.faults.set({ type: 'latency', ms: 30_000, method: 'PUT', path: '*/batches', count: 1 });
  const handle = await startBulkIngest(env.client, input('cancel'), { taskQueue });
  await eventually(() => (emulator.faults.report()[0]?.fired ?? 0) >= 1, { timeoutMs: 30_000, what: 'the upload' });
  const sent = performance.now();
  await handle.cancel();
  const result = await handle.result();
  console.log(`# abort latency cancellation during an upload: ${Math.round(performance.now() - sent)} ms`);
  assert.ok(performance.now() - sent < ABORT_BOUND_MS);
  assert.equal(result.state, 'Aborted');
  assert.match(result.abortReason ?? '', /cancelled/);
  assert.equal(result.records.unprocessed, 300);
  await assertAccounted(result);
});

test('abort while a query downloads: the download stops, no records are handed out', async () => {
  emulator.reset();
  await (await startBulkIngest(env.client, input('query-seed'), { taskQueue })).result();
  emulator.faults.set({ type: 'latency', ms: 30_000, method: 'GET', path: '*/results*', count: 1 });
  const handle = await startBulkQuery(
    env.client,
    { soql: 'SELECT Id FROM Contact', pageSize: 100, pollPolicy: { initialMs: 100 } },
    { taskQueue },
  );
  await eventually(() => (emulator.faults.report()[0]?.fired ?? 0) >= 1, { timeoutMs: 30_000, what: 'the download' });
  const result = await abortAndTime('a query download', handle);
  emulator.faults.set([]);
  assert.equal(result.state, 'Aborted');
  assert.equal(result.results.records, undefined);
});

/** An input server that sends a header and a few rows, then nothing more until closed. */
async function stalledInput() {
  const { createServer } = await import('node:http');
  let requests = 0;
  let open = 0;
  const server = createServer((req, res) => {
    requests += 1;
    open += 1;
    req.socket.once('close', () => (open -= 1));
    res.writeHead(200, { 'content-type': 'text/csv' });
    res.write('FirstName,LastName,Email\nAda,Lovelace,ada@example.com\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/contacts.csv`,
    requests: () => requests,
    open: () => open,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
