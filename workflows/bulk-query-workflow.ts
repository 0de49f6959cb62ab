/**
 * `bulkQueryWorkflow`: query and queryAll on Bulk 2.0 or v1 (with PK chunking). Create (adopted on
 * retry) → poll on durable timers (continuing as new when long) → download the results part by part
 * (resumed after a crash from the last finished part) → join them into one CSV.
 */
import { continueAsNew, log, patched, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { ClaimRunResult, QueryJobStatus } from '../activities/index.js';
import { stagingPrefixOf } from '../common/staging-keys.js';
import type { BulkApi } from '../common/wire-values.js';
import type { PollPolicy } from '../common/poll-policy.js';
import { TERMINAL_BULK2_STATES } from '../common/wire-values.js';
import { activityProxies, type ActivityProxies } from './activity-proxies.js';
import {
  abortSignal,
  BulkflowState,
  progressQuery,
  SearchAttributes,
  type BulkJobProgress,
  type BulkProgress,
  type BulkQueryInput,
  type BulkQueryResult,
} from './contract.js';
import { PhaseClock } from './phase-timings.js';
import { Patch } from './patches.js';
import { abortStep, pollUntilDone, resolvePollPolicy } from './poll-loop.js';
import { RunControl, StepAborted } from './run-control.js';

const TERMINAL: ReadonlySet<string> = new Set(TERMINAL_BULK2_STATES);

/**
 * Runs `input.soql` as a Bulk query (2.0, or v1 with PK chunking) and writes the records as one CSV to
 * `input.destination` or the staging store. A killed worker's download resumes from its last part.
 *
 * Signal {@link abortSignal} to abort the Salesforce job; query {@link progressQuery} for live counts.
 */
export async function bulkQueryWorkflow(input: BulkQueryInput): Promise<BulkQueryResult> {
  const run = new QueryRun(input);
  setHandler(abortSignal, ({ reason }) => run.control.request(reason));
  setHandler(progressQuery, () => run.progress());
  return run.control.run(
    () => run.execute(),
    () => run.abort(),
  );
}

class QueryRun {
  readonly control = new RunControl();
  /** Whether this run claims its workflow id in the run ledger (runs recorded before, and continued runs, do not). */
  private readonly usesLedger: boolean;
  private attempt: number | undefined;
  private state: BulkflowState = BulkflowState.Preparing;
  private job: BulkJobProgress | undefined;
  private readonly api: BulkApi;
  private readonly act: ActivityProxies;
  private readonly poll: Required<PollPolicy>;
  private readonly stagingPrefix: string;
  private readonly clock: PhaseClock;
  private readonly startedAtMs = Date.now();

  constructor(private readonly input: BulkQueryInput) {
    this.api = input.api ?? '2.0';
    this.act = activityProxies(input.activityTimeouts);
    this.poll = resolvePollPolicy(input.pollPolicy);
    this.job = input.resume?.job;
    this.clock = new PhaseClock(input.resume?.phases);
    const info = workflowInfo();
    this.stagingPrefix = stagingPrefixOf(info.workflowId, info.firstExecutionRunId);
    this.usesLedger = patched(Patch.BusinessIdLedger) && !input.resume;
    this.attempt = input.resume?.attempt;
  }

  private get abortReason(): string | undefined {
    return this.control.reason;
  }

  progress(): BulkProgress {
    const job = this.job;
    return {
      state: this.state,
      jobs: job ? [{ ...job }] : [],
      records: { total: job?.recordsProcessed ?? 0, processed: job?.recordsProcessed ?? 0, failed: 0 },
      ...(this.abortReason ? { abortReason: this.abortReason } : {}),
    };
  }

  async execute(): Promise<BulkQueryResult> {
    if (!this.input.resume) {
      upsertSearchAttributes([
        { key: SearchAttributes.operation, value: this.input.operation ?? 'query' },
        { key: SearchAttributes.state, value: this.state },
      ]);
    }
    let result: BulkQueryResult;
    try {
      const claim = this.usesLedger ? await this.claimWorkflowId() : undefined;
      if (claim?.completed) return this.completedBefore(claim.completed);
      result = await this.runQuery();
    } catch (err) {
      if (!(err instanceof StepAborted)) {
        await this.recordOutcome({ state: 'Failed', result: { message: String(err) } });
        throw err;
      }
      result = this.finish();
    }
    await this.recordOutcome({ state: result.state, result });
    return result;
  }

  private async runQuery(): Promise<BulkQueryResult> {
    if (!this.job) {
      if (this.abortReason) return this.finish();
      const create = this.control.cancelsSteps ? this.act.creates : this.act.streams;
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
      upsertSearchAttributes([{ key: SearchAttributes.jobIds, value: [this.job!.id] }]);
    }
    const job = this.job!;
    this.enter(BulkflowState.Processing);
    const status = await this.clock.time('processing', () => this.waitForJob(job));
    if (this.abortReason || status.state === 'Failed' || status.state === 'Aborted') return this.finish();
    this.enter(BulkflowState.Downloading);
    this.clock.begin('download');
    // An abort cancels the download: the records are what was asked for, and nobody wants them now.
    const records = await this.control.step(async () => {
      const parts = await this.act.streams.downloadQueryParts({
        jobId: job.id,
        api: this.api,
        stagingPrefix: this.stagingPrefix,
        ...(this.input.pageSize ? { maxRecords: this.input.pageSize } : {}),
      });
      return this.act.streams.joinQueryParts({
        parts,
        stagingPrefix: this.stagingPrefix,
        ...(this.input.destination ? { destinationUrl: this.input.destination.url } : {}),
      });
    });
    this.clock.end('download');
    return this.finish(records);
  }

  /** Claims the workflow id: an earlier run that completed this query hands back its result. */
  private async claimWorkflowId(): Promise<ClaimRunResult> {
    const claim = await this.control.step(() =>
      this.act.calls.claimRun({
        kind: 'query',
        runId: workflowInfo().firstExecutionRunId,
        stagingPrefix: this.stagingPrefix,
        ...(this.input.ignoreEarlierRuns ? { ignoreEarlierRuns: true } : {}),
      }),
    );
    this.attempt = claim.attempt;
    return claim;
  }

  private completedBefore(completed: NonNullable<ClaimRunResult['completed']>): BulkQueryResult {
    const earlier = completed.result as BulkQueryResult;
    this.enter(BulkflowState.Completed);
    return { ...earlier, completedBefore: { runId: completed.runId, completedAt: completed.endedAt } };
  }

  /** Tells the run ledger how this run ended; a failure to do so is logged, never the workflow's failure. */
  private async recordOutcome(outcome: { state: 'Completed' | 'Failed' | 'Aborted'; result: unknown }): Promise<void> {
    const attempt = this.attempt;
    if (attempt === undefined) return;
    try {
      await this.act.ledger.recordRunOutcome({ attempt, outcome });
    } catch (err) {
      log.warn('could not record how this run ended in the run ledger', { attempt, error: String(err) });
    }
  }

  /** Polls on durable timers (see poll-loop.ts). The total is unknown until the job ends. */
  private waitForJob(job: BulkJobProgress): Promise<QueryJobStatus> {
    return pollUntilDone({
      check: async () => {
        const status = await this.act.calls.getQueryJobStatus({ jobId: job.id, api: this.api });
        this.update(status);
        return status;
      },
      abortRequested: () => this.abortReason !== undefined,
      abort: () => this.abort(),
      policy: this.poll,
      ...(this.input.resume ? { resume: this.input.resume } : {}),
      ...(this.input.historyEventLimit ? { historyEventLimit: this.input.historyEventLimit } : {}),
      continueAsNew: (resume) =>
        continueAsNew<typeof bulkQueryWorkflow>({
          ...this.input,
          resume: {
            job: { ...job },
            phases: this.clock.spans,
            ...(this.attempt !== undefined ? { attempt: this.attempt } : {}),
            ...resume,
          },
        }),
    });
  }

  async abort(): Promise<void> {
    const job = this.job;
    if (!job || TERMINAL.has(job.state)) return;
    await abortStep(job.id, async () =>
      this.update(await this.act.calls.abortQueryJob({ jobId: job.id, api: this.api })),
    );
  }

  private update(status: QueryJobStatus): void {
    this.job = {
      id: status.jobId,
      api: status.api,
      state: status.state,
      recordsProcessed: status.recordsProcessed,
      recordsFailed: 0,
      ...(status.errorMessage ? { errorMessage: status.errorMessage } : {}),
    };
  }

  private enter(state: BulkflowState): void {
    if (this.state === state) return;
    this.state = state;
    upsertSearchAttributes([{ key: SearchAttributes.state, value: state }]);
  }

  private finish(records?: { url: string; rows: number }): BulkQueryResult {
    const failed = this.job?.state === 'Failed';
    const final: BulkQueryResult['state'] = this.abortReason
      ? BulkflowState.Aborted
      : failed
        ? BulkflowState.Failed
        : BulkflowState.Completed;
    this.enter(final);
    return {
      state: final,
      jobs: this.job ? [{ ...this.job }] : [],
      records: { total: records?.rows ?? 0 },
      results: records ? { records } : {},
      timings: this.clock.timings(this.startedAtMs),
      ...(this.abortReason ? { abortReason: this.abortReason } : {}),
      ...(failed && this.job?.errorMessage ? { failureMessage: this.job.errorMessage } : {}),
    };
  }
}
