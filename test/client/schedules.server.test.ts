/**
 * Nightly syncs on a real local Temporal server (schedules need the dev server; the time-skipping
 * test server has none), an in-process worker and a slow emulator (50 records/s), so that a run is
 * still going when a second trigger arrives.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ScheduleOverlapPolicy, type ScheduleDescription } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { FileStagingStore } from '../../storage/staging.js';
import { createNightlySync, deleteSync, triggerSync } from '../../client/schedules.js';
import { DEV_CREDENTIALS } from '../../emulator/index.js';
import { createSalesforceClient, OAuthPasswordAuthenticator } from '../../salesforce/index.js';
import { createBulkflowWorker } from '../../worker/create-worker.js';
import type { bulkIngestWorkflow } from '../../workflows/bulk-ingest-workflow.js';
import { progressQuery, type BulkIngestInput } from '../../workflows/contract.js';
import { contactRows, writeCsv } from '../helpers/data.js';
import { startEmulator } from '../helpers/emulator.js';
import { eventually } from '../helpers/eventually.js';
import { orgRecords } from '../helpers/org.js';
import { createLocalEnv, workflowBundle } from '../helpers/temporal.js';

let env: TestWorkflowEnvironment;
let worker: Worker;
let workerRun: Promise<void>;
const taskQueue = `sched-${randomUUID()}`;
const dir = mkdtempSync(path.join(tmpdir(), 'bulkflow-sched-'));
const rows = contactRows(150, 'nightly'); // 3 s of processing at 50 records/s
let input: BulkIngestInput;

const emulator = await startEmulator({ after }, { recordsPerSecond: 50 });

before(async () => {
  env = await createLocalEnv();
  worker = await createBulkflowWorker({
    connection: env.nativeConnection,
    salesforce: createSalesforceClient({
      auth: new OAuthPasswordAuthenticator({ loginUrl: emulator.url, ...DEV_CREDENTIALS }),
    }),
    taskQueue,
    staging: new FileStagingStore(path.join(dir, 'staging')),
    workflowBundle: await workflowBundle(),
  });
  workerRun = worker.run();
  const file = path.join(dir, 'contacts.csv');
  writeCsv(file, rows as unknown as Record<string, string>[]);
  input = {
    object: 'Contact',
    operation: 'insert',
    source: { url: pathToFileURL(file).href },
    pollPolicy: { initialMs: 100, ceilingMs: 300 },
  };
});

after(async () => {
  worker?.shutdown();
  await workerRun;
  await env?.teardown();
});

function describe(scheduleId: string): Promise<ScheduleDescription> {
  return env.client.schedule.getHandle(scheduleId).describe();
}

test('the schedule fires daily at the given time and zone, skips overlaps and has a catch-up window', async () => {
  const scheduleId = `nightly-${randomUUID()}`;
  const { created } = await createNightlySync(env.client, {
    scheduleId,
    input,
    hour: 2,
    minute: 30,
    timezone: 'Europe/Berlin',
    taskQueue,
  });
  assert.equal(created, true);
  const d = await describe(scheduleId);
  assert.equal(d.spec.timezone, 'Europe/Berlin');
  assert.equal(d.spec.calendars?.length, 1);
  const calendar = d.spec.calendars?.[0];
  assert.deepEqual(calendar?.hour, [{ start: 2, end: 2, step: 1 }]);
  assert.deepEqual(calendar?.minute, [{ start: 30, end: 30, step: 1 }]);
  assert.deepEqual(calendar?.second, [{ start: 0, end: 0, step: 1 }]);
  assert.equal(d.policies.overlap, ScheduleOverlapPolicy.SKIP);
  assert.equal(d.policies.catchupWindow, 60 * 60 * 1000);
  assert.equal(d.action.type, 'startWorkflow');
  assert.equal(d.action.workflowType, 'bulkIngestWorkflow');
  assert.equal(d.action.taskQueue, taskQueue);
  assert.deepEqual(d.action.args, [input]);
  // The next run is at 02:30 Berlin time: 01:30 or 00:30 UTC depending on daylight saving.
  const next = d.info.nextActionTimes[0];
  assert.ok(next && next.getUTCMinutes() === 30 && [0, 1].includes(next.getUTCHours()), String(next));

  // Calling it again converges the schedule to the new options instead of failing.
  const again = await createNightlySync(env.client, { scheduleId, input, hour: 4, taskQueue });
  assert.equal(again.created, false);
  const updated = await describe(scheduleId);
  assert.deepEqual(updated.spec.calendars?.[0]?.hour, [{ start: 4, end: 4, step: 1 }]);
  assert.deepEqual(updated.spec.calendars?.[0]?.minute, [{ start: 0, end: 0, step: 1 }]);
  assert.equal(updated.spec.timezone, 'UTC');
  assert.equal(updated.policies.overlap, ScheduleOverlapPolicy.SKIP);

  assert.equal(await deleteSync(env.client, scheduleId), true);
  assert.equal(await deleteSync(env.client, scheduleId), false);
});

test('a trigger runs an ingest to completion; a second trigger while it runs is skipped', async () => {
  emulator.reset();
  const scheduleId = `nightly-${randomUUID()}`;
  await createNightlySync(env.client, { scheduleId, input, hour: 3, taskQueue });
  try {
    await triggerSync(env.client, scheduleId);
    const running = await eventually(() => describe(scheduleId), {
      until: (d) => d.info.runningActions.length === 1,
      timeoutMs: 30_000,
      intervalMs: 100,
      what: 'the first run to start',
    });
    const workflowId = running.info.runningActions[0]!.workflow.workflowId;
    assert.ok(workflowId.startsWith(`${scheduleId}-`), workflowId);
    const handle = env.client.workflow.getHandle<typeof bulkIngestWorkflow>(workflowId);
    // Wait until Salesforce is processing, so the run is certainly still going at the second trigger.
    await eventually(() => handle.query(progressQuery), {
      until: (p) => p.records.processed > 0,
      timeoutMs: 30_000,
      intervalMs: 100,
      what: 'the run to reach Salesforce processing',
    });

    await triggerSync(env.client, scheduleId);
    const skipped = await eventually(() => describe(scheduleId), {
      until: (d) => d.info.numActionsSkippedOverlap === 1,
      timeoutMs: 30_000,
      intervalMs: 100,
      what: 'the second trigger to be skipped',
    });
    assert.equal(skipped.info.runningActions.length, 1);
    assert.equal(skipped.info.runningActions[0]?.workflow.workflowId, workflowId);

    const result = await handle.result();
    assert.equal(result.state, 'Completed');
    assert.deepEqual(result.records, { total: 150, successful: 150, failed: 0, unprocessed: 0 });
    const inOrg = await orgRecords(emulator.url, 'Contact');
    assert.equal(inOrg.length, 150, 'one run loaded the file once');
    assert.deepEqual(new Set(inOrg.map((r) => r.Email)), new Set(rows.map((r) => r.Email)));

    const final = await describe(scheduleId);
    assert.equal(final.info.numActionsTaken, 1);
    assert.equal(final.info.recentActions.length, 1);
  } finally {
    await deleteSync(env.client, scheduleId);
  }
});
