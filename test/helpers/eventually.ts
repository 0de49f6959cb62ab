/**
 * The one way tests wait: poll a condition until it holds or a deadline passes. A test never sleeps
 * for a condition; it names the condition and waits for it here, so a timeout says what never happened.
 */
import { AssertionError } from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';

export interface EventuallyOptions {
  /** How long to keep trying before failing, in milliseconds. */
  timeoutMs: number;
  /** Pause between two tries, in milliseconds. @default 20 */
  intervalMs?: number;
  /** What is awaited, for the error message: "job 750… to reach JobComplete". */
  what: string;
}

type Falsy = false | 0 | 0n | '' | null | undefined;

/** Like `EventuallyOptions`, with the test on the probe's value given apart, so a timeout shows that value. */
export interface EventuallyUntilOptions<T> extends EventuallyOptions {
  /** When the wait is over; the probe's value is returned. */
  until: (value: T) => boolean;
}

/**
 * Calls `condition` until it returns (or resolves to) a truthy value, and returns that value; or, with
 * `until`, calls the probe until `until(value)` holds and returns that value.
 *
 * A try that throws counts as "not yet" and is remembered, except an `AssertionError`: an assertion
 * inside the condition is the test's verdict, so it fails at once. A try still pending at the deadline
 * is not waited for. On timeout the error names `what` and shows the last value or error seen (the
 * error is also its `cause`).
 */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  options: EventuallyUntilOptions<Awaited<T>>,
): Promise<Awaited<T>>;
export async function eventually<T>(
  condition: () => T | Promise<T>,
  options: EventuallyOptions,
): Promise<Exclude<Awaited<T>, Falsy>>;
export async function eventually<T>(
  condition: () => T | Promise<T>,
  options: EventuallyOptions & { until?: (value: Awaited<T>) => boolean },
): Promise<Awaited<T>> {
  const { timeoutMs, intervalMs = 20, what, until = Boolean } = options;
  const deadline = Date.now() + timeoutMs;
  let last: { value: unknown } | { error: unknown } | undefined;
  for (;;) {
    const outcome = await attempt(async () => {
      const value = await condition();
      return { value, done: until(value) };
    }, deadline);
    if ('error' in outcome && outcome.error instanceof AssertionError) throw outcome.error;
    if ('value' in outcome) {
      const { value, done } = outcome.value as { value: Awaited<T>; done: boolean };
      if (done) return value;
      last = { value };
    } else if ('error' in outcome) {
      last = outcome;
    }
    const left = deadline - Date.now();
    if (left <= 0 || 'pending' in outcome) throw timeout(what, timeoutMs, last, 'pending' in outcome);
    await sleep(Math.min(intervalMs, left));
  }
}

type Outcome = { value: unknown } | { error: unknown } | { pending: true };

/** One try, raced against the deadline so that a hanging try cannot outlive it. */
async function attempt<T>(condition: () => T | Promise<T>, deadline: number): Promise<Outcome> {
  let result: Promise<Outcome>;
  try {
    result = Promise.resolve(condition()).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
  } catch (error) {
    return { error };
  }
  const guard = new AbortController();
  const expired = sleep(Math.max(0, deadline - Date.now()), { pending: true } as const, { signal: guard.signal });
  try {
    return await Promise.race([result, expired]);
  } finally {
    guard.abort();
    expired.catch(() => undefined);
  }
}

function timeout(
  what: string,
  timeoutMs: number,
  last: { value: unknown } | { error: unknown } | undefined,
  pending: boolean,
): Error {
  const seen =
    last === undefined
      ? 'no try finished'
      : 'error' in last
        ? `last error: ${describeError(last.error)}`
        : `last value: ${inspect(last.value, { depth: 3, breakLength: Infinity, maxStringLength: 500 })}`;
  const tail = pending ? '; the last try was still running' : '';
  const cause = last !== undefined && 'error' in last ? { cause: last.error } : undefined;
  return new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${seen}${tail})`, cause);
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : inspect(error);
}
