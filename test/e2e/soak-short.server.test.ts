/**
 * The soak in short, for CI (the long one is `npm run bench:soak`): four ingest workflows (insert and update, Bulk
 * 2.0 and v1, the custom object and Contact) on two `bulkflow worker` processes sharing S3 staging, against the
 * emulator with 5xx and 429 faults, sessions expiring and 1 % of rows failing UNABLE_TO_LOCK_ROW; one worker is
 * SIGKILLed while a job is in progress and restarted. Every workflow must complete with every row successful (lock
 * failures retried in follow-up jobs until they succeed), and the org must hold exactly what the ledger says, row
 * by row: inserted records once, updated ones with their new values.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSoak } from '../helpers/soak/driver.js';
import { formatReport } from '../helpers/soak/report.js';

const ROWS = 5_000;

test('short soak: four workflows under faults and a worker kill end with the org exactly as expected', async (t) => {
  const log: string[] = [];
  const report = await runSoak({
    durationMs: 0,
    jobs: 4,
    rows: ROWS,
    plan: [
      { op: 'insert', api: '2.0', object: 'Soak_Item__c' },
      { op: 'insert', api: '1.0', object: 'Contact' },
      { op: 'update', api: '2.0', object: 'Contact' },
      { op: 'update', api: '1.0', object: 'Soak_Item__c' },
    ],
    workers: 2,
    // One kill, as soon as a job is in progress (its counters between 0 and the total).
    killIntervalMs: 0,
    maxKills: 1,
    // Slow enough that every job is in progress for several seconds, and polled often enough to show it.
    recordsPerSecond: 500,
    pollPolicy: { ceilingMs: 2_000 },
    sessionExpiryMs: 10_000,
    lockRate: 0.01,
    transientRetry: { maxAttempts: 6, delayMs: 500 },
    log: (line) => log.push(line),
  });
  for (const line of [...log, ...formatReport(report).split('\n')]) t.diagnostic(line);

  assert.deepEqual(report.problems, []);
  assert.equal(report.workflows.length, 4);
  for (const wf of report.workflows) {
    assert.equal(wf.state, 'Completed', wf.workflowId);
    assert.deepEqual(wf.records, { total: ROWS, successful: ROWS, failed: 0, unprocessed: 0 }, wf.workflowId);
  }
  const kills = report.kills.filter((k) => k.kind === 'worker');
  assert.equal(kills.length, 1, 'one worker was killed');
  assert.ok(kills[0]!.restartMs > 0, 'the killed worker was replaced');
  // Two inserted blocks and two updated (seeded) ones: 20,000 records, each once, with the expected values.
  assert.equal(report.verify.checked, 4 * ROWS);
  assert.equal(report.verify.live, 4 * ROWS);
  assert.ok(
    report.faults.some((f) => f.type === 'serverError' && f.fired > 0),
    'some requests got a 5xx',
  );
  assert.ok(report.sessionExpiries > 0, 'sessions expired during the run');
  const locked = report.faults.find((f) => f.type === 'unableToLockRow')?.fired ?? 0;
  const retried = report.workflows.reduce((n, wf) => n + (wf.retriedRows ?? 0), 0);
  assert.ok(locked > 0 && retried > 0, `lock failures (${locked}) were retried until they succeeded (${retried})`);
});
