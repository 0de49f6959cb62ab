/**
 * `bulkQueryWorkflow`: query and queryAll on Bulk 2.0 or v1 (with PK chunking). Create (adopted on
 * retry) → poll on durable timers (continuing as new when long) → download the results part by part
 * (resumed after a crash from the last finished part) → join them into one CSV.
 */
import {
  CancellationScope,
  continueAsNew,
  isCancellation,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { QueryJobStatus } from '../activities/index.js';
import type { PollPolicy } from '../common/poll-policy.js';
import { TERMINAL_BULK2_STATES } from '../common/wire-values.js';
import { activityProxies } from './activity-proxies.js';
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
import { abortStep, pollUntilDone, resolvePollPolicy } from './poll-loop.js';

const TERMINAL: ReadonlySet<string> = new Set(TERMINAL_BULK2_STATES);

/**
 * Runs `input.soql` as a Bulk query (2.0, or v1 with PK chunking) and writes the records as one CSV to
 * `input.destination` or the staging store. A killed worker's download resumes from its last part.
 *
 * Signal {@link abortSignal} to abort the Salesforce job; query {@link progressQuery} for live counts.
 */
export async function bulkQueryWorkflow(input: BulkQueryInput): Promise<BulkQueryResult> {
  const run = new QueryRun(input);
  setHandler(abortSignal, ({ reason }) => run.requestAbort(reason));
  setHandler(progressQuery, () => run.progress());
  try {
    return await run.execute();
  } catch (err) {
    if (isCancellation(err)) await CancellationScope.nonCancellable(() => run.abort());
    throw err;
  }
}

class QueryRun {
  private state: BulkflowState = BulkflowState.Preparing;
  private job: BulkJobProgress | undefined;
  private abortReason: string | undefined;
  private readonly api: '2.0' | '1.0';
  private readonly act: ReturnType<typeof activityProxies>;
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
    this.stagingPrefix = `${encodeURIComponent(info.workflowId)}/${info.firstExecutionRunId}`;
  }

  requestAbort(reason: string): void {
    this.abortReason ??= reason || 'aborted';
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
    if (!this.job) {
      if (this.abortReason) return this.finish();
      this.update(
        await this.act.streams.createQueryJob({
          soql: this.input.soql,
          operation: this.input.operation ?? 'query',
          api: this.api,
          ...(this.input.pkChunking ? { pkChunking: this.input.pkChunking } : {}),
        }),
      );
      upsertSearchAttributes([{ key: SearchAttributes.jobIds, value: [this.job!.id] }]);
    }
    const job = this.job!;
    this.enter(BulkflowState.Processing);
    const status = await this.clock.time('processing', () => this.waitForJob(job));
    if (this.abortReason || status.state === 'Failed' || status.state === 'Aborted') return this.finish();
    this.enter(BulkflowState.Downloading);
    this.clock.begin('download');
    const parts = await this.act.streams.downloadQueryParts({
      jobId: job.id,
      api: this.api,
      stagingPrefix: this.stagingPrefix,
      ...(this.input.pageSize ? { maxRecords: this.input.pageSize } : {}),
    });
    const records = await this.act.streams.joinQueryParts({
      parts,
      stagingPrefix: this.stagingPrefix,
      ...(this.input.destination ? { destinationUrl: this.input.destination.url } : {}),
    });
    this.clock.end('download');
    return this.finish(records);
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
          resume: { job: { ...job }, phases: this.clock.spans, ...resume },
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
