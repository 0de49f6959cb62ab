import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_POLL_POLICY,
  PollPolicyError,
  SimulatedCurve,
  initialPollState,
  nextPollDelay,
  simulatePolls,
  simulatedRecords,
  slowedForApiUsage,
  withPollDefaults,
  type PollPolicy,
  type PollState,
  type SimulatedJob,
} from '../../common/poll-policy.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const RECORDS = 1_000_000;
const defaults = withPollDefaults();

/** Job duration → most polls allowed (the immediate first one included), known total. */
const MAX_POLLS: Array<[label: string, durationMs: number, maxPolls: number]> = [
  ['10 s', 10 * SECOND, 6],
  ['1 min', MINUTE, 9],
  ['10 min', 10 * MINUTE, 12],
  ['1 h', HOUR, 20],
  ['4 h', 4 * HOUR, 40],
];

/** The same jobs with the total unknown (query jobs): the 10 % bound then holds for any finish, at this cost. */
const MAX_POLLS_UNKNOWN_TOTAL = [11, 30, 54, 73, 93];

const curves = Object.values(SimulatedCurve);
const bound = (durationMs: number) => Math.max(SECOND, 0.1 * durationMs);

/** Polls `job` like simulatePolls does, stopping at `endMs`, and returns each wait with the job's age. */
function waitsOf(job: SimulatedJob, policy = defaults, endMs = job.durationMs): Array<[ageMs: number, waitMs: number]> {
  const waits: Array<[number, number]> = [];
  let state = initialPollState(0, job.totalKnown === false ? undefined : job.totalRecords);
  for (let atMs = 0; atMs < endMs;) {
    const step = nextPollDelay(state, { atMs, recordsProcessed: simulatedRecords(job, atMs) }, policy);
    waits.push([atMs, step.delayMs]);
    state = step.state;
    atMs += step.delayMs;
  }
  return waits;
}

test('targets: few polls, and a finished job is noticed within max(1 s, 10 % of its running time)', () => {
  for (const [label, durationMs, maxPolls] of MAX_POLLS) {
    for (const curve of curves) {
      const result = simulatePolls({ durationMs, totalRecords: RECORDS, curve });
      const what = `${label} ${curve}: ${JSON.stringify(result)}`;
      assert.ok(result.polls <= maxPolls, `${what}: at most ${maxPolls} polls`);
      assert.ok(
        result.lateByMs >= 0 && result.lateByMs <= bound(durationMs),
        `${what}: late by ≤ ${bound(durationMs)}`,
      );
      assert.equal(result.finishMs, durationMs + result.lateByMs);
    }
  }
});

test('the first wait is initialMs; every wait is whole ms in [floorMs, ceilingMs] and ≤ patience × age', () => {
  const policies: PollPolicy[] = [{}, { floorMs: 2000, initialMs: 3000, ceilingMs: 120_000, patience: 0.5 }];
  for (const policy of policies.map((p) => withPollDefaults(p))) {
    for (const [, durationMs] of MAX_POLLS) {
      for (const curve of curves) {
        for (const totalKnown of [true, false]) {
          const waits = waitsOf({ durationMs, totalRecords: RECORDS, curve, totalKnown }, policy);
          assert.equal(waits[0]?.[1], policy.initialMs);
          for (const [ageMs, waitMs] of waits.slice(1)) {
            const what = `${durationMs} ${curve} ${totalKnown}: ${waitMs} at ${ageMs}`;
            assert.ok(Number.isInteger(waitMs) && waitMs >= policy.floorMs && waitMs <= policy.ceilingMs, what);
            const patient = Math.max(policy.floorMs, Math.ceil(policy.patience * ageMs));
            assert.ok(waitMs <= patient, `${what}: ≤ ${patient}`);
          }
        }
      }
    }
  }
});

