/**
 * `bulkIngestJobWorkflow`: one Salesforce Bulk 2.0 ingest job for one staged upload unit, as a
 * child of `bulkIngestWorkflow`. Create (or adopt) → upload → close → poll on durable timers →
 * download results. Continues as new while polling once its history grows, so a job that runs for
 * days keeps a short history.
 */
import { continueAsNew } from '@temporalio/workflow';
import type { IngestJobStatus } from '../activities/types.js';
import { isBulk2Terminal } from '../common/wire-values.js';
import { BulkflowState, type BulkJobProgress, type BulkProgress } from './contract.js';
import { reportToParent, type IngestJobOutcome, type IngestJobWorkflowInput } from './ingest-job-contract.js';
import { callOn, JobRun, runBulkWorkflow, seenOf, runOptionsOf } from './job-run.js';
import { abortStep, pollUntilDone } from './poll-loop.js';
import { StepAborted } from './run-control.js';

/** Progress reports to the parent: on every state change, else at most this often. */
const REPORT_INTERVAL_MS = 30_000;

/**
 * Internal child of {@link bulkIngestWorkflow}: one Bulk 2.0 job for one staged unit, from create to results.
 * Its type name is recorded in running histories, so it does not change.
 */
export async function bulkIngestJobWorkflow(input: IngestJobWorkflowInput): Promise<IngestJobOutcome> {
  return runBulkWorkflow(new IngestJobRun(input));
}

class IngestJobRun extends JobRun<IngestJobOutcome> {
  private job: BulkJobProgress | undefined;
  /** The abort of the job was sent (or it had ended): the poll loop need not send it again. */
  private abortSent = false;
  private lastReport = { state: '', at: -Infinity };

  constructor(private readonly input: IngestJobWorkflowInput) {
    super(runOptionsOf(input, false));
    this.job = input.resume?.job;
    if (this.job) this.state.enter(BulkflowState.Processing);
  }

  progress(): BulkProgress {
    const job = this.job;
    return {
      state: this.state.current,
      jobs: job ? [{ ...job }] : [],
      records: { total: this.input.unit.rows, processed: job?.recordsProcessed ?? 0, failed: job?.recordsFailed ?? 0 },
      ...(this.abortReason ? { abortReason: this.abortReason } : {}),
    };
  }

  async execute(): Promise<IngestJobOutcome> {
    const { unit } = this.input;
    const skipped: IngestJobOutcome = {
      unitIndex: unit.index,
      results: { unprocessed: { url: unit.url, rows: unit.rows } },
    };
    if (!this.job) {
      if (this.abortReason) return this.end(skipped);
      this.state.enter(BulkflowState.Uploading);
      this.clock.begin('upload');
      let closed = false;
      try {
        closed = await this.createAndUpload();
      } catch (err) {
        if (!(err instanceof StepAborted)) throw err;
      }
      const job = this.job as BulkJobProgress | undefined;
      if (!job) return this.end(skipped); // aborted before Salesforce had a job: nothing was sent
      if (this.abortReason && !closed) {
        await this.abortJob();
        // Runs recorded before stopped here; the job may have been closed meanwhile, so now it is polled to its end.
        if (!this.control.current) return this.end({ ...skipped, job: { ...job }, phases: this.clock.spans });
      }
      this.clock.end('upload');
    }
    const job = this.job as BulkJobProgress; // from track() above, or carried in resume
    this.state.enter(BulkflowState.Processing);
    await this.clock.time('processing', () => this.waitForJob(job));
    if (this.abortReason && this.control.current && job.state === 'Aborted' && job.recordsProcessed === 0) {
      return this.end({ ...skipped, job: { ...job }, phases: this.clock.spans }); // aborted before it processed a row
    }
    // Not a cancellable step: the job has ended, and its results account for the unit's rows.
    this.state.enter(BulkflowState.Downloading);
    const results = await this.clock.time('download', () =>
      this.act.streams.downloadIngestResults({
        ...callOn(job),
        ...seenOf(job),
        stagingPrefix: this.input.stagingPrefix,
        unitUrl: unit.url,
        expectedRows: unit.rows,
      }),
    );
    return this.end({ unitIndex: unit.index, job: { ...job }, results, phases: this.clock.spans });
  }

