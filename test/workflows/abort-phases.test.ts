/**
 * Abort at every phase of a Bulk 2.0 job, and idempotent starts. Emulator latency on one route holds
 * the workflow in the phase while the abort arrives; the result must say what was processed, and
 * every input row must be accounted for exactly once.
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
import { abortSignal } from '../../workflows/contract.js';
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

function input(name: string) {
  const file = path.join(dir, `${name}.csv`);
  writeCsv(file, contactRows(300, name) as unknown as Record<string, string>[]);
  return {
    object: 'Contact',
    operation: 'insert' as const,
    source: { url: pathToFileURL(file).href },
    pollPolicy: { initialMs: 100, ceilingMs: 200 },
  };
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
    await handle.signal(abortSignal, { reason: `stop while ${phase}` });
    const result = await handle.result();
    assert.equal(result.state, 'Aborted');
    assert.equal(result.abortReason, `stop while ${phase}`);
    const { total, successful, failed, unprocessed: left } = result.records;
    assert.equal(total, 300);
    assert.equal(successful + failed + left, 300, 'every row in exactly one bucket');
    assert.equal(left, unprocessed === 'all' ? 300 : 0);
    assert.equal((await orgRecords(emulator.url, 'Contact')).length, successful, 'the org holds what was reported');
    const jobs = (await emulatorStats(emulator.url)).jobs;
    if (unprocessed === 'all') {
      for (const job of jobs) assert.equal(job.state, 'Aborted', 'no job was left open');
    }
  });
}

test('abort right after the start: no row is sent, and any job created is aborted', async () => {
  emulator.reset();
  const handle = await startBulkIngest(env.client, input('early'), { taskQueue });
  await handle.signal(abortSignal, { reason: 'changed my mind' });
  const result = await handle.result();
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
