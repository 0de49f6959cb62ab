/**
 * A workflow that comes back to its job after Salesforce deleted the job's data (7 days after it ended) fails
 * with a typed, non-retryable `bulkflow.SF_JOB_EXPIRED` naming the job, how long ago it ended by Salesforce's
 * clock, and its rows as far as they are known, instead of an HTTP 404. The emulator's clock stands in for the
 * week: the download is held up by a fault until the clock has moved 8 days on.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { bulkflowErrorOf } from '../../client/errors.js';
import { startBulkIngest } from '../../client/starters.js';
import { progressQuery } from '../../workflows/contract.js';
import { eventually } from '../helpers/eventually.js';
import { startTestbed, type Testbed } from '../helpers/testbed.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const taskQueue = `expiry-${randomUUID()}`;
let bed: Testbed;

before(async () => {
  bed = await startTestbed({ taskQueue });
});

after(() => bed?.close());

test('results of a job Salesforce deleted fail SF_JOB_EXPIRED with the job, its age and its rows', async () => {
  const { env, emulator } = bed;
  // Every download of the successful results fails until the clock has moved on.
  emulator.faults.set({ type: 'serverError', status: 503, method: 'GET', path: 'successfulResults' });
  const handle = await startBulkIngest(
    env.client,
    {
      object: 'Contact',
      operation: 'insert',
      source: {
        records: [
          { LastName: 'Lovelace', Email: 'ada@example.com' },
          { LastName: 'Hopper', Email: 'grace@example.com' },
          { LastName: 'Turing', Email: 'not an address' }, // Salesforce fails this row
        ],
      },
      pollPolicy: { initialMs: 100, ceilingMs: 300 },
    },
    { taskQueue, workflowId: `expiry-${randomUUID()}` },
  );
  await eventually(
    async () =>
      (await handle.query(progressQuery)).state === 'Downloading' && (emulator.faults.report()[0]?.fired ?? 0) > 0,
    { timeoutMs: 60_000, intervalMs: 100, what: 'the download to be held up after the job ended' },
  );
  const job = (await handle.query(progressQuery)).jobs[0];
  assert.equal(job?.state, 'JobComplete');
  assert.ok(job?.endedAt, 'the workflow knows when Salesforce says the job ended');

  emulator.clock.advance(8 * DAY_MS);
  emulator.faults.clear();

  const err = await handle.result().then(
    () => assert.fail('the workflow completed without the job’s results'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof WorkflowFailedError);
  const info = bulkflowErrorOf(err);
  assert.equal(info.type, 'bulkflow.SF_JOB_EXPIRED');
  assert.equal(info.retryable, false);
  assert.equal(info.source, 'salesforce');
  assert.equal(info.job?.id, job.id);
  assert.equal(info.job?.endedAt, job.endedAt);
  const ago = info.job?.endedAgoMs ?? 0;
  assert.ok(ago >= 8 * DAY_MS && ago < 8 * DAY_MS + 10 * 60_000, `ended ${ago} ms before, by Salesforce's clock`);
  assert.deepEqual(info.job?.records, { total: 3, processed: 3, failed: 1 });
  assert.match(info.message, new RegExp(`job ${job.id}: it ended 8 days ago`));
  assert.match(info.message, /deletes a job's data 7 days after it ends/);
  assert.match(info.message, /Of the 3 rows given to it, Salesforce had processed 3 \(1 of them failed\)/);
});