test('unknown total (query jobs): any finish is noticed in time, with a bounded number of polls', () => {
  MAX_POLLS.forEach(([label, durationMs], i) => {
    for (const curve of curves) {
      const result = simulatePolls({ durationMs, totalRecords: RECORDS, curve, totalKnown: false });
      assert.ok(result.polls <= (MAX_POLLS_UNKNOWN_TOTAL[i] ?? 0), `${label} ${curve}: ${result.polls} polls`);
      assert.ok(result.lateByMs <= bound(durationMs), `${label} ${curve}: late by ${result.lateByMs}`);
    }
  });
  // Blind waits are ≤ max(1 s, 10 % of age), so the bound holds whenever the job ends, not only as simulated.
  for (let durationMs = 1; durationMs < 5 * HOUR; durationMs = Math.ceil(durationMs * 1.07) + 137) {
    const { lateByMs } = simulatePolls({ durationMs, totalRecords: 0, curve: 'steady', totalKnown: false });
    assert.ok(lateByMs <= bound(durationMs), `T=${durationMs}: late by ${lateByMs}`);
  }
});

test('a job that ends unexpectedly is noticed within patience × its age, or ceilingMs', () => {
  const job: SimulatedJob = { durationMs: 4 * HOUR, totalRecords: RECORDS, curve: 'steady' };
  for (let endMs = 1; endMs < job.durationMs; endMs = Math.ceil(endMs * 1.3) + 17) {
    const waits = waitsOf(job, defaults, endMs);
    const [lastAt, lastWait] = waits.at(-1) ?? [0, 0];
    const lateByMs = lastAt + lastWait - endMs;
    const allowed = Math.max(defaults.initialMs, Math.min(defaults.ceilingMs, Math.ceil(defaults.patience * endMs)));
    assert.ok(lateByMs <= allowed, `failed at ${endMs}: late by ${lateByMs} > ${allowed}`);
  }
});

test('a job queued for hours, then bursting, settles at the ceiling and is still noticed in time', () => {
  const job: SimulatedJob = { durationMs: 8 * HOUR, totalRecords: RECORDS, curve: 'stalledThenBurst' };
  const result = simulatePolls(job);
  assert.ok(result.polls <= 8 * 6 + 20, `${result.polls} polls`);
  assert.ok(result.lateByMs <= bound(job.durationMs));
  const waits = waitsOf(job);
  assert.ok(waits.filter(([, w]) => w === defaults.ceilingMs).length > 30, 'long stalls wait the ceiling');
});

test('the state is plain JSON: a round trip (continue-as-new) gives the same next delay', () => {
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (const total of [RECORDS, undefined]) {
    let state: PollState = initialPollState(1_700_000_000_000, total);
    let atMs = state.startedAtMs;
    let records = 0;
    for (let i = 0; i < 200; i++) {
      records += random() < 0.3 ? 0 : Math.floor(random() * 20_000); // chunky progress, with stalls
      const observation = { atMs, recordsProcessed: records, state: 'InProgress' };
      const direct = nextPollDelay(state, observation, defaults);
      const copy = JSON.parse(JSON.stringify(state)) as PollState;
      assert.deepEqual(copy, state);
      assert.deepEqual(nextPollDelay(copy, observation, defaults), direct);
      assert.ok(direct.delayMs >= defaults.floorMs && direct.delayMs <= defaults.ceilingMs);
      state = direct.state;
      atMs += direct.delayMs;
    }
  }
});

test('odd observations (late, stale, NaN, more than the total) never break the bounds', () => {
  const observations = [
    { atMs: 0, recordsProcessed: 0 },
    { atMs: 5000, recordsProcessed: 500 },
    { atMs: 4000, recordsProcessed: 100 }, // earlier and lower than the last one: a stale read
    { atMs: Number.NaN, recordsProcessed: Number.NaN },
    { atMs: 9000, recordsProcessed: 2000 },
    { atMs: 20_000, recordsProcessed: 2000 },
    { atMs: 60_000, recordsProcessed: 5000 }, // more than the total: finishing, poll as if blind
  ];
  let state = initialPollState(0, 3000);
  for (const observation of observations) {
    const step = nextPollDelay(state, observation, defaults);
    assert.ok(step.delayMs >= defaults.floorMs && step.delayMs <= defaults.ceilingMs, JSON.stringify(step));
    assert.ok(step.state.lastRecords >= state.lastRecords && step.state.lastAtMs >= state.lastAtMs);
    state = step.state;
  }
  assert.equal(state.lastRecords, 5000);
  assert.equal(nextPollDelay(state, { atMs: 60_000, recordsProcessed: 5000 }, defaults).delayMs, 6000);
});

