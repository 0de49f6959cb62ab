/**
 * How a bulk workflow stops when it is asked to: the operators' `abort` signal and Temporal's own cancellation
 * take one path. The step in flight (an activity, retrying or not, or a wait) is cancelled at once, the
 * Salesforce jobs that exist are aborted in steps no abort can cancel, and the workflow still returns a result
 * that accounts for every row, with state `Aborted`.
 *
 * Runs recorded before this existed replay with their old behaviour: the choice is made once, at the run's
 * first task, with `patched()` (an abort then only stopped the next step, and a cancellation was re-thrown).
 */
import { CancellationScope, isCancellation, patched } from '@temporalio/workflow';
import { Patch } from './patches.js';

/** The abort reason a Temporal cancellation becomes. */
export const CANCELLED_REASON = 'workflow cancelled through Temporal';

/** A step that an abort cancelled; the run's `execute` catches it and goes on to its cleanup. */
export class StepAborted extends Error {
  constructor(readonly reason: string) {
    super(`step cancelled: ${reason}`);
    this.name = 'StepAborted';
  }
}

/** One run's abort state and the steps it may cancel. */
export class RunControl {
  /** Why the run stops; undefined while nobody asked. */
  reason: string | undefined;
  /**
   * Whether this run follows today's rules (`Patch.DurableRuns`): an abort cancels the step in flight, and the
   * rest that the patch names. False for runs recorded before, which replay the way they ran.
   */
  readonly current: boolean;
  private readonly inFlight = new Set<CancellationScope>();

  /** `onRequest` runs once, when the first abort (or cancellation) comes: e.g. a parent tells its children. */
  constructor(private readonly onRequest?: (reason: string) => void) {
    this.current = patched(Patch.DurableRuns);
  }

  get requested(): boolean {
    return this.reason !== undefined;
  }

  /** Asks the run to stop; the first reason wins. Cancels the steps in flight. */
  request(reason: string): void {
    if (this.reason !== undefined) return;
    this.reason = reason || 'aborted';
    if (this.current) for (const scope of this.inFlight) scope.cancel();
    this.onRequest?.(this.reason);
  }

  /**
   * Runs `fn` (activities, timers) so that an abort cancels it: resolves to its value, or throws
   * {@link StepAborted} when an abort came first or cancelled it. Errors of the step itself pass through.
   */
  async step<T>(fn: () => Promise<T>): Promise<T> {
    if (this.reason !== undefined && this.current) throw new StepAborted(this.reason);
    if (!this.current) return fn();
    const scope = new CancellationScope();
    this.inFlight.add(scope);
    try {
      return await scope.run(fn);
    } catch (err) {
      if (this.reason !== undefined && isCancellation(err)) throw new StepAborted(this.reason);
      throw err;
    } finally {
      this.inFlight.delete(scope);
    }
  }

  /**
   * Runs the whole workflow: a Temporal cancellation becomes an abort (so it ends like one, with its result),
   * and nothing but {@link step}s can be cancelled. Runs recorded before run `legacyCleanup` on cancellation and
   * re-throw it, as they did.
   */
  async run<R>(execute: () => Promise<R>, legacyCleanup: () => Promise<void>): Promise<R> {
    if (!this.current) {
      try {
        return await execute();
      } catch (err) {
        if (isCancellation(err)) await CancellationScope.nonCancellable(legacyCleanup);
        throw err;
      }
    }
    // The handler runs in the cancelled root scope, where any new command (a signal to a child) would be refused
    // at once: it acts from a scope the cancellation cannot reach.
    CancellationScope.current().cancelRequested.catch(() =>
      CancellationScope.nonCancellable(() => Promise.resolve(this.request(CANCELLED_REASON))),
    );
    return CancellationScope.nonCancellable(execute);
  }
}
