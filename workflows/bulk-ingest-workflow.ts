/**
 * `bulkIngestWorkflow`: stages the input into upload units (one Salesforce Bulk 2.0 job each) and
 * runs one child `bulkIngestJobWorkflow` per unit, a few at a time. Records never pass through
 * history: activities stage them and hand back references and counts.
 */
import {
  condition,
  log,
  ParentClosePolicy,
  patched,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  type ChildWorkflowHandle,
  type Workflow,
} from '@temporalio/workflow';
import type { ClaimRunResult, ResultFileRef, StagedInput, StagedUnit } from '../activities/index.js';
import { stagingPrefixOf } from '../common/staging-keys.js';
import { activityProxies } from './activity-proxies.js';
import {
  abortSignal,
  BulkflowState,
  progressQuery,
  SearchAttributes,
  type BulkIngestInput,
  type BulkIngestResult,
  type BulkJobProgress,
  type BulkProgress,
} from './contract.js';
import { jobProgressSignal, type IngestJobOutcome } from './ingest-job-contract.js';
import { bulkIngestJobWorkflow } from './bulk2-ingest-job-workflow.js';
import { bulkIngestV1Workflow } from './bulk1-ingest-job-workflow.js';
import { estimateNeeds, insufficientLimits, resolveLimitsPolicy, resolveRetryPolicy } from './follow-ups.js';
import { Patch } from './patches.js';
import { RunControl, StepAborted } from './run-control.js';
import { PhaseClock } from './phase-timings.js';
import type { BulkApi } from '../common/wire-values.js';
import { resolvePollPolicy } from './poll-loop.js';

/** Salesforce jobs of one workflow that run at once, unless the input says otherwise. */
export const DEFAULT_MAX_CONCURRENT_JOBS = 4;

/**
 * Loads `input.source` into `input.object` with one Bulk operation, once, whatever happens to the workers.
 * Every input row ends in exactly one of the result's successful, failed or unprocessed files.
 *
 * Signal {@link abortSignal} to abort the Salesforce job(s); query {@link progressQuery} for live counts.
 *
 * @example
 * await client.workflow.start(bulkIngestWorkflow, { taskQueue: 'bulkflow', workflowId: 'contacts-2026-11-23',
 *   args: [{ object: 'Contact', operation: 'insert', source: { url: 'file:///data/contacts.csv' } }] });
 */
export async function bulkIngestWorkflow(input: BulkIngestInput): Promise<BulkIngestResult> {
  // Bad policies fail the start, not a child hours later.
  resolvePollPolicy(input.pollPolicy);
  resolveRetryPolicy(input.transientRetry);
  resolveLimitsPolicy(input.limits);
  const run = new IngestRun(input);
  setHandler(abortSignal, ({ reason }) => run.control.request(reason));
  setHandler(progressQuery, () => run.progress());
  setHandler(jobProgressSignal, ({ unitIndex, job }) => run.onJobProgress(unitIndex, job));
  // The children abort their own jobs: cancelling this workflow only has to reach them (as an abort).
  return run.control.run(
    () => run.execute(),
    () => Promise.resolve(),
  );
}

class IngestRun {
  readonly control = new RunControl((reason) => this.onAbort(reason));
  /** Whether this run claims its business id in the run ledger (runs recorded before do not). */
  private readonly usesLedger = patched(Patch.BusinessIdLedger);
  private state: BulkflowState = BulkflowState.Preparing;
  private totalRows = 0;
  private abortedDuring: BulkflowState | undefined;
  private loadedBefore: StagedInput['loadedBefore'];
  private attempt: number | undefined;
  /** Latest known job of each unit, by unit index. */
  private readonly jobs = new Map<number, BulkJobProgress>();
  private readonly children = new Map<number, ChildWorkflowHandle<Workflow>>();
  private readonly outcomes: IngestJobOutcome[] = [];
  private readonly stagingPrefix: string;
  private readonly clock = new PhaseClock();
  private readonly startedAtMs = Date.now();
  /** Index of the next unit made here (retry units), after the staged ones. */
  private nextUnitIndex = 0;
  private retries: { rows: number; attempts: number } | undefined;

  constructor(private readonly input: BulkIngestInput) {
    const info = workflowInfo();
    this.stagingPrefix = stagingPrefixOf(info.workflowId, info.firstExecutionRunId);
  }

  private get abortReason(): string | undefined {
    return this.control.reason;
  }

  /** The first abort (or cancellation): remember where it came, and pass it on to the running children. */
  private onAbort(reason: string): void {
    this.abortedDuring = this.state;
    for (const child of this.children.values()) {
      child.signal(abortSignal, { reason }).catch(() => undefined);
    }
  }

