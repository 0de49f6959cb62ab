/**
 * How often to ask Salesforce whether a Bulk job has finished: exponential backoff with a ceiling. Pure: no
 * timers here. The workflow sleeps on durable timers; {@link pollUntil} is for callers without Temporal.
 *
 * Salesforce publishes no polling interval; every poll is one API call against `DailyApiRequests`, and a
 * fixed 1 s poll burned ~100k calls in 4–5 hours for one jsforce user. Backoff keeps short jobs snappy and
 * long jobs cheap.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/get_job_info.htm
 * @see https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm
 */
import { SalesforceError, SalesforceErrorCode } from './errors.js';

export interface PollPolicy {
  /** Wait before the second poll (the first is immediate). @default 1000 */
  initialMs?: number;
  /** Each wait is the previous one times this, rounded to a millisecond. @default 1.5 */
  factor?: number;
  /** Ceiling of a wait. @default 30000 */
  maxMs?: number;
}

/** The workflow's default: 1 s, ×1.5, at most 30 s. */
export const DEFAULT_POLL_POLICY: Readonly<Required<PollPolicy>> = Object.freeze({
  initialMs: 1000,
  factor: 1.5,
  maxMs: 30_000,
});

function invalid(option: string, value: number, rule: string): SalesforceError {
  return new SalesforceError(SalesforceErrorCode.InvalidInput, `pollPolicy.${option} ${rule}, got ${value}`);
}

/** Fills in defaults and checks the policy; a bad value throws an error naming the option. */
export function withDefaults(policy: PollPolicy = {}): Required<PollPolicy> {
  const resolved = { ...DEFAULT_POLL_POLICY, ...stripUndefined(policy) };
  if (!Number.isFinite(resolved.initialMs) || resolved.initialMs < 1) {
    throw invalid('initialMs', resolved.initialMs, 'must be at least 1');
  }
  if (!Number.isFinite(resolved.factor) || resolved.factor < 1) {
    throw invalid('factor', resolved.factor, 'must be at least 1');
  }
  if (!Number.isFinite(resolved.maxMs) || resolved.maxMs < resolved.initialMs) {
    throw invalid('maxMs', resolved.maxMs, `must be at least initialMs (${resolved.initialMs})`);
  }
  return resolved;
}

function stripUndefined(policy: PollPolicy): PollPolicy {
  return Object.fromEntries(Object.entries(policy).filter(([, v]) => v !== undefined));
}

/**
 * The wait after poll number `attempt` (0-based), before the next one: `initialMs`, then each time
 * `round(previous × factor)`, capped at `maxMs`. Same arithmetic as the workflow's loop.
 */
export function delayFor(attempt: number, policy: PollPolicy = {}): number {
  const { initialMs, factor, maxMs } = withDefaults(policy);
  let delay = initialMs;
  for (let i = 0; i < attempt && delay < maxMs; i++) delay = Math.min(Math.round(delay * factor), maxMs);
  return Math.min(delay, maxMs);
}

/**
 * API calls (job-info GETs) spent polling a job that finishes `durationMs` after the first poll: the first
 * poll is immediate, then one after each wait, until the first poll at or after `durationMs`.
 *
 * Once waits reach `maxMs` this grows by one call per `maxMs`: about `k + (T − S) / maxMs`, where `k` polls
 * cover the ramp-up of `S` ms. Defaults (1 s, ×1.5, 30 s; the ramp-up is 9 waits, ~75 s):
 *
 * | job duration | polls | fixed 1 s poll |
 * | ------------ | ----: | -------------: |
 * | 10 s         |     6 |             11 |
 * | 1 min        |    10 |             61 |
 * | 5 min        |    18 |            301 |
 * | 30 min       |    68 |          1,801 |
 * | 1 h          |   128 |          3,601 |
 * | 4 h          |   488 |         14,401 |
 *
 * Ingest jobs add a handful of calls (create, upload, close, three result files); query jobs one per page.
 */
export function pollCallsFor(durationMs: number, policy: PollPolicy = {}): number {
  if (!(durationMs >= 0)) throw invalid('durationMs', durationMs, 'must be a non-negative number of ms');
  const { initialMs, factor, maxMs } = withDefaults(policy);
  let calls = 1;
  let elapsed = 0;
  let delay = initialMs;
  while (elapsed < durationMs) {
    if (delay >= maxMs) return calls + Math.ceil((durationMs - elapsed) / maxMs);
    elapsed += delay;
    calls += 1;
    delay = Math.min(Math.round(delay * factor), maxMs);
  }
  return calls;
}

export interface PollUntilOptions {
  policy?: PollPolicy;
  /** Stop waiting; the last value is returned as it is. @default none */
  signal?: AbortSignal;
  /** How to wait, for tests. @default a timer */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const timerSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Calls `check` with the policy's waits in between until `done(value)`; for use outside workflows. */
export async function pollUntil<T>(
  check: () => Promise<T>,
  done: (value: T) => boolean,
  options: PollUntilOptions = {},
): Promise<T> {
  const policy = withDefaults(options.policy);
  const sleep = options.sleep ?? timerSleep;
  for (let attempt = 0; ; attempt++) {
    const value = await check();
    if (done(value) || options.signal?.aborted) return value;
    await sleep(delayFor(attempt, policy), options.signal);
  }
}
