import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_POLL_POLICY,
  delayFor,
  pollCallsFor,
  pollPolicyWithDefaults,
  pollUntil,
} from '../../salesforce/index.js';

test('the default policy is the workflow’s: 1 s, ×1.5, at most 30 s', () => {
  assert.deepEqual({ ...DEFAULT_POLL_POLICY }, { initialMs: 1000, factor: 1.5, maxMs: 30_000 });
  assert.deepEqual(pollPolicyWithDefaults({ initialMs: undefined }), { initialMs: 1000, factor: 1.5, maxMs: 30_000 });
  assert.deepEqual(
    Array.from({ length: 11 }, (_, i) => delayFor(i)),
    [1000, 1500, 2250, 3375, 5063, 7595, 11393, 17090, 25635, 30000, 30000],
  );
  assert.equal(delayFor(1000), 30_000);
});

test('bad policies throw naming the option', () => {
  assert.throws(() => pollPolicyWithDefaults({ initialMs: 0 }), /pollPolicy.initialMs must be at least 1/);
  assert.throws(() => pollPolicyWithDefaults({ factor: 0.5 }), /pollPolicy.factor must be at least 1/);
  assert.throws(() => pollPolicyWithDefaults({ initialMs: 5000, maxMs: 1000 }), /pollPolicy.maxMs must be at least/);
  assert.throws(() => pollCallsFor(-1), /durationMs/);
});

test('API calls for a job of duration T match the documented table and a step-by-step count', () => {
  const table: Array<[number, number]> = [
    [10, 6],
    [60, 10],
    [300, 18],
    [1800, 68],
    [3600, 128],
    [14_400, 488],
  ];
  for (const [seconds, calls] of table) assert.equal(pollCallsFor(seconds * 1000), calls, `${seconds} s`);
  assert.equal(pollCallsFor(0), 1, 'a job already done costs the first poll');
  for (let t = 0; t < 2_000_000; t += 997) {
    let elapsed = 0;
    let calls = 1;
    for (let attempt = 0; elapsed < t; attempt++) {
      elapsed += delayFor(attempt);
      calls += 1;
    }
    assert.equal(pollCallsFor(t), calls, `T=${t}`);
  }
  assert.equal(pollCallsFor(60_000, { initialMs: 1000, factor: 1, maxMs: 1000 }), 61, 'fixed 1 s polling');
});

test('pollUntil waits the policy’s delays between checks and stops when done', async () => {
  const waits: number[] = [];
  let n = 0;
  const value = await pollUntil(
    () => Promise.resolve(++n),
    (v) => v === 4,
    { sleep: (ms) => Promise.resolve(void waits.push(ms)) },
  );
  assert.equal(value, 4);
  assert.deepEqual(waits, [1000, 1500, 2250]);
});
