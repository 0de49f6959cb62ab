/**
 * `bulkQueryWorkflow`: query and queryAll on Bulk 2.0 or v1 (with PK chunking). Claim the workflow id → check the
 * org's daily allowances → create (adopted on retry) → poll on durable timers (continuing as new when long) →
 * download the results part by part (resumed after a crash from the last finished part) → write them as one CSV,
 * or as asked (JSON lines, split into files of N records).
 */
import { condition, continueAsNew, patched, upsertSearchAttributes } from '@temporalio/workflow';
import type { QueryJobStatus, QueryOutput } from '../activities/index.js';
import { isBulk2Terminal, type BulkApi } from '../common/wire-values.js';
import { BusinessId, resultOfEarlierRun } from './business-id.js';
import {
  BulkflowState,
  SearchAttributes,
  type BulkJobProgress,
  type BulkProgress,
  type BulkQueryInput,
  type BulkQueryResult,
} from './contract.js';
import { checkQueryOutput, estimateQueryNeeds, insufficientLimits, resolveLimitsPolicy } from './follow-ups.js';
import { callOn, JobRun, runBulkWorkflow, runStagingPrefix, seenOf, runOptionsOf } from './job-run.js';
import { Patch } from './patches.js';
import type { PhaseSpans } from './phase-timings.js';
import { abortStep, pollUntilDone, type PollResume } from './poll-loop.js';
import { StepAborted } from './run-control.js';
import { failOnBadInput } from './input-checks.js';
import { checkQueryOptions } from '../common/job-options.js';

/**
 * What a query run carries across continue-as-new, beside its input: not part of the public input. Recorded
 * histories hold it under `resume`, so the name stays.
 */
interface QueryResume extends PollResume {
  job: BulkJobProgress;
  phases?: PhaseSpans;
  /** The run ledger attempt claimed by the first run. */
  attempt?: number;
}

/** The input a run of `bulkQueryWorkflow` gets: the public input, and after continue-as-new its resume state. */
type QueryRunInput = BulkQueryInput & { resume?: QueryResume };

/**
 * Runs `input.soql` as a Bulk query (2.0, or v1 with PK chunking) and writes the records as CSV or JSON lines,
 * in one file or split into files of `splitRows`, to `input.destination` or the staging store. The org's daily
 * allowances are checked before the job is created. A killed worker's download resumes from its last part.
 *
 * Signal `abort` to abort the Salesforce job; query `progress` for live counts.
 */
export async function bulkQueryWorkflow(input: BulkQueryInput): Promise<BulkQueryResult> {
  failOnBadInput(() => checkQueryOptions(input));
  // Bad output options fail the start, not the download after the job has run.
  checkQueryOutput(input.format, input.splitRows);
  resolveLimitsPolicy(input.limits);
  return runBulkWorkflow(new QueryRun(input as QueryRunInput));
}

class QueryRun extends JobRun<BulkQueryResult> {
  private readonly businessId: BusinessId;
  private job: BulkJobProgress | undefined;
  private readonly api: BulkApi;
  private readonly stagingPrefix = runStagingPrefix();
  private readonly startedAtMs = Date.now();

  constructor(private readonly input: QueryRunInput) {
    super(runOptionsOf(input, true));
    this.api = input.api ?? '2.0';
    this.job = input.resume?.job;
    this.businessId = new BusinessId(
      this.act,
      this.control,
      { kind: 'query', stagingPrefix: this.stagingPrefix, ignoreEarlierRuns: Boolean(input.ignoreEarlierRuns) },
      input.resume?.attempt,
    );
  }

  progress(): BulkProgress {
    const job = this.job;
    return {
      state: this.state.current,
      jobs: job ? [{ ...job }] : [],
      records: { total: job?.recordsProcessed ?? 0, processed: job?.recordsProcessed ?? 0, failed: 0 },
      ...(this.abortReason ? { abortReason: this.abortReason } : {}),
    };
  }

  async execute(): Promise<BulkQueryResult> {
    if (!this.input.resume) {
      upsertSearchAttributes([
        { key: SearchAttributes.operation, value: this.input.operation ?? 'query' },
        { key: SearchAttributes.state, value: this.state.current },
      ]);
    }
    let result: BulkQueryResult;
    try {
      // Only the first run claims: a continued run is the same run.
      const claim = this.control.current && !this.input.resume ? await this.businessId.claim() : undefined;
      if (claim?.completed) {
        this.state.enter(BulkflowState.Completed);
        return resultOfEarlierRun<BulkQueryResult>(claim.completed);
      }
      result = await this.runQuery();
    } catch (err) {
      if (!(err instanceof StepAborted)) {
        await this.businessId.recordOutcome({ state: 'Failed', result: { message: String(err) } });
        throw err;
      }
      result = this.finish();
    }
    await this.businessId.recordOutcome({ state: result.state, result });
    return result;
  }

