/**
 * `bulkIngestWorkflow`: a load, phase by phase. It claims its business id (an earlier completed load is returned,
 * not repeated), stages the input into upload units (leaving out rows earlier runs loaded), checks the org's daily
 * allowances, runs the units' jobs as child workflows (`ingest-jobs.ts`), sends rows that hit a lock again in
 * follow-up jobs, and assembles the result (`ingest-result.ts`). Records never pass through history: activities
 * stage them and hand back references and counts.
 */
import { condition, patched, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { ClaimRunResult, StagedInput, StagedUnit } from '../activities/index.js';
import type { ResultFileRef } from '../common/result-files.js';
import type { BulkApi } from '../common/wire-values.js';
import { BusinessId, resultOfEarlierRun } from './business-id.js';
import {
  BulkflowState,
  SearchAttributes,
  type BulkIngestInput,
  type BulkIngestResult,
  type BulkProgress,
} from './contract.js';
import { estimateNeeds, insufficientLimits, resolveLimitsPolicy, resolveRetryPolicy } from './follow-ups.js';
import { jobProgressSignal } from './ingest-job-contract.js';
import { IngestJobs, unprocessed } from './ingest-jobs.js';
import { ingestResult } from './ingest-result.js';
import { JobRun, runBulkWorkflow, runStagingPrefix, runOptionsOf } from './job-run.js';
import { Patch } from './patches.js';
import { failOnBadInput } from './input-checks.js';
import { checkIngestOptions } from '../common/job-options.js';
import { dryRunResult } from './dry-run.js';
import { StepAborted } from './run-control.js';

export { DEFAULT_MAX_CONCURRENT_JOBS } from './ingest-jobs.js';

/**
 * Loads `input.source` into `input.object` with one Bulk operation, once, whatever happens to the workers.
 * Every input row ends in exactly one of the result's successful, failed or unprocessed files (or, on a rerun,
 * among the rows earlier runs of the same workflow id loaded).
 *
 * Signal `abort` to abort the Salesforce job(s); query `progress` for live counts.
 *
 * @example
 * await client.workflow.start(bulkIngestWorkflow, { taskQueue: 'bulkflow', workflowId: 'contacts-2026-11-23',
 *   args: [{ object: 'Contact', operation: 'insert', source: { url: 'file:///data/contacts.csv' } }] });
 */
export async function bulkIngestWorkflow(input: BulkIngestInput): Promise<BulkIngestResult> {
  // Bad options and policies fail the start, not a child hours later.
  failOnBadInput(() => checkIngestOptions(input));
  resolveRetryPolicy(input.transientRetry);
  resolveLimitsPolicy(input.limits);
  const run = new IngestRun(input);
  setHandler(jobProgressSignal, ({ unitIndex, job }) => run.jobs.onJobProgress(unitIndex, job));
  return runBulkWorkflow(run);
}

class IngestRun extends JobRun<BulkIngestResult> {
  private readonly stagingPrefix = runStagingPrefix();
  readonly jobs: IngestJobs;
  private readonly businessId: BusinessId;
  private readonly api: BulkApi;
  private totalRows = 0;
  private abortedDuring: BulkflowState | undefined;
  private loadedBefore: StagedInput['loadedBefore'];
  /** Index of the next unit made here (retry units), after the staged ones. */
  private nextUnitIndex = 0;
  private retries: { rows: number; attempts: number } | undefined;
  private readonly startedAtMs = Date.now();

  constructor(private readonly input: BulkIngestInput) {
    super(runOptionsOf(input, true));
    this.api = input.api ?? '2.0';
    this.jobs = new IngestJobs(input, this.control, this.state, this.stagingPrefix);
    this.businessId = new BusinessId(this.act, this.control, {
      kind: 'ingest',
      stagingPrefix: this.stagingPrefix,
      ignoreEarlierRuns: Boolean(input.ignoreEarlierRuns),
    });
  }

  /** The first abort (or cancellation): remember where it came, and pass it on to the running jobs. */
  protected override onAbort(reason: string): void {
    this.abortedDuring = this.state.current;
    this.jobs.abort(reason);
  }

  /** The children abort their own jobs. */
  abortJob(): Promise<void> {
    return Promise.resolve();
  }

  progress(): BulkProgress {
    const jobs = [...this.jobs.jobs.entries()].sort(([a], [b]) => a - b).map(([, j]) => ({ ...j }));
    return {
      state: this.state.current,
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
      { key: SearchAttributes.state, value: this.state.current },
    ]);
    if (this.input.dryRun) return this.dryRun();
    let unsent: StagedUnit[] = [];
    try {
      const claim = this.control.current ? await this.businessId.claim() : undefined;
      if (claim?.completed) {
        this.state.enter(BulkflowState.Completed);
        return resultOfEarlierRun<BulkIngestResult>(claim.completed);
      }
      const staged = await this.stage(claim);
      this.totalRows = staged.totalRows;
      this.loadedBefore = staged.loadedBefore;
      this.nextUnitIndex = staged.units.length;
      unsent = staged.units;
      await this.ensureOrgLimits(staged.units);
      unsent = [];
      await this.jobs.run(staged.units, this.api, 1);
      await this.retryTransientFailures();
    } catch (err) {
      if (!(err instanceof StepAborted)) {
        await this.businessId.recordOutcome({ state: 'Failed', result: { message: String(err) } });
        throw err;
      }
      // Aborted after staging, before any job: the staged units hold every row, none sent.
      for (const unit of unsent) this.jobs.outcomes.push(unprocessed(unit, 1));
    }
    const result = this.finish();
    await this.businessId.recordOutcome({ state: result.state, result });
    return result;
  }

  /**
   * Stages the input once, checking it before any job exists. A rerun first learns which rows earlier runs of
   * the business id loaded (their jobs' successful results), and those rows are not staged again.
   */
  private async stage(claim: ClaimRunResult | undefined): Promise<StagedInput> {
    const { streams } = this.act;
    const earlier = claim?.earlier ?? [];
    const found = earlier.length
      ? await this.control.step(() => streams.collectEarlierSuccesses({ earlier, stagingPrefix: this.stagingPrefix }))
      : undefined;
    return this.clock.time('staging', () =>
      this.control.step(() =>
        streams.stageIngestInput({
          source: this.input.source,
          stagingPrefix: this.stagingPrefix,
          api: this.api,
          // The pre-flight checks the header against this object's describe before any job exists.
          target: {
            object: this.input.object,
            operation: this.input.operation,
            ...(this.input.externalIdFieldName ? { externalIdFieldName: this.input.externalIdFieldName } : {}),
          },
          ...(found?.files.length ? { loadedBefore: found.files } : {}),
          ...this.readingOptions(),
        }),
      ),
    );
  }

  /** How the input reads and is cut: only what the input sets, so recorded runs' requests stay as they were. */
  private readingOptions() {
    const { columnDelimiter, lineEnding, batchSize } = this.input;
    return {
      ...(columnDelimiter ? { columnDelimiter } : {}),
      ...(lineEnding ? { lineEnding } : {}),
      ...(batchSize ? { batchSize } : {}),
    };
  }

  /**
   * Everything but the jobs: the input read and checked as staging checks it (no unit written, no business id
   * claimed), the org's allowances checked, and a report of the work and of every problem found on the way.
   */
  private async dryRun(): Promise<BulkIngestResult> {
    const checked = await this.clock.time('staging', () =>
      this.control.step(() =>
        this.act.streams.stageIngestInput({
          source: this.input.source,
          stagingPrefix: this.stagingPrefix,
          api: this.api,
          target: {
            object: this.input.object,
            operation: this.input.operation,
            ...(this.input.externalIdFieldName ? { externalIdFieldName: this.input.externalIdFieldName } : {}),
          },
          dryRun: true,
          ...this.readingOptions(),
        }),
      ),
    );
    this.totalRows = checked.totalRows;
    const needs = estimateNeeds(checked.units, this.api);
    const policy = resolveLimitsPolicy(this.input.limits);
    const shortfalls =
      policy.check && checked.units.length > 0 && !checked.problems?.length
        ? (
            await this.control.step(() =>
              this.act.calls.checkOrgLimits({ ...needs, reserveFraction: policy.reserveFraction }),
            )
          ).shortfalls
        : [];
    const limitsProblem = shortfalls.length ? insufficientLimits(shortfalls, policy.reserveFraction) : undefined;
    const result = dryRunResult({
      input: this.input,
      api: this.api,
      checked,
      needs,
      ...(limitsProblem ? { limitsProblem } : {}),
      timings: this.clock.timings(this.startedAtMs),
    });
    this.state.enter(result.state);
    return result;
  }

  /**
   * Before any job: does the org have the batches and API calls this load needs? Without room, fail at once
   * naming the limit, or wait on durable timers for the daily window to roll, as the input chose.
   */
  private async ensureOrgLimits(units: StagedUnit[]): Promise<void> {
    const policy = resolveLimitsPolicy(this.input.limits);
    if (!policy.check || units.length === 0 || !patched(Patch.OrgLimits)) return;
    const deadline = Date.now() + policy.maxWaitMs;
    for (;;) {
      const { shortfalls } = await this.control.step(() =>
        this.act.calls.checkOrgLimits({ ...estimateNeeds(units, this.api), reserveFraction: policy.reserveFraction }),
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
  private async retryTransientFailures(): Promise<void> {
    const policy = resolveRetryPolicy(this.input.transientRetry);
    const { outcomes } = this.jobs;
    for (let attempt = 2; attempt <= policy.maxAttempts && !this.abortReason; attempt++) {
      const previous = outcomes.filter((o) => (o.attempt ?? 1) === attempt - 1 && o.results.failed?.rows);
      if (previous.length === 0 || !patched(Patch.TransientRetry)) return;
      const splits = await this.control.step(() =>
        Promise.all(
          previous.map((outcome) =>
            this.act.streams.splitTransientFailures({
              failedUrl: (outcome.results.failed as ResultFileRef).url,
              stagingPrefix: this.stagingPrefix,
              unitIndex: this.nextUnitIndex++,
              codes: policy.codes,
            }),
          ),
        ),
      );
      const units = splits.flatMap((split) => (split.retry ? [split.retry] : []));
      if (units.length === 0) {
        previous.forEach((outcome, i) => (outcome.results = { ...outcome.results, failed: splits[i]!.failed }));
        return;
      }
      const rows = units.reduce((n, u) => n + u.rows, 0);
      const before = this.retries;
      this.retries = { rows: (before?.rows ?? 0) + rows, attempts: attempt };
      await condition(() => this.abortReason !== undefined, policy.delayMs);
      if (this.abortReason) {
        // Aborted before the follow-up: its rows stay failed, with the error Salesforce gave them, in the files of
        // the attempt that failed them; nothing was retried. (Sending no job makes no command: replay-safe.)
        this.retries = before;
        return;
      }
      previous.forEach((outcome, i) => (outcome.results = { ...outcome.results, failed: splits[i]!.failed }));
      await this.jobs.run(units, this.api, attempt);
    }
  }

  private finish(): BulkIngestResult {
    const result = ingestResult({
      input: this.input,
      outcomes: this.jobs.outcomes,
      jobs: this.progress().jobs,
      totalRows: this.totalRows,
      ...(this.loadedBefore ? { loadedBefore: this.loadedBefore } : {}),
      ...(this.retries ? { retries: this.retries } : {}),
      ...(this.abortReason ? { abortReason: this.abortReason } : {}),
      ...(this.abortedDuring ? { abortedDuring: this.abortedDuring } : {}),
      clock: this.clock,
      startedAtMs: this.startedAtMs,
    });
    this.state.enter(result.state);
    return result;
  }
}
