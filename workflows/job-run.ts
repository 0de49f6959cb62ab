/**
 * The skeleton every bulk workflow shares: the three per-job workflows (a Bulk 2.0 ingest job, a Bulk v1 ingest
 * job, a query) and the load that runs the ingest jobs. One place for what they all do the same way:
 *
 * - the `abort` signal and Temporal's cancellation, one path (`run-control.ts`), with the cleanup step that aborts
 *   the Salesforce job in a way nothing can cancel;
 * - the `progress` query;
 * - the state, moved by the one transition rule (`run-state.ts`);
 * - the activity proxies, the poll policy, the phase clock, and where the run stages its files.
 */
import { setHandler, workflowInfo } from '@temporalio/workflow';
import type { PollPolicy } from '../common/poll-policy.js';
import { stagingPrefixOf } from '../common/staging-keys.js';
import { activityProxies, type ActivityProxies } from './activity-proxies.js';
import {
  abortSignal,
  progressQuery,
  type ActivityTimeouts,
  type BulkJobProgress,
  type BulkProgress,
} from './contract.js';
import { PhaseClock, type PhaseSpans } from './phase-timings.js';
import { resolvePollPolicy } from './poll-loop.js';
import { RunControl } from './run-control.js';
import { RunState } from './run-state.js';

/** What a run is set up with. */
export interface JobRunOptions {
  activityTimeouts?: ActivityTimeouts;
  pollPolicy?: PollPolicy;
  /** Phase spans carried across continue-as-new. */
  phases?: PhaseSpans;
  /** Whether the run keeps the `BulkflowState` search attribute (the public workflows do). */
  searchAttribute: boolean;
}

/** What a workflow's input says of its run: timeouts, the poll policy, phase spans carried across continue-as-new. */
export function runOptionsOf(
  input: { activityTimeouts?: ActivityTimeouts; pollPolicy?: PollPolicy; resume?: { phases?: PhaseSpans } },
  searchAttribute: boolean,
): JobRunOptions {
  return {
    searchAttribute,
    ...(input.activityTimeouts ? { activityTimeouts: input.activityTimeouts } : {}),
    ...(input.pollPolicy ? { pollPolicy: input.pollPolicy } : {}),
    ...(input.resume?.phases ? { phases: input.resume.phases } : {}),
  };
}

/** The parts of a bulk workflow that the skeleton sets up; each workflow adds its steps. */
export abstract class JobRun<Result> {
  readonly control: RunControl;
  readonly state: RunState;
  protected readonly act: ActivityProxies;
  protected readonly poll: Required<PollPolicy>;
  protected readonly clock: PhaseClock;

  constructor(options: JobRunOptions) {
    this.control = new RunControl((reason) => this.onAbort(reason));
    this.state = new RunState({ searchAttribute: options.searchAttribute, legacy: !this.control.current });
    this.act = activityProxies(options.activityTimeouts);
    this.poll = resolvePollPolicy(options.pollPolicy);
    this.clock = new PhaseClock(options.phases);
  }

  /** Why the run stops; undefined while nobody asked. */
  get abortReason(): string | undefined {
    return this.control.reason;
  }

  /** The run's steps, from its first to its result. */
  abstract execute(): Promise<Result>;

  /** The cleanup step: aborts what the run has in Salesforce, unless it has ended. Nothing cancels it. */
  abstract abortJob(): Promise<void>;

  /** What the `progress` query answers. */
  abstract progress(): BulkProgress;

  /** Called once, when the first abort (or cancellation) comes; a load passes it on to its jobs. */
  protected onAbort(_reason: string): void {}
}

/**
 * The body of every bulk workflow function: the `abort` signal, the `progress` query, and the run to its end
 * (a cancellation becomes an abort; runs recorded before clean up and re-throw it, as they did).
 */
export function runBulkWorkflow<Result>(run: JobRun<Result>): Promise<Result> {
  setHandler(abortSignal, ({ reason }) => run.control.request(reason));
  setHandler(progressQuery, () => run.progress());
  return run.control.run(
    () => run.execute(),
    () => run.abortJob(),
  );
}

/** Where a public workflow's run stages its files: `<encoded workflow id>/<first execution run id>`. */
export function runStagingPrefix(): string {
  const info = workflowInfo();
  return stagingPrefixOf(info.workflowId, info.firstExecutionRunId);
}

/**
 * What an activity needs to call Salesforce about a job: its id and the API version it was created with, part of
 * the job's state (runs recorded before have none, and their calls use the worker's version).
 */
export function callOn(job: BulkJobProgress): { jobId: string; apiVersion?: string } {
  return { jobId: job.id, ...(job.apiVersion ? { apiVersion: job.apiVersion } : {}) };
}

/**
 * What the workflow last saw of its job, given to the calls that read its status and results: when Salesforce no
 * longer has the job (it deletes a job's data 7 days after it ends), the failure says when it ended and its rows.
 */
export function seenOf(job: BulkJobProgress): {
  seen: { state: string; recordsProcessed: number; recordsFailed: number; endedAt?: string };
} {
  const { state, recordsProcessed, recordsFailed, endedAt } = job;
  return { seen: { state, recordsProcessed, recordsFailed, ...(endedAt ? { endedAt } : {}) } };
}