  private async runQuery(): Promise<BulkQueryResult> {
    if (!this.job) {
      if (this.abortReason) return this.finish();
      await this.ensureOrgLimits();
      if (this.abortReason) return this.finish();
      const create = this.control.current ? this.act.creates : this.act.streams;
      this.update(
        await this.control.step(() =>
          create.createQueryJob({
            soql: this.input.soql,
            operation: this.input.operation ?? 'query',
            api: this.api,
            ...(this.input.pkChunking ? { pkChunking: this.input.pkChunking } : {}),
          }),
        ),
      );
      upsertSearchAttributes([
        { key: SearchAttributes.jobIds, value: [(this.job as BulkJobProgress | undefined)?.id ?? ''] },
      ]);
    }
    const job = this.job as BulkJobProgress;
    this.state.enter(BulkflowState.Processing);
    const status = await this.clock.time('processing', () => this.waitForJob(job));
    if (this.abortReason || status.state === 'Failed' || status.state === 'Aborted') return this.finish();
    this.state.enter(BulkflowState.Downloading);
    this.clock.begin('download');
    // An abort cancels the download: the records are what was asked for, and nobody wants them now.
    const records = await this.control.step(async () => {
      const parts = await this.act.streams.downloadQueryParts({
        ...callOn(job),
        ...seenOf(this.job ?? job),
        api: this.api,
        stagingPrefix: this.stagingPrefix,
        ...(this.input.pageSize ? { maxRecords: this.input.pageSize } : {}),
      });
      return this.act.streams.joinQueryParts({
        parts,
        stagingPrefix: this.stagingPrefix,
        ...(this.input.destination ? { destinationUrl: this.input.destination.url } : {}),
        ...(this.input.format ? { format: this.input.format } : {}),
        ...(this.input.splitRows ? { splitRows: this.input.splitRows } : {}),
      });
    });
    this.clock.end('download');
    return this.finish(records);
  }

  /**
   * Before the job is created: has the org the query jobs, query storage and API calls left? Without room, fail
   * at once naming the limit, or wait on durable timers for the daily window to roll, as the input chose.
   */
  private async ensureOrgLimits(): Promise<void> {
    const policy = resolveLimitsPolicy(this.input.limits);
    if (!policy.check || !patched(Patch.QueryLimits)) return;
    const deadline = Date.now() + policy.maxWaitMs;
    for (;;) {
      const { shortfalls } = await this.control.step(() =>
        this.act.calls.checkOrgLimits({ ...estimateQueryNeeds(this.api), reserveFraction: policy.reserveFraction }),
      );
      if (shortfalls.length === 0 || this.abortReason) return;
      if (policy.onShortfall === 'fail' || Date.now() + policy.checkEveryMs > deadline) {
        throw insufficientLimits(shortfalls, policy.reserveFraction, 'query');
      }
      await condition(() => this.abortReason !== undefined, policy.checkEveryMs);
    }
  }

  /** Polls on durable timers (see poll-loop.ts). The total is unknown until the job ends. */
  private waitForJob(job: BulkJobProgress): Promise<QueryJobStatus> {
    return pollUntilDone({
      check: async () => {
        const status = await this.act.calls.getQueryJobStatus({
          ...callOn(job),
          ...seenOf(this.job ?? job),
          api: this.api,
        });
        this.update(status);
        return status;
      },
      abortRequested: () => this.abortReason !== undefined,
      abort: () => this.abortJob(),
      policy: this.poll,
      ...(this.input.resume ? { resume: this.input.resume } : {}),
      ...(this.input.historyEventLimit ? { historyEventLimit: this.input.historyEventLimit } : {}),
      continueAsNew: (resume) => {
        const attempt = this.businessId.attempt;
        const carried: QueryResume = {
          job: { ...job },
          phases: this.clock.spans,
          ...(attempt !== undefined ? { attempt } : {}),
          ...resume,
        };
        return continueAsNew<typeof bulkQueryWorkflow>({ ...this.input, resume: carried } as QueryRunInput);
      },
    });
  }

  /** Aborts the query job unless it has ended. */
  async abortJob(): Promise<void> {
    const job = this.job;
    if (!job || isBulk2Terminal(job.state)) return;
    await abortStep(job.id, async () =>
      this.update(await this.act.calls.abortQueryJob({ ...callOn(job), api: this.api })),
    );
  }

  private update(status: QueryJobStatus): void {
    // The version comes with the create step's status and stays with the job.
    const apiVersion = status.apiVersion ?? this.job?.apiVersion;
    this.job = {
      id: status.jobId,
      api: status.api,
      ...(apiVersion ? { apiVersion } : {}),
      state: status.state,
      recordsProcessed: status.recordsProcessed,
      recordsFailed: 0,
      ...(status.endedAt ? { endedAt: status.endedAt } : {}),
      ...(status.errorMessage ? { errorMessage: status.errorMessage } : {}),
    };
  }

  private finish(records?: QueryOutput): BulkQueryResult {
    const failed = this.job?.state === 'Failed';
    const final: BulkQueryResult['state'] = this.abortReason
      ? BulkflowState.Aborted
      : failed
        ? BulkflowState.Failed
        : BulkflowState.Completed;
    this.state.enter(final);
    return {
      state: final,
      jobs: this.job ? [{ ...this.job }] : [],
      records: { total: records?.rows ?? 0 },
      results: records?.files
        ? { files: records.files }
        : records
          ? { records: { url: records.url, rows: records.rows } }
          : {},
      timings: this.clock.timings(this.startedAtMs),
      ...(this.abortReason ? { abortReason: this.abortReason } : {}),
      ...(failed && this.job?.errorMessage ? { failureMessage: this.job.errorMessage } : {}),
    };
  }
}
