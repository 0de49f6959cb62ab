/**
 * The jobs of a load: one child workflow per Bulk 2.0 unit (a few at a time) or one v1 child for all units, the
 * progress they report, the outcomes they return, and the abort passed on to them. The load's state follows its
 * jobs: it is Processing once every unit it runs has left Uploading, Downloading once every one has ended
 * (`run-state.ts` keeps it from moving back when a later unit starts).
 */
import {
  ParentClosePolicy,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  type ChildWorkflowHandle,
  type Workflow,
} from '@temporalio/workflow';
import type { StagedUnit } from '../activities/index.js';
import { forEachBounded } from '../common/bounded.js';
import { isBulk2Terminal, type BulkApi } from '../common/wire-values.js';
import { bulkIngestV1Workflow } from './bulk1-ingest-job-workflow.js';
import { bulkIngestJobWorkflow } from './bulk2-ingest-job-workflow.js';
import {
  abortSignal,
  BulkflowState,
  SearchAttributes,
  type BulkIngestInput,
  type BulkJobProgress,
} from './contract.js';
import { resolveRetryPolicy } from './follow-ups.js';
import type { IngestJobOutcome } from './ingest-job-contract.js';
import { earliest, type RunState } from './run-state.js';
import type { RunControl } from './run-control.js';

/** Salesforce jobs of one workflow that run at once, unless the input says otherwise. */
export const DEFAULT_MAX_CONCURRENT_JOBS = 4;

/**
 * Where a unit is, as the load's state counts it: Uploading until its job is closed (or while it waits for a
 * slot), Processing while Salesforce works on it, Downloading once its job has ended (v1 jobs end `Aborted` or
 * `Failed`; a `Closed` one is still processing its batches).
 */
function phaseOf(job: BulkJobProgress | undefined): BulkflowState {
  if (!job || job.state === 'Open') return BulkflowState.Uploading;
  if (isBulk2Terminal(job.state)) return BulkflowState.Downloading;
  return BulkflowState.Processing;
}

/** The outcome of a unit never sent: all its rows unprocessed, the staged unit itself their file. */
export function unprocessed(unit: StagedUnit, attempt: number): IngestJobOutcome {
  return { unitIndex: unit.index, attempt, results: { unprocessed: { url: unit.url, rows: unit.rows } } };
}

/** The progress key of a v1 job: 0 for the first (as it always was), follow-up jobs by their first unit. */
function v1Key(units: StagedUnit[], attempt: number): number {
  return attempt === 1 ? 0 : (units[0] as StagedUnit).index;
}

export class IngestJobs {
  /** Latest known job of each unit (or v1 job), by its progress key. */
  readonly jobs = new Map<number, BulkJobProgress>();
  readonly outcomes: IngestJobOutcome[] = [];
  private readonly children = new Map<number, ChildWorkflowHandle<Workflow>>();
  /** The units running now, by progress key: what the load's state is computed from. */
  private readonly running = new Map<number, BulkJobProgress | undefined>();
  private reportedIds = '';

  constructor(
    private readonly input: BulkIngestInput,
    private readonly control: RunControl,
    private readonly state: RunState,
    private readonly stagingPrefix: string,
  ) {}

  /** Runs `units` as attempt `attempt`: one child per 2.0 unit, or one v1 child for all. */
  run(units: StagedUnit[], api: BulkApi, attempt: number): Promise<void> {
    if (this.control.current) {
      // Every unit counts from now on, those waiting for a slot too: the load is Uploading until all are sent.
      const keys = api === '1.0' ? [units.length ? v1Key(units, attempt) : undefined] : units.map((u) => u.index);
      for (const key of keys) if (key !== undefined) this.running.set(key, undefined);
    }
    return api === '1.0' ? this.runV1Job(units, attempt) : this.runUnits(units, attempt);
  }

  /** Passes an abort on to the children running. */
  abort(reason: string): void {
    for (const child of this.children.values()) child.signal(abortSignal, { reason }).catch(() => undefined);
  }

