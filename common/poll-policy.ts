/**
 * When to ask Salesforce next whether a Bulk job has finished: prompt for short jobs, frugal for long ones.
 * Pure (no imports, no clock, no randomness) so it runs in Temporal's workflow sandbox; time comes in as
 * arguments and {@link PollState} is plain JSON, so it survives continue-as-new.
 *
 * Every poll is one job-info call against `DailyApiRequests`. The old fixed backoff (1 s × 1.5 up to 30 s)
 * spends ~28 calls on a 10-minute job and ~488 on a 4-hour one. Here the wait follows the job:
 *
 * - First poll: wait `initialMs`, so a 10-second job is seen promptly.
 * - Total known (ingest: the staged unit's rows), some progress: estimate the finish from the processing
 *   rate (the faster of: since the first poll that showed progress, so a queue before it does not dilute
 *   the rate; and over the last wait, so a burst counts at once; a rising rate is extrapolated) and poll
 *   just after it (`overshoot`). Too low a rate makes us late, too high costs a poll: doubt goes early.
 * - Progress just began (one point): we do not know when it started, so look again after `lateness` × age
 *   (or when linear progress since the previous poll must have finished), then we have a real rate.
 * - Total known, nothing processed yet (queued): waits grow as `patience` × age.
 * - Total unknown (query jobs) or all records processed but not complete: nothing predicts the finish, so
 *   wait `lateness` × age: any finish is then noticed within `lateness` of its running time.
 * - Always within [`floorMs`, `ceilingMs`], and a prediction-based wait is at most `patience` × age.
 *
 * Tension, and the choice made. Noticing *any* finish within 10 % of running time needs waits ≤ 10 % of
 * age: log(T / 10 s) / log 1.1 + 10 polls, ~54 for 10 minutes, ~93 for 4 hours. That holds for unknown
 * totals only. With a known total, the bound holds for jobs that finish as their progress predicts (and
 * for a queue of up to half the run); a job that ends unexpectedly (fails, is aborted, or runs much faster
 * after a long queue) is noticed late by at most `patience` × its age at the last poll, or `ceilingMs`: up
 * to 1.2 × its running time for short jobs, 10 minutes for long ones. API calls are rationed per org and
 * per day, so this module spends them on the predicted finish, not on insuring against the unpredicted one.
 */

/** Tuning of {@link nextPollDelay}; every field optional, see {@link DEFAULT_POLL_POLICY}. */
export interface PollPolicy {
  /**
   * Never poll more often than this (whole ms, ≥ 1): one call per second is plenty for any job.
   * @default 1000
   */
  floorMs?: number;
  /**
   * Never wait longer than this (whole ms, ≥ floorMs). 10 minutes: a 4-hour job then costs ≤ 24 polls at the
   * ceiling plus the ramp-up (≤ 40 in all), and since 10 min is 10 % of 100 min, any job longer than that is
   * noticed within 10 % of its running time even when it ends unexpectedly.
   * @default 600000
   */
  ceilingMs?: number;
  /**
   * The first wait, before anything is known (floorMs ≤ initialMs ≤ ceilingMs): short jobs stay snappy.
   * @default 1000
   */
  initialMs?: number;
  /**
   * Aim this fraction of the predicted remaining time past the predicted finish (0–1), so a rounding or a
   * slightly slower end does not cost a second poll.
   * @default 0.05
   */
  overshoot?: number;
  /**
   * How late a finish may be noticed, as a fraction of running time (0 < x ≤ 1): the wait, as a fraction of
   * the job's age, when nothing predicts the finish.
   * @default 0.1
   */
  lateness?: number;
  /**
   * The longest wait as a multiple of the job's age (≥ lateness), while queued and for predictions: bounds
   * how late an unexpected end is noticed. 1.2 = 1 + 2 × 10 %: a job queued for half its run is polled while
   * running or within 10 % after it ends (a poll at t < T/2 comes back at 2.2 t < 1.1 T).
   * @default 1.2
   */
  patience?: number;
}