test('defaults, and bad policies throw a PollPolicyError naming the option', () => {
  assert.deepEqual(withPollDefaults({ floorMs: undefined }), { ...DEFAULT_POLL_POLICY });
  assert.ok(Object.isFrozen(DEFAULT_POLL_POLICY));
  assert.deepEqual(initialPollState(5), { startedAtMs: 5, polls: 0, lastAtMs: 5, lastRecords: 0 });
  const bad: Array<[PollPolicy, keyof PollPolicy, RegExp]> = [
    [{ floorMs: 0 }, 'floorMs', /^pollPolicy\.floorMs must be at least 1, got 0$/],
    [{ floorMs: 1.5 }, 'floorMs', /floorMs must be a whole number of milliseconds, got 1.5/],
    [{ floorMs: Number.NaN }, 'floorMs', /floorMs must be at least 1, got NaN/],
    [{ ceilingMs: 999 }, 'ceilingMs', /ceilingMs must be at least floorMs \(1000\), got 999/],
    [{ ceilingMs: Infinity }, 'ceilingMs', /ceilingMs must be at least floorMs \(1000\), got Infinity/],
    [{ initialMs: 500 }, 'initialMs', /initialMs must be between floorMs \(1000\) and ceilingMs \(600000\)/],
    [{ initialMs: 700_000 }, 'initialMs', /initialMs must be between .*, got 700000/],
    [{ overshoot: -0.1 }, 'overshoot', /overshoot must be between 0 and 1, got -0.1/],
    [{ lateness: 0 }, 'lateness', /lateness must be more than 0 and at most 1, got 0/],
    [{ patience: 0.05 }, 'patience', /patience must be at least lateness \(0.1\), got 0.05/],
  ];
  for (const [policy, option, message] of bad) {
    assert.throws(
      () => withPollDefaults(policy),
      (error: unknown) => error instanceof PollPolicyError && error.option === option && message.test(error.message),
      JSON.stringify(policy),
    );
  }
  assert.throws(() => simulatePolls({ durationMs: -1, totalRecords: 1, curve: 'steady' }), RangeError);
});

test('simulated curves: steady, half queued then a burst, and accelerating', () => {
  const job = (curve: SimulatedCurve): SimulatedJob => ({ durationMs: 100, totalRecords: 1000, curve });
  assert.deepEqual(
    [0, 25, 50, 75, 100, 200].map((t) => simulatedRecords(job('steady'), t)),
    [0, 250, 500, 750, 1000, 1000],
  );
  assert.deepEqual(
    [0, 25, 50, 75, 100].map((t) => simulatedRecords(job('stalledThenBurst'), t)),
    [0, 0, 0, 500, 1000],
  );
  assert.deepEqual(
    [0, 50, 100].map((t) => simulatedRecords(job('slowStartFastFinish'), t)),
    [0, 250, 1000],
  );
  assert.deepEqual(simulatePolls({ durationMs: 0, totalRecords: 5, curve: 'steady' }), {
    polls: 1,
    lateByMs: 0,
    finishMs: 0,
  });
});

test('polling slows down as the org nears its daily API limit, never past the ceiling', () => {
  const policy = withPollDefaults({});
  assert.equal(slowedForApiUsage(10_000, undefined, policy), 10_000, 'no usage reported');
  assert.equal(slowedForApiUsage(10_000, { used: 7_000, limit: 10_000 }, policy), 10_000, '70 % used');
  assert.equal(slowedForApiUsage(10_000, { used: 9_000, limit: 10_000 }, policy), 55_000, '90 % used: 5.5×');
  assert.equal(slowedForApiUsage(10_000, { used: 10_000, limit: 10_000 }, policy), 100_000, 'at the limit: 10×');
  assert.equal(slowedForApiUsage(500_000, { used: 10_500, limit: 10_000 }, policy), policy.ceilingMs, 'capped');
});