  /** The child's final state, from its job's; returns the outcome. */
  private end(outcome: IngestJobOutcome): IngestJobOutcome {
    const jobState = outcome.job?.state;
    this.state.enter(
      this.abortReason ? BulkflowState.Aborted : jobState === 'Failed' ? BulkflowState.Failed : BulkflowState.Completed,
    );
    return outcome;
  }

  /** Create → upload → close, each a step an abort cancels; true once the job is closed. */
  private async createAndUpload(): Promise<boolean> {
    const { unit, stagingPrefix } = this.input;
    // Runs recorded before created the job with the streams proxy; the activity is the same.
    const create = this.control.current ? this.act.creates : this.act.streams;
    const job = this.track(
      await this.control.step(() =>
        create.createIngestJob({ ...this.jobParams(), ...(this.control.current ? { stagingPrefix } : {}) }),
      ),
    );
    if (this.abortReason) return false;
    await this.control.step(() => this.act.streams.uploadIngestData({ ...callOn(job), unitUrl: unit.url }));
    if (this.abortReason) return false;
    this.update(await this.control.step(() => this.act.calls.closeIngestJob(callOn(job))));
    return true;
  }

  /** Polls on durable timers (see poll-loop.ts); an abort wakes it at once; long waits continue as new. */
  private async waitForJob(job: BulkJobProgress): Promise<void> {
    await pollUntilDone({
      check: async () => {
        const status = await this.act.calls.getIngestJobStatus({ ...callOn(job), ...seenOf(job) });
        this.update(status);
        return { ...job, done: isBulk2Terminal(job.state), ...(status.apiUsage ? { apiUsage: status.apiUsage } : {}) };
      },
      abortRequested: () => this.abortReason !== undefined && !this.abortSent,
      abort: () => this.abortJob(),
      policy: this.poll,
      totalRecords: this.input.unit.rows,
      ...(this.input.resume ? { resume: this.input.resume } : {}),
      ...(this.input.historyEventLimit ? { historyEventLimit: this.input.historyEventLimit } : {}),
      continueAsNew: (resume) =>
        continueAsNew<typeof bulkIngestJobWorkflow>({
          ...this.input,
          resume: { job: { ...job }, phases: this.clock.spans, ...resume },
        }),
    });
  }

  /** Aborts the Salesforce job unless it has ended. */
  async abortJob(): Promise<void> {
    const job = this.job;
    if (!job || isBulk2Terminal(job.state)) return;
    if (this.control.current) this.abortSent = true;
    await abortStep(job.id, async () => this.update(await this.act.calls.abortIngestJob(callOn(job))));
  }

  private jobParams() {
    const { object, operation, externalIdFieldName, assignmentRuleId } = this.input;
    return {
      object,
      operation,
      ...(externalIdFieldName ? { externalIdFieldName } : {}),
      ...(assignmentRuleId ? { assignmentRuleId } : {}),
    };
  }

  private track(status: IngestJobStatus): BulkJobProgress {
    this.job = {
      id: status.jobId,
      api: '2.0',
      ...(status.apiVersion ? { apiVersion: status.apiVersion } : {}),
      state: status.state,
      recordsProcessed: 0,
      recordsFailed: 0,
    };
    this.report();
    return this.job;
  }

  private update(status: IngestJobStatus): void {
    if (!this.job) return;
    this.job.state = status.state;
    this.job.recordsProcessed = status.recordsProcessed;
    this.job.recordsFailed = status.recordsFailed;
    if (status.endedAt) this.job.endedAt = status.endedAt;
    if (status.errorMessage) this.job.errorMessage = status.errorMessage;
    this.report();
  }

  /** Tells the parent on every state change, and otherwise at most every 30 s of workflow time. */
  private report(): void {
    const job = this.job;
    if (!job) return;
    const now = Date.now();
    if (job.state === this.lastReport.state && now - this.lastReport.at < REPORT_INTERVAL_MS) return;
    this.lastReport = { state: job.state, at: now };
    reportToParent(this.input.parentWorkflowId, { unitIndex: this.input.unit.index, job: { ...job } });
  }
}
