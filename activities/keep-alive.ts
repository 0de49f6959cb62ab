/**
 * Heartbeats that say "this worker is alive" whether or not bytes are flowing.
 *
 * Temporal learns that a worker died only from a missed heartbeat (or, without one, from the start-to-close
 * timeout, a minute for a status call). So every bulkflow activity heartbeats every {@link KEEP_ALIVE_MS} while
 * it runs, with the details it last reported: a retry must still find them (the job id of a create, the files a
 * download has saved). The heartbeat responses also carry cancellation, which the activity then sees on its
 * context's `cancellationSignal`.
 *
 * Activities report progress with this module's {@link heartbeat}, never the SDK's directly, so that the
 * keep-alive beat repeats what they said instead of erasing it.
 */
import { Context } from '@temporalio/activity';

/** How often a running activity heartbeats by itself; the SDK sends at most one per 80 % of the timeout. */
export const KEEP_ALIVE_MS = 2_000;

/** The details each running activity last reported, so the keep-alive beat repeats them. */
const latest = new WeakMap<Context, { details: unknown }>();

/** Records progress (`details` reach a retry as `activityInfo().heartbeatDetails`) and heartbeats. */
export function heartbeat(details?: unknown): void {
  const context = Context.current();
  latest.set(context, { details });
  context.heartbeat(details);
}

/**
 * Runs `fn` as an activity that heartbeats at once and then every {@link KEEP_ALIVE_MS} until it ends. Until the
 * activity reports progress of its own, the beat repeats the previous attempt's details, which are still where
 * a retry would resume.
 */
export async function keepAlive<T>(fn: () => Promise<T>): Promise<T> {
  const context = Context.current();
  if (!latest.has(context)) latest.set(context, { details: context.info.heartbeatDetails });
  const beat = () => context.heartbeat(latest.get(context)?.details);
  beat();
  const timer = setInterval(beat, KEEP_ALIVE_MS);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}

/** Wraps every function of an activities object in {@link keepAlive}. */
export function withKeepAlive<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = (...args: never[]) => keepAlive(() => fn(...args));
  }
  return wrapped as T;
}