/** The defaults: 1 s floor and first wait, 10 min ceiling, 5 % overshoot, 10 % lateness, patience 1.2. */
export const DEFAULT_POLL_POLICY: Readonly<Required<PollPolicy>> = Object.freeze({
  floorMs: 1000,
  ceilingMs: 600_000,
  initialMs: 1000,
  overshoot: 0.05,
  lateness: 0.1,
  patience: 1.2,
});

/** A bad {@link PollPolicy} value; `option` names it so a form or CLI can point at the field. */
export class PollPolicyError extends Error {
  /** The offending option. */
  readonly option: keyof PollPolicy;
  constructor(option: keyof PollPolicy, problem: string) {
    super(`pollPolicy.${option} ${problem}`);
    this.name = 'PollPolicyError';
    this.option = option;
  }
}

function check(option: keyof PollPolicy, value: number, ok: boolean, rule: string): void {
  if (!ok || !Number.isFinite(value)) throw new PollPolicyError(option, `${rule}, got ${String(value)}`);
}

function checkWholeMs(option: keyof PollPolicy, value: number, min: number, rule: string): void {
  check(option, value, value >= min, rule);
  check(option, value, Number.isInteger(value), 'must be a whole number of milliseconds');
}

/**
 * Fills in defaults (undefined counts as absent) and validates, throwing {@link PollPolicyError}. Call it
 * where the policy enters (the client), so a bad value fails the start, not a workflow task.
 */
export function withPollDefaults(policy: PollPolicy = {}): Required<PollPolicy> {
  const d = DEFAULT_POLL_POLICY;
  const p: Required<PollPolicy> = {
    floorMs: policy.floorMs ?? d.floorMs,
    ceilingMs: policy.ceilingMs ?? d.ceilingMs,
    initialMs: policy.initialMs ?? d.initialMs,
    overshoot: policy.overshoot ?? d.overshoot,
    lateness: policy.lateness ?? d.lateness,
    patience: policy.patience ?? d.patience,
  };
  checkWholeMs('floorMs', p.floorMs, 1, 'must be at least 1');
  checkWholeMs('ceilingMs', p.ceilingMs, p.floorMs, `must be at least floorMs (${p.floorMs})`);
  const between = `must be between floorMs (${p.floorMs}) and ceilingMs (${p.ceilingMs})`;
  checkWholeMs('initialMs', p.initialMs, p.floorMs, between);
  check('initialMs', p.initialMs, p.initialMs <= p.ceilingMs, between);
  check('overshoot', p.overshoot, p.overshoot >= 0 && p.overshoot <= 1, 'must be between 0 and 1');
  check('lateness', p.lateness, p.lateness > 0 && p.lateness <= 1, 'must be more than 0 and at most 1');
  check('patience', p.patience, p.patience >= p.lateness, `must be at least lateness (${p.lateness})`);
  return p;
}

/** One job-info response, reduced to what the policy reads. */
export interface PollObservation {
  /** When the response came (same clock as `startedAtMs`). */
  atMs: number;
  /** `numberRecordsProcessed` so far (failed rows included). */
  recordsProcessed: number;
  /**
   * The job's state as Salesforce names it. Not read: Bulk 1.0, 2.0 ingest and query name states
   * differently, and counts carry the information; terminal states end polling before this is called.
   */
  state?: string;
}

/** What the policy remembers between polls: a few numbers, plain JSON (it travels through continue-as-new). */
export interface PollState {
  /** When the job started; ages are measured from here. */
  startedAtMs: number;
  /** Records the job has to process; absent when unknown (query jobs). */
  totalRecords?: number;
  /** Observations so far. */
  polls: number;
  /** The latest observation (startedAtMs and 0 before the first). */
  lastAtMs: number;
  lastRecords: number;
  /** The first observation that showed progress: the average rate is measured from here. */
  progressAtMs?: number;
  progressRecords?: number;
}

