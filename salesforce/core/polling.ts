/**
 * Polling a Bulk job from a plain Node process (no Temporal): the same policy the workflows use
 * (`common/poll-policy.ts`: predict the finish from progress, poll near it, within a floor and a ceiling),
 * on ordinary timers. Workflows poll on durable timers instead (`workflows/poll-loop.ts`).
 *
 * Salesforce publishes no polling interval; every poll is one API call against `DailyApiRequests`.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/get_job_info.htm
 */
import { initialPollState, nextPollDelay, withPollDefaults, type PollPolicy } from '../../common/poll-policy.js';

export interface PollUntilOptions<T> {
  /** @default DEFAULT_POLL_POLICY */
  policy?: PollPolicy;
  /** Records processed so far, read from a status (e.g. `numberRecordsProcessed`). @default none: no prediction */
  progress?: (value: T) => number;
  /** Records the job has to process, when known, so the finish can be predicted. @default unknown */
  totalRecords?: number;
  /** Stop waiting; the last value is returned as it is. @default none */
  signal?: AbortSignal;
  /** How to wait, for tests. @default a timer */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The clock, for tests. @default Date.now */
  now?: () => number;
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
  options: PollUntilOptions<T> = {},
): Promise<T> {
  const policy = withPollDefaults(options.policy);
  const sleep = options.sleep ?? timerSleep;
  const now = options.now ?? Date.now;
  let state = initialPollState(now(), options.totalRecords);
  for (;;) {
    const value = await check();
    if (done(value) || options.signal?.aborted) return value;
    const next = nextPollDelay(state, { atMs: now(), recordsProcessed: options.progress?.(value) ?? 0 }, policy);
    state = next.state;
    await sleep(next.delayMs, options.signal);
  }
}