  /** A child's report of its job. */
  onJobProgress(key: number, job: BulkJobProgress): void {
    this.jobs.set(key, job);
    const ids = [...this.jobs.values()].map((j) => j.id);
    if (!this.control.current) {
      // Runs recorded before updated the attribute on every report, and moved their state back and forth.
      upsertSearchAttributes([{ key: SearchAttributes.jobIds, value: ids }]);
      const anyRunning = [...this.jobs.values()].some((j) => j.state !== 'Open');
      this.state.enter(anyRunning ? BulkflowState.Processing : BulkflowState.Uploading);
      return;
    }
    if (ids.join() !== this.reportedIds) {
      this.reportedIds = ids.join();
      upsertSearchAttributes([{ key: SearchAttributes.jobIds, value: ids }]);
    }
    if (this.running.has(key)) this.running.set(key, job);
    this.followJobs();
  }

  /** The load is where its least advanced running unit is. */
  private followJobs(): void {
    const phase = earliest([...this.running.values()].map(phaseOf));
    if (phase) this.state.enter(phase);
  }

  /** Runs a child per unit, at most `maxConcurrentJobs` at once; after an abort, starts no more. */
  private async runUnits(units: StagedUnit[], attempt: number): Promise<void> {
    const limit = Math.max(1, this.input.maxConcurrentJobs ?? DEFAULT_MAX_CONCURRENT_JOBS);
    await forEachBounded(units, limit, async (unit) => {
      if (this.control.requested) {
        this.outcomes.push(unprocessed(unit, attempt));
        this.running.delete(unit.index);
        return;
      }
      await this.runUnit(unit, attempt);
    });
  }

  private async runUnit(unit: StagedUnit, attempt: number): Promise<void> {
    this.starting();
    const child = await startChild(bulkIngestJobWorkflow, {
      workflowId: `${workflowInfo().workflowId}/job-${unit.index + 1}`,
      // Cancelling this workflow cancels the children, which abort their Salesforce jobs.
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      args: [{ ...this.childInput(), unit }],
    });
    await this.follow(unit.index, child, async () => {
      const outcome = await child.result();
      if (outcome.job) this.jobs.set(unit.index, outcome.job);
      this.outcomes.push({ ...outcome, attempt });
    });
  }

  /** Bulk v1: one job for all units, one batch per unit, in one child. */
  private async runV1Job(units: StagedUnit[], attempt: number): Promise<void> {
    if (units.length === 0) return;
    const key = v1Key(units, attempt);
    const serial =
      this.input.concurrencyMode === 'Serial' ||
      (attempt > 1 && resolveRetryPolicy(this.input.transientRetry).serialOnV1);
    this.starting();
    const child = await startChild(bulkIngestV1Workflow, {
      workflowId: `${workflowInfo().workflowId}/job-v1${attempt === 1 ? '' : `-attempt-${attempt}`}`,
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      args: [
        {
          ...this.childInput(),
          units,
          ...(key ? { progressKey: key } : {}),
          ...(serial ? { concurrencyMode: 'Serial' as const } : {}),
        },
      ],
    });
    await this.follow(key, child, async () => {
      const outcomes = await child.result();
      const job = outcomes.find((o) => o.job)?.job;
      if (job) this.jobs.set(key, job);
      this.outcomes.push(...outcomes.map((o) => ({ ...o, attempt })));
    });
  }

  /** A unit's child is about to start: the load is Uploading (at least). */
  private starting(): void {
    this.state.enter(BulkflowState.Uploading);
  }

  /** Follows a started child to its result: it hears of an abort, even one that came while it started. */
  private async follow(key: number, child: ChildWorkflowHandle<Workflow>, awaitResult: () => Promise<void>) {
    this.children.set(key, child);
    if (this.control.reason) await child.signal(abortSignal, { reason: this.control.reason });
    await awaitResult();
    this.children.delete(key);
    if (this.running.delete(key)) this.followJobs();
  }

  /** What every child needs, whichever API it drives. */
  private childInput() {
    return {
      object: this.input.object,
      operation: this.input.operation,
      ...(this.input.externalIdFieldName ? { externalIdFieldName: this.input.externalIdFieldName } : {}),
      ...(this.input.assignmentRuleId ? { assignmentRuleId: this.input.assignmentRuleId } : {}),
      stagingPrefix: this.stagingPrefix,
      parentWorkflowId: workflowInfo().workflowId,
      ...(this.input.pollPolicy ? { pollPolicy: this.input.pollPolicy } : {}),
      ...(this.input.activityTimeouts ? { activityTimeouts: this.input.activityTimeouts } : {}),
      ...(this.input.historyEventLimit ? { historyEventLimit: this.input.historyEventLimit } : {}),
    };
  }
}
