/**
 * Rows that fail with UNABLE_TO_LOCK_ROW go again in follow-up jobs until they succeed; the org's daily
 * allowances are checked before any job exists, failing at once or waiting for room as the input says.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { startBulkIngest } from '../../client/starters.js';
import { progressQuery, type BulkIngestInput } from '../../workflows/contract.js';
import { workflowFailure } from '../helpers/failures.js';
import { contactRows, writeCsv } from '../helpers/data.js';
import { eventually } from '../helpers/eventually.js';
import { emulatorStats, orgRecords, readCsvFile } from '../helpers/org.js';
import { startTestbed, type Testbed } from '../helpers/testbed.js';

let bed: Testbed;
const taskQueue = `retry-${randomUUID()}`;
const ROWS = 1_200;

before(async () => {
  bed = await startTestbed({
    taskQueue,
    emulator: { limits: { DailyBulkApiBatches: 50 } },
    // Small units: several 2.0 jobs and v1 batches, so follow-ups run side by side.
    worker: {
      uploadLimits: { maxRows: 500, maxBytes: 1024 * 1024 },
      v1BatchLimits: { maxRows: 500, maxBytes: 1024 * 1024 },
    },
  });
});

after(() => bed?.close());

beforeEach(() => {
  bed.emulator.reset();
  bed.emulator.faults.clear();
  bed.emulator.limits.reset();
});

function input(name: string, extra: Partial<BulkIngestInput> = {}): BulkIngestInput {
  const file = path.join(bed.dir, `${name}.csv`);
  writeCsv(file, contactRows(ROWS, name) as unknown as Record<string, string>[]);
  return {
    object: 'Contact',
    operation: 'insert',
    source: { url: pathToFileURL(file).href },
    pollPolicy: { initialMs: 100, ceilingMs: 300 },
    ...extra,
  };
}

async function run(workflowInput: BulkIngestInput) {
  return startBulkIngest(bed.env.client, workflowInput, { taskQueue, workflowId: `retry-${randomUUID()}` });
}

for (const api of ['2.0', '1.0'] as const) {
  test(`Bulk ${api}: 15 % of rows lock-fail; follow-up jobs retry them until every row is in once`, async () => {
    bed.emulator.faults.set({ type: 'unableToLockRow', rate: 0.15, seed: 7 });
    const result = await (
      await run(input(`lock-${api}`, { api, transientRetry: { maxAttempts: 6, delayMs: 200 } }))
    ).result();

    assert.equal(result.state, 'Completed');
    assert.deepEqual(result.records, { total: ROWS, successful: ROWS, failed: 0, unprocessed: 0 });
    assert.ok(result.retries && result.retries.rows > 0, `rows were retried: ${JSON.stringify(result.retries)}`);
    const retried = result.results.successful.filter((ref) => (ref.attempt ?? 1) > 1);
    assert.ok(retried.length > 0, 'some successful rows came from a follow-up job');
    assert.equal(
      retried.reduce((n, ref) => n + ref.rows, 0) +
        result.results.successful.filter((r) => !r.attempt).reduce((n, r) => n + r.rows, 0),
      ROWS,
    );
    // The org holds every row exactly once.
    const emails = (await orgRecords(bed.emulator.url, 'Contact')).map((r) => String(r.Email));
    assert.equal(emails.length, ROWS);
    assert.equal(new Set(emails).size, ROWS);
    for (const ref of result.results.failed) assert.equal(readCsvFile(ref.url).length, 0);
  });
}

test('with one attempt, lock failures stay in the failed results with their error', async () => {
  bed.emulator.faults.set({ type: 'unableToLockRow', rate: 0.1, seed: 3 });
  const result = await (await run(input('no-retry', { transientRetry: { maxAttempts: 1 } }))).result();
  assert.equal(result.state, 'Completed');
  assert.ok(result.records.failed > 0);
  assert.equal(result.records.successful + result.records.failed, ROWS);
  assert.equal(result.retries, undefined);
  const failed = result.results.failed.flatMap((ref) => readCsvFile(ref.url));
  assert.equal(failed.length, result.records.failed);
  for (const row of failed) assert.match(row.sf__Error ?? '', /^UNABLE_TO_LOCK_ROW:/);
});

test('no room in DailyBulkApiBatches: the workflow fails at once naming the limit, and no job exists', async () => {
  bed.emulator.limits.consume('DailyBulkApiBatches', 49);
  const cause = await workflowFailure(await run(input('no-room')));
  assert.equal(cause.type, 'bulkflow.SF_INSUFFICIENT_LIMITS');
  assert.equal(cause.retryable, false);
  assert.match(cause.message, /DailyBulkApiBatches: needs 3, 1 of 50 remaining/);
  assert.equal((await emulatorStats(bed.emulator.url)).jobs.length, 0);
});

test('onShortfall wait: the workflow waits durably for room, then loads everything', async () => {
  bed.emulator.limits.consume('DailyBulkApiBatches', 49);
  const handle = await run(
    input('wait-room', { limits: { onShortfall: 'wait', checkEveryMs: 1000, maxWaitMs: 120_000 } }),
  );
  await eventually(
    async () => {
      const checks = (await emulatorStats(bed.emulator.url)).requests;
      return Object.entries(checks).some(([route, n]) => route.endsWith('/limits') && n >= 2);
    },
    { timeoutMs: 30_000, what: 'the workflow to check the limits twice' },
  );
  assert.deepEqual((await handle.query(progressQuery)).jobs, [], 'no job while waiting');
  assert.equal((await emulatorStats(bed.emulator.url)).jobs.length, 0);
  bed.emulator.limits.reset(); // the daily window rolls
  const result = await handle.result();
  assert.equal(result.state, 'Completed');
  assert.equal(result.records.successful, ROWS);
});