/** The state before the first poll. `totalRecords` when known (ingest: the staged unit's row count). */
export function initialPollState(startedAtMs: number, totalRecords?: number): PollState {
  const state: PollState = { startedAtMs, polls: 0, lastAtMs: startedAtMs, lastRecords: 0 };
  if (totalRecords !== undefined && Number.isFinite(totalRecords)) state.totalRecords = Math.max(0, totalRecords);
  return state;
}

function advance(state: PollState, observation: PollObservation): PollState {
  const atMs = Number.isFinite(observation.atMs) ? Math.max(state.lastAtMs, observation.atMs) : state.lastAtMs;
  const seen = Number.isFinite(observation.recordsProcessed) ? observation.recordsProcessed : 0;
  const records = Math.max(state.lastRecords, seen); // counts never go back; a lower one is a stale read
  const next: PollState = { ...state, polls: state.polls + 1, lastAtMs: atMs, lastRecords: records };
  if (state.progressAtMs === undefined && records > state.lastRecords) {
    next.progressAtMs = atMs;
    next.progressRecords = records;
  }
  return next;
}

function rate(records: number, since: number, ms: number): number {
  return ms > 0 ? (records - since) / ms : 0;
}

/**
 * Time to process `left` records: at the faster of the average rate since progress began and the rate over
 * the last wait; if the last wait was faster than the average, the rate is rising, and we assume it keeps
 * rising as fast (each rate is the true rate at the middle of its window). Too slow a rate makes us late,
 * too fast costs one more poll, so every doubt resolves toward the earlier finish. Infinity: no rate yet.
 */
function remainingMs(prev: PollState, next: PollState, left: number): number {
  const sinceProgress = next.lastAtMs - (next.progressAtMs ?? 0);
  const sincePrev = next.lastAtMs - prev.lastAtMs;
  const average = rate(next.lastRecords, next.progressRecords ?? 0, sinceProgress);
  const recent = rate(next.lastRecords, prev.lastRecords, sincePrev);
  const perMs = Math.max(average, recent);
  if (!(perMs > 0)) return Infinity;
  const gap = (sinceProgress - sincePrev) / 2; // between the two windows' middles
  const rising = gap > 0 && recent > average ? (recent - average) / gap : 0; // records per ms²
  const now = recent + (rising * sincePrev) / 2;
  // left = now·τ + rising·τ²/2, solved for τ; the second form is stable when rising is tiny.
  return rising > 0 ? (2 * left) / (now + Math.sqrt(now * now + 2 * rising * left)) : left / perMs;
}

/** The wait before clamping: see the module comment for the cases. */
function rawWait(prev: PollState, next: PollState, policy: Required<PollPolicy>): number {
  const age = Math.max(0, next.lastAtMs - next.startedAtMs);
  const blind = policy.lateness * age;
  const patient = policy.patience * age;
  const total = next.totalRecords;
  if (total === undefined || next.lastRecords >= total) return blind;
  if (next.progressAtMs === undefined) return patient;
  const left = total - next.lastRecords;
  if (prev.progressAtMs === undefined) {
    // Progress began after the previous poll: if linear from then, at most `latestMs` are left.
    const latestMs = left / rate(next.lastRecords, prev.lastRecords, next.lastAtMs - prev.lastAtMs);
    return Math.min(blind, latestMs);
  }
  const remaining = remainingMs(prev, next, left);
  return Number.isFinite(remaining) ? Math.min(patient, remaining * (1 + policy.overshoot)) : patient;
}

/**
 * The pure step: given the state and the latest observation, how long to wait before the next poll, and the
 * state to pass next time. The wait is a whole number of ms in [floorMs, ceilingMs]; the first is initialMs.
 */
export function nextPollDelay(
  state: PollState,
  observation: PollObservation,
  policy: Required<PollPolicy>,
): { delayMs: number; state: PollState } {
  const next = advance(state, observation);
  const raw = state.polls === 0 ? policy.initialMs : rawWait(state, next, policy);
  const wait = Number.isFinite(raw) ? Math.ceil(raw) : policy.ceilingMs;
  return { delayMs: Math.min(policy.ceilingMs, Math.max(policy.floorMs, wait)), state: next };
}

