/**
 * `bulkIngestWorkflow`: walks Bulk 2.0 ingest jobs through stage → create → upload → close →
 * poll → results as durable steps. Records never pass through history: activities stage them and
 * hand back references and counts.
 */
import {
  CancellationScope,
  condition,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { BulkActivities, IngestJobStatus, ResultFileRef, StagedUnit } from '../activities/index.js';
import {
  abortSignal,
  BulkflowState,
  progressQuery,
  SearchAttributes,
  type ActivityTimeouts,
  type BulkIngestInput,
  type BulkIngestResult,
  type BulkJobProgress,
  type BulkProgress,
  type PollPolicy,
} from './contract.js';

/** Retries for Salesforce calls: transient errors back off; typed non-retryable ones fail fast. */
const RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20 };

function activityProxies(timeouts: ActivityTimeouts = {}) {
  return {
    calls: proxyActivities<BulkActivities>({ startToCloseTimeout: timeouts.callMs ?? 60_000, retry: RETRY }),
    streams: proxyActivities<BulkActivities>({
      startToCloseTimeout: '12 hours',
      heartbeatTimeout: timeouts.heartbeatMs ?? 60_000,
      retry: RETRY,
    }),
  };
}

const TERMINAL = new Set(['JobComplete', 'Failed', 'Aborted']);
const DEFAULT_POLL: Required<PollPolicy> = { initialMs: 1000, factor: 1.5, maxMs: 30_000 };

export async function bulkIngestWorkflow(input: BulkIngestInput): Promise<BulkIngestResult> {
  const run = new IngestRun(input);
  setHandler(abortSignal, ({ reason }) => run.requestAbort(reason));
  setHandler(progressQuery, () => run.progress());
  try {
    return await run.execute();
  } catch (err) {
    if (isCancellation(err)) {
      run.requestAbort('workflow cancelled');
      await CancellationScope.nonCancellable(() => run.abortOpenJobs());
    }
    throw err;
  }
}

class IngestRun {
  private state: BulkflowState = BulkflowState.Preparing;
  private readonly jobs: BulkJobProgress[] = [];
  private totalRows = 0;
  private abortReason: string | undefined;
  private readonly results = {
    successful: [] as ResultFileRef[],
    failed: [] as ResultFileRef[],
    unprocessed: [] as ResultFileRef[],
  };
  private readonly poll: Required<PollPolicy>;
  private readonly stagingPrefix: string;
  private readonly calls: ReturnType<typeof activityProxies>['calls'];
  private readonly streams: ReturnType<typeof activityProxies>['streams'];

  constructor(private readonly input: BulkIngestInput) {
    this.poll = { ...DEFAULT_POLL, ...input.pollPolicy };
    ({ calls: this.calls, streams: this.streams } = activityProxies(input.activityTimeouts));
    const info = workflowInfo();
    this.stagingPrefix = `${encodeURIComponent(info.workflowId)}/${info.firstExecutionRunId}`;
  }

  /** Moves to `state` and tells Temporal's visibility, so operators can list jobs by state. */
  private enter(state: BulkflowState): void {
    if (this.state === state) return;
    this.state = state;
    upsertSearchAttributes([{ key: SearchAttributes.state, value: state }]);
  }

  requestAbort(reason: string): void {
    this.abortReason ??= reason || 'aborted';
  }