  onJobProgress(unitIndex: number, job: BulkJobProgress): void {
    this.jobs.set(unitIndex, job);
    const ids = [...this.jobs.values()].map((j) => j.id);
    upsertSearchAttributes([{ key: SearchAttributes.jobIds, value: ids }]);
    const anyRunning = [...this.jobs.values()].some((j) => j.state !== 'Open');
    this.enter(anyRunning ? BulkflowState.Processing : BulkflowState.Uploading);
  }

  progress(): BulkProgress {
    const jobs = [...this.jobs.entries()].sort(([a], [b]) => a - b).map(([, j]) => ({ ...j }));
    return {
      state: this.state,
      jobs,
      records: {
        total: this.totalRows,
        processed: jobs.reduce((n, j) => n + j.recordsProcessed, 0),
        failed: jobs.reduce((n, j) => n + j.recordsFailed, 0),
      },
      ...(this.abortReason ? { abortReason: this.abortReason } : {}),
    };
  }

  async execute(): Promise<BulkIngestResult> {
    upsertSearchAttributes([
      { key: SearchAttributes.object, value: this.input.object },
      { key: SearchAttributes.operation, value: this.input.operation },
      { key: SearchAttributes.state, value: this.state },
    ]);
    const api = this.input.api ?? '2.0';
    let unsent: StagedUnit[] = [];
    try {
      const claim = this.usesLedger ? await this.claimBusinessId() : undefined;
      if (claim?.completed) return this.completedBefore(claim.completed);
      const staged = await this.stage(api, claim);
      this.totalRows = staged.totalRows;
      this.loadedBefore = staged.loadedBefore;
      this.nextUnitIndex = staged.units.length;
      unsent = staged.units;
      await this.ensureOrgLimits(staged.units, api);
      unsent = [];
      await this.runJobs(staged.units, api, 1);
      await this.retryTransientFailures(api);
    } catch (err) {
      if (!(err instanceof StepAborted)) {
        await this.recordOutcome({ state: 'Failed', result: { message: String(err) } });
        throw err;
      }
      // Aborted after staging, before any job: the staged units hold every row, none sent.
      for (const unit of unsent) this.outcomes.push(unprocessed(unit, 1));
    }
    const result = this.finish();
    await this.recordOutcome({ state: result.state, result });
    return result;
  }

  /** Claims the business id: an earlier completed run's result, or the earlier runs whose loaded rows to skip. */
  private async claimBusinessId(): Promise<ClaimRunResult> {
    const { calls } = activityProxies(this.input.activityTimeouts);
    const claim = await this.control.step(() =>
      calls.claimRun({
        kind: 'ingest',
        runId: workflowInfo().firstExecutionRunId,
        stagingPrefix: this.stagingPrefix,
        ...(this.input.ignoreEarlierRuns ? { ignoreEarlierRuns: true } : {}),
      }),
    );
    this.attempt = claim.attempt;
    return claim;
  }

  /**
   * Stages the input once, checking it before any job exists. A rerun first learns which rows earlier runs of
   * the business id loaded (their jobs' successful results), and those rows are not staged again.
   */
  private async stage(api: BulkApi, claim: ClaimRunResult | undefined): Promise<StagedInput> {
    const { streams } = activityProxies(this.input.activityTimeouts);
    const earlier = claim?.earlier ?? [];
    const found = earlier.length
      ? await this.control.step(() => streams.collectEarlierSuccesses({ earlier, stagingPrefix: this.stagingPrefix }))
      : undefined;
    return this.clock.time('staging', () =>
      this.control.step(() =>
        streams.stageIngestInput({
          source: this.input.source,
          stagingPrefix: this.stagingPrefix,
          api,
          // The pre-flight checks the header against this object's describe before any job exists.
          target: {
            object: this.input.object,
            operation: this.input.operation,
            ...(this.input.externalIdFieldName ? { externalIdFieldName: this.input.externalIdFieldName } : {}),
          },
          ...(found?.files.length ? { loadedBefore: found.files } : {}),
        }),
      ),
    );
  }

  /** The business id was loaded by an earlier run: its result, marked as such; nothing is loaded. */
  private completedBefore(completed: NonNullable<ClaimRunResult['completed']>): BulkIngestResult {
    const earlier = completed.result as BulkIngestResult;
    this.enter(BulkflowState.Completed);
    return { ...earlier, completedBefore: { runId: completed.runId, completedAt: completed.endedAt } };
  }

