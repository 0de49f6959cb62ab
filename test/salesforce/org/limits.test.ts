import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { isRetryable, SalesforceLimitError, type SalesforceClient } from '../../../salesforce/index.js';
import { batchesForRows, findShortfalls } from '../../../salesforce/org/limits.js';
import { startEmulator } from '../../helpers/emulator.js';
import { clientFor, contactsCsv, ingest } from '../../helpers/salesforce-client.js';

const emulator = await startEmulator({ after }, { limits: { DailyBulkApiBatches: 5, DailyApiRequests: 1000 } });
const sf: SalesforceClient = clientFor(emulator.url);

test('getLimits reads Max and Remaining of each limit', async () => {
  const limits = await sf.limits.getLimits();
  assert.equal(limits.DailyBulkApiBatches?.Max, 5);
  assert.equal(limits.DailyApiRequests?.Max, 1000);
  assert.ok((limits.DailyApiRequests?.Remaining ?? 0) < 1000, 'the call itself is counted');
});

test('the pre-flight check refuses work the org cannot finish, with a typed non-retryable error', async () => {
  const job = await ingest(sf, contactsCsv(10, 'Lim'));
  assert.equal(job.state, 'JobComplete');
  const limits = await sf.limits.checkBulkCapacity({ batchesNeeded: 4, apiCallsNeeded: 100 });
  assert.equal(limits.DailyBulkApiBatches?.Remaining, 4, 'one batch used by the 10-row job');

  await assert.rejects(sf.limits.checkBulkCapacity({ batchesNeeded: batchesForRows(50_000) }), (err: unknown) => {
    assert.ok(err instanceof SalesforceLimitError);
    assert.equal(err.code, 'SF_INSUFFICIENT_LIMITS');
    assert.equal(isRetryable(err), false);
    assert.deepEqual(err.shortfalls, [{ limit: 'DailyBulkApiBatches', needed: 5, remaining: 4, max: 5 }]);
    assert.match(err.message, /DailyBulkApiBatches: need 5, 4 of 5 remaining/);
    return true;
  });
  await assert.rejects(sf.limits.checkBulkCapacity({ apiCallsNeeded: 5000 }), { code: 'SF_INSUFFICIENT_LIMITS' });
});

test('shortfalls honour a reserve and skip limits the org does not report', () => {
  const limits = { DailyApiRequests: { Max: 1000, Remaining: 300 } };
  assert.deepEqual(findShortfalls(limits, { apiCallsNeeded: 250 }), []);
  assert.deepEqual(findShortfalls(limits, { apiCallsNeeded: 250, reserveFraction: 0.1 }), [
    { limit: 'DailyApiRequests', needed: 250, remaining: 300, max: 1000 },
  ]);
  assert.deepEqual(findShortfalls(limits, { batchesNeeded: 99 }), []);
  assert.throws(() => findShortfalls(limits, { reserveFraction: 1 }), /reserveFraction must be at least 0 and below 1/);
  assert.throws(() => findShortfalls(limits, { batchesNeeded: -1 }), /batchesNeeded must be a non-negative integer/);
  assert.equal(batchesForRows(0), 0);
  assert.equal(batchesForRows(10_001), 2);
});

test('API calls are counted per route, ids and version left out', async () => {
  const fresh = clientFor(emulator.url);
  await ingest(fresh, contactsCsv(3, 'Route'));
  const routes = fresh.http.usage.byRoute;
  assert.equal(routes['POST jobs/ingest'], 1);
  assert.equal(routes['PUT jobs/ingest/{id}/batches'], 1);
  assert.equal(routes['PATCH jobs/ingest/{id}'], 1);
  assert.ok((routes['GET jobs/ingest/{id}'] ?? 0) >= 1);
  const total = Object.values(routes).reduce((a, b) => a + b, 0);
  assert.equal(total, fresh.http.usage.calls);
});

test('a query needs a Bulk 2.0 query job and some query file storage; none left is a shortfall naming the limit', () => {
  const limits = {
    DailyApiRequests: { Max: 15_000, Remaining: 14_000 },
    DailyBulkV2QueryJobs: { Max: 10_000, Remaining: 0 },
    DailyBulkV2QueryFileStorageMB: { Max: 976_562, Remaining: 976_562 },
  };
  assert.deepEqual(findShortfalls(limits, { queryJobsNeeded: 1, queryStorageMBNeeded: 1, apiCallsNeeded: 24 }), [
    { limit: 'DailyBulkV2QueryJobs', needed: 1, remaining: 0, max: 10_000 },
  ]);
  const storageGone = { ...limits, DailyBulkV2QueryJobs: { Max: 10_000, Remaining: 10_000 } };
  storageGone.DailyBulkV2QueryFileStorageMB = { Max: 976_562, Remaining: 50_000 };
  assert.deepEqual(findShortfalls(storageGone, { queryJobsNeeded: 1, queryStorageMBNeeded: 1, reserveFraction: 0.1 }), [
    { limit: 'DailyBulkV2QueryFileStorageMB', needed: 1, remaining: 50_000, max: 976_562 },
  ]);
  assert.throws(
    () => findShortfalls(limits, { queryJobsNeeded: -1 }),
    /queryJobsNeeded must be a non-negative integer/,
  );
});