  progress(): BulkProgress {
    return {
      state: this.state,
      jobs: this.jobs.map((j) => ({ ...j })),
      records: {
        total: this.totalRows,
        processed: this.jobs.reduce((n, j) => n + j.recordsProcessed, 0),
        failed: this.jobs.reduce((n, j) => n + j.recordsFailed, 0),
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
    const staged = await this.streams.stageIngestInput({
      source: this.input.source,
      stagingPrefix: this.stagingPrefix,
    });
    this.totalRows = staged.totalRows;
    for (const unit of staged.units) await this.runUnit(unit);
    return this.finish();
  }

  private async runUnit(unit: StagedUnit): Promise<void> {
    if (this.abortReason) return this.skip(unit);
    this.enter(BulkflowState.Uploading);
    const job = this.track(
      await this.streams.createIngestJob({
        object: this.input.object,
        operation: this.input.operation,
        ...(this.input.externalIdFieldName ? { externalIdFieldName: this.input.externalIdFieldName } : {}),
      }),
    );
    if (!this.abortReason) await this.streams.uploadIngestData({ jobId: job.id, unitUrl: unit.url });
    if (this.abortReason) {
      this.update(job, await this.calls.abortIngestJob({ jobId: job.id }));
      return this.skip(unit);
    }
    this.update(job, await this.calls.closeIngestJob({ jobId: job.id }));
    this.enter(BulkflowState.Processing);
    await this.waitForJob(job);
    this.enter(BulkflowState.Downloading);
    const res = await this.streams.downloadIngestResults({
      jobId: job.id,
      stagingPrefix: this.stagingPrefix,
      expectedRows: unit.rows,
    });
    this.results.successful.push(res.successful);
    this.results.failed.push(res.failed);
    this.results.unprocessed.push(res.unprocessed);
  }

  /** Polls with backoff on durable timers; an abort wakes it at once. */
  private async waitForJob(job: BulkJobProgress): Promise<void> {
    let delay = this.poll.initialMs;
    let abortSent = false;
    for (;;) {
      this.update(job, await this.calls.getIngestJobStatus({ jobId: job.id }));
      if (TERMINAL.has(job.state)) return;
      if (this.abortReason && !abortSent) {
        abortSent = true;
        this.update(job, await this.calls.abortIngestJob({ jobId: job.id }));
        continue;
      }
      await condition(() => this.abortReason !== undefined && !abortSent, delay);
      delay = Math.min(Math.round(delay * this.poll.factor), this.poll.maxMs);
    }
  }

  /** Rows of a unit never sent to Salesforce: the staged unit itself is their unprocessed file. */
  private skip(unit: StagedUnit): void {
    this.results.unprocessed.push({ url: unit.url, rows: unit.rows });
  }

  /** In cleanup after cancellation: abort every job that has not ended. */
  async abortOpenJobs(): Promise<void> {
    for (const job of this.jobs) {
      if (TERMINAL.has(job.state)) continue;
      try {
        this.update(job, await this.calls.abortIngestJob({ jobId: job.id }));
      } catch (err) {
        log.warn('could not abort Salesforce job during cancellation', { jobId: job.id, error: String(err) });
      }
    }
  }

  private track(status: IngestJobStatus): BulkJobProgress {
    const job: BulkJobProgress = {
      id: status.jobId,
      api: '2.0',
      state: status.state,
      recordsProcessed: 0,
      recordsFailed: 0,
    };
    this.jobs.push(job);
    upsertSearchAttributes([{ key: SearchAttributes.jobIds, value: this.jobs.map((j) => j.id) }]);
    return job;
  }

  private update(job: BulkJobProgress, status: IngestJobStatus): void {
    job.state = status.state;
    job.recordsProcessed = status.recordsProcessed;
    job.recordsFailed = status.recordsFailed;
    if (status.errorMessage) job.errorMessage = status.errorMessage;
  }

  private finish(): BulkIngestResult {
    const sum = (refs: ResultFileRef[]) => refs.reduce((n, r) => n + r.rows, 0);
    const failedJob = this.jobs.find((j) => j.state === 'Failed');
    const final: BulkIngestResult['state'] = this.abortReason
      ? BulkflowState.Aborted
      : failedJob
        ? BulkflowState.Failed
        : BulkflowState.Completed;
    this.enter(final);
    return {
      state: final,
      object: this.input.object,
      operation: this.input.operation,
      jobs: this.jobs.map((j) => ({ ...j })),
      records: {
        total: this.totalRows,
        successful: sum(this.results.successful),
        failed: sum(this.results.failed),
        unprocessed: sum(this.results.unprocessed),
      },
      results: this.results,
      ...(this.abortReason ? { abortReason: this.abortReason } : {}),
      ...(failedJob?.errorMessage ? { failureMessage: failedJob.errorMessage } : {}),
    };
  }
}