  /** Tells the run ledger how this run ended; a failure to do so is logged, never the workflow's failure. */
  private async recordOutcome(outcome: { state: 'Completed' | 'Failed' | 'Aborted'; result: unknown }): Promise<void> {
    const attempt = this.attempt;
    if (attempt === undefined) return;
    const { ledger } = activityProxies(this.input.activityTimeouts);
    try {
      await ledger.recordRunOutcome({ attempt, outcome });
    } catch (err) {
      log.warn('could not record how this run ended in the run ledger', { attempt, error: String(err) });
    }
  }

  private runJobs(units: StagedUnit[], api: BulkApi, attempt: number): Promise<void> {
    return api === '1.0' ? this.runV1Job(units, attempt) : this.runUnits(units, attempt);
  }

  /**
   * Before any job: does the org have the batches and API calls this load needs? Without room, fail at once
   * naming the limit, or wait on durable timers for the daily window to roll, as the input chose.
   */
  private async ensureOrgLimits(units: StagedUnit[], api: BulkApi): Promise<void> {
    const policy = resolveLimitsPolicy(this.input.limits);
    if (!policy.check || units.length === 0 || !patched(Patch.OrgLimits)) return;
    const { calls } = activityProxies(this.input.activityTimeouts);
    const deadline = Date.now() + policy.maxWaitMs;
    for (;;) {
      const { shortfalls } = await this.control.step(() =>
        calls.checkOrgLimits({ ...estimateNeeds(units, api), reserveFraction: policy.reserveFraction }),
      );
      if (shortfalls.length === 0 || this.abortReason) return;
      if (policy.onShortfall === 'fail' || Date.now() + policy.checkEveryMs > deadline) {
        throw insufficientLimits(shortfalls, policy.reserveFraction);
      }
      await condition(() => this.abortReason !== undefined, policy.checkEveryMs);
    }
  }

  /**
   * Rows that failed with a transient error (`UNABLE_TO_LOCK_ROW`) go again in follow-up jobs, after a delay,
   * until they succeed, fail otherwise, or the attempts run out. Each pass splits the previous attempt's
   * failed files into rows to retry (new units) and rows failed for good.
   */
  private async retryTransientFailures(api: BulkApi): Promise<void> {
    const policy = resolveRetryPolicy(this.input.transientRetry);
    const { streams } = activityProxies(this.input.activityTimeouts);
    for (let attempt = 2; attempt <= policy.maxAttempts && !this.abortReason; attempt++) {
      const previous = this.outcomes.filter((o) => (o.attempt ?? 1) === attempt - 1 && o.results.failed?.rows);
      if (previous.length === 0 || !patched(Patch.TransientRetry)) return;
      const splits = await this.control.step(() =>
        Promise.all(
          previous.map((outcome) =>
            streams.splitTransientFailures({
              failedUrl: (outcome.results.failed as ResultFileRef).url,
              stagingPrefix: this.stagingPrefix,
              unitIndex: this.nextUnitIndex++,
              codes: policy.codes,
            }),
          ),
        ),
      );
      previous.forEach((outcome, i) => (outcome.results = { ...outcome.results, failed: splits[i]!.failed }));
      const units = splits.flatMap((split) => (split.retry ? [split.retry] : []));
      if (units.length === 0) return;
      const rows = units.reduce((n, u) => n + u.rows, 0);
      this.retries = { rows: (this.retries?.rows ?? 0) + rows, attempts: attempt };
      await condition(() => this.abortReason !== undefined, policy.delayMs);
      await this.runJobs(units, api, attempt);
    }
  }

  /** Runs a child per unit, at most `maxConcurrentJobs` at once; after an abort, starts no more. */
  private async runUnits(units: StagedUnit[], attempt: number): Promise<void> {
    const limit = Math.max(1, this.input.maxConcurrentJobs ?? DEFAULT_MAX_CONCURRENT_JOBS);
    const running = new Set<Promise<void>>();
    for (const unit of units) {
      while (running.size >= limit) await Promise.race(running);
      if (this.abortReason) {
        this.outcomes.push(unprocessed(unit, attempt));
        continue;
      }
      const done: Promise<void> = this.runUnit(unit, attempt).finally(() => running.delete(done));
      running.add(done);
    }
    await Promise.all(running);
  }