/** Progress curves for {@link simulatePolls}. */
export const SimulatedCurve = {
  /** Constant rate from start to finish. */
  Steady: 'steady',
  /** Nothing for the first half (Queued), then all records at a constant rate in the second half. */
  StalledThenBurst: 'stalledThenBurst',
  /** Accelerating: the processed fraction is (t / T)². */
  SlowStartFastFinish: 'slowStartFastFinish',
} as const;
/** One of {@link SimulatedCurve}'s values. */
export type SimulatedCurve = (typeof SimulatedCurve)[keyof typeof SimulatedCurve];

/** A job for {@link simulatePolls}: it finishes `durationMs` after it starts. */
export interface SimulatedJob {
  durationMs: number;
  totalRecords: number;
  curve: SimulatedCurve;
  /** false models a query job: progress is reported but the policy is not told the total. @default true */
  totalKnown?: boolean;
}

/** Records processed `atMs` after the job started (whole records, all of them at `durationMs`). */
export function simulatedRecords(job: SimulatedJob, atMs: number): number {
  const t = job.durationMs > 0 ? Math.min(1, Math.max(0, atMs / job.durationMs)) : 1;
  const fraction =
    job.curve === SimulatedCurve.Steady
      ? t
      : job.curve === SimulatedCurve.StalledThenBurst
        ? Math.max(0, 2 * t - 1)
        : t * t;
  return Math.floor(job.totalRecords * fraction);
}

/**
 * Runs the policy against a simulated job: polls (the immediate first one included) until one sees it
 * finished, how late that poll was, and when it came. For tests, the benchmark and tuning.
 */
export function simulatePolls(
  job: SimulatedJob,
  policy?: PollPolicy,
): { polls: number; lateByMs: number; finishMs: number } {
  if (!(Number.isFinite(job.durationMs) && job.durationMs >= 0)) {
    throw new RangeError(`job.durationMs must be a finite number ≥ 0, got ${job.durationMs}`);
  }
  const resolved = withPollDefaults(policy);
  let state = initialPollState(0, job.totalKnown === false ? undefined : job.totalRecords);
  let atMs = 0;
  for (let polls = 1; ; polls++) {
    if (atMs >= job.durationMs) return { polls, lateByMs: atMs - job.durationMs, finishMs: atMs };
    const recordsProcessed = simulatedRecords(job, atMs);
    const observation = { atMs, recordsProcessed, state: recordsProcessed > 0 ? 'InProgress' : 'UploadComplete' };
    const step = nextPollDelay(state, observation, resolved);
    state = step.state;
    atMs += step.delayMs;
  }
}

/** Daily API usage at which polling starts to slow down, and how much slower it is at the limit. */
const SLOW_FROM_USAGE = 0.8;
const SLOWEST_FACTOR = 10;

/**
 * The wait, stretched when the org is near its daily API limit (`Sforce-Limit-Info: api-usage=used/limit`):
 * unchanged below 80 % used, then growing linearly to 10× at 100 %, never past `ceilingMs`. Polls are the one
 * call bulkflow makes that can wait; other integrations sharing the org's allowance may not be able to.
 */
export function slowedForApiUsage(
  delayMs: number,
  usage: { used: number; limit: number } | undefined,
  policy: Required<PollPolicy>,
): number {
  if (!usage || !(usage.limit > 0)) return delayMs;
  const share = Math.min(1, usage.used / usage.limit);
  if (!(share > SLOW_FROM_USAGE)) return delayMs;
  const factor = 1 + ((SLOWEST_FACTOR - 1) * (share - SLOW_FROM_USAGE)) / (1 - SLOW_FROM_USAGE);
  return Math.min(policy.ceilingMs, Math.max(delayMs, Math.ceil(delayMs * factor)));
}