  /** Bulk v1: one job for all units, one batch per unit, in one child. */
  private async runV1Job(units: StagedUnit[], attempt: number): Promise<void> {
    if (units.length === 0) return;
    this.enter(BulkflowState.Uploading);
    // The first job keeps the id (and progress key 0) it always had; follow-up jobs are keyed by their first unit.
    const key = attempt === 1 ? 0 : (units[0] as StagedUnit).index;
    const serial = attempt > 1 && resolveRetryPolicy(this.input.transientRetry).serialOnV1;
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
    this.children.set(key, child);
    if (this.abortReason) await child.signal(abortSignal, { reason: this.abortReason });
    const outcomes = await child.result();
    this.children.delete(key);
    const job = outcomes.find((o) => o.job)?.job;
    if (job) this.jobs.set(key, job);
    this.outcomes.push(...outcomes.map((o) => ({ ...o, attempt })));
  }

  /** What every child needs, whichever API it drives. */
  private childInput() {
    return {
      object: this.input.object,
      operation: this.input.operation,
      ...(this.input.externalIdFieldName ? { externalIdFieldName: this.input.externalIdFieldName } : {}),
      stagingPrefix: this.stagingPrefix,
      parentWorkflowId: workflowInfo().workflowId,
      ...(this.input.pollPolicy ? { pollPolicy: this.input.pollPolicy } : {}),
      ...(this.input.activityTimeouts ? { activityTimeouts: this.input.activityTimeouts } : {}),
      ...(this.input.historyEventLimit ? { historyEventLimit: this.input.historyEventLimit } : {}),
    };
  }

  private async runUnit(unit: StagedUnit, attempt: number): Promise<void> {
    this.enter(BulkflowState.Uploading);
    const child = await startChild(bulkIngestJobWorkflow, {
      workflowId: `${workflowInfo().workflowId}/job-${unit.index + 1}`,
      // Cancelling this workflow cancels the children, which abort their Salesforce jobs.
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      args: [{ ...this.childInput(), unit }],
    });
    this.children.set(unit.index, child);
    if (this.abortReason) await child.signal(abortSignal, { reason: this.abortReason });
    const outcome = await child.result();
    this.children.delete(unit.index);
    if (outcome.job) this.jobs.set(unit.index, outcome.job);
    this.outcomes.push({ ...outcome, attempt });
  }

  private enter(state: BulkflowState): void {
    if (this.state === state) return;
    this.state = state;
    upsertSearchAttributes([{ key: SearchAttributes.state, value: state }]);
  }

  private finish(): BulkIngestResult {
    const ordered = [...this.outcomes].sort((a, b) => a.unitIndex - b.unitIndex);
    const pick = (kind: 'successful' | 'failed' | 'unprocessed') =>
      ordered.flatMap<ResultFileRef>((o) => {
        const ref = o.results[kind];
        if (!ref) return [];
        return (o.attempt ?? 1) > 1 ? [{ ...ref, attempt: o.attempt }] : [ref];
      });
    const results = { successful: pick('successful'), failed: pick('failed'), unprocessed: pick('unprocessed') };
    const sum = (refs: ResultFileRef[]) => refs.reduce((n, r) => n + r.rows, 0);
    const jobs = this.progress().jobs;
    const failedJob = jobs.find((j) => j.state === 'Failed');
    const final: BulkIngestResult['state'] = this.abortReason
      ? BulkflowState.Aborted
      : failedJob
        ? BulkflowState.Failed
        : BulkflowState.Completed;
    this.enter(final);
    for (const outcome of ordered) this.clock.merge(outcome.phases);
    const loadedBefore = this.loadedBefore;
    return {
      state: final,
      object: this.input.object,
      operation: this.input.operation,
      jobs,
      records: {
        total: this.totalRows,
        successful: sum(results.successful),
        failed: sum(results.failed),
        unprocessed: sum(results.unprocessed),
        ...(loadedBefore ? { loadedBefore: loadedBefore.rows } : {}),
      },
      results: { ...results, ...(loadedBefore ? { loadedBefore: loadedBefore.files } : {}) },
      timings: this.clock.timings(this.startedAtMs),
      ...(this.retries ? { retries: this.retries } : {}),
      ...(this.abortReason ? { abortReason: this.abortReason } : {}),
      ...(this.abortReason && this.abortedDuring ? { abortedDuring: this.abortedDuring } : {}),
      ...(failedJob?.errorMessage ? { failureMessage: failedJob.errorMessage } : {}),
    };
  }
}

/** The outcome of a unit never sent: all its rows unprocessed, the staged unit itself their file. */
function unprocessed(unit: StagedUnit, attempt: number): IngestJobOutcome {
  return { unitIndex: unit.index, attempt, results: { unprocessed: { url: unit.url, rows: unit.rows } } };
}
