/**
 * `bulkIngestV1Workflow`: one Bulk API v1 job for all staged units, one batch per unit, as a child of
 * `bulkIngestWorkflow`. Create (or adopt) → add batches (each adopted on retry by its checksum) →
 * close → poll on durable timers → match each batch's results to its rows. Continues as new between
 * steps once its history grows, carrying the job id, the batch ids and the results so far.
 */
import { continueAsNew } from '@temporalio/workflow';
import type { StagedUnit, V1JobStatus } from '../activities/index.js';
import { BulkflowState, type BulkJobProgress, type BulkProgress } from './contract.js';
import { reportToParent, type IngestJobOutcome, type IngestJobWorkflowInput } from './ingest-job-contract.js';
import { callOn, JobRun, runBulkWorkflow, seenOf, runOptionsOf } from './job-run.js';
import type { PhaseSpans } from './phase-timings.js';
import { abortStep, historyIsLong, pollUntilDone, type PollResume } from './poll-loop.js';
import { StepAborted } from './run-control.js';

/** Input of {@link bulkIngestV1Workflow}: every staged unit goes into one v1 job, a batch each. */
export interface IngestV1WorkflowInput extends Omit<IngestJobWorkflowInput, 'unit' | 'resume'> {
  units: StagedUnit[];
  /** The key the parent files this job's progress under. @default 0 */
  progressKey?: number;
  /** `Serial` for follow-up jobs of lock failures: batches then do not contend for the same records. */
  concurrencyMode?: 'Parallel' | 'Serial';
  /** Carried across continue-as-new. */
  resume?: {
    job: BulkJobProgress;
    batchIds: string[];
    closed: boolean;
    outcomes: IngestJobOutcome[];
    phases?: PhaseSpans;
  } & PollResume;
}

/**
 * Internal child of `bulkIngestWorkflow` for `api: '1.0'`: one Bulk v1 job with a batch per unit. Its type
 * name (with the `V1` that predates the `bulk1` spelling) is recorded in running histories, so it stays.
 */
export async function bulkIngestV1Workflow(input: IngestV1WorkflowInput): Promise<IngestJobOutcome[]> {
  return runBulkWorkflow(new V1Run(input));
}

class V1Run extends JobRun<IngestJobOutcome[]> {
  private job: BulkJobProgress | undefined;
  private readonly batchIds: string[];
  private closed: boolean;
  private readonly outcomes: IngestJobOutcome[];
  private pollResume: PollResume | undefined;

  constructor(private readonly input: IngestV1WorkflowInput) {
    super(runOptionsOf(input, false));
    this.job = input.resume?.job;
    this.batchIds = [...(input.resume?.batchIds ?? [])];
    this.closed = input.resume?.closed ?? false;
    this.outcomes = [...(input.resume?.outcomes ?? [])];
    this.pollResume = input.resume;
    if (this.job) this.state.enter(this.closed ? BulkflowState.Processing : BulkflowState.Uploading);
  }

  progress(): BulkProgress {
    const job = this.job;
    return {
      state: this.state.current,
      jobs: job ? [{ ...job }] : [],
      records: {
        total: this.input.units.reduce((n, u) => n + u.rows, 0),
        processed: job?.recordsProcessed ?? 0,
        failed: job?.recordsFailed ?? 0,
      },
      ...(this.abortReason ? { abortReason: this.abortReason } : {}),
    };
  }

  async execute(): Promise<IngestJobOutcome[]> {
    const { units } = this.input;
    if (!this.job) {
      if (this.abortReason) return this.end(units.map((u) => this.skipped(u)));
      this.state.enter(BulkflowState.Uploading);
      this.clock.begin('upload');
      const { object, operation, externalIdFieldName, assignmentRuleId, stagingPrefix } = this.input;
      // Runs recorded before created the job with the streams proxy; the activity is the same.
      const create = this.control.current ? this.act.creates : this.act.streams;
      try {
        this.update(
          await this.control.step(() =>
            create.createV1IngestJob({
              object,
              operation,
              ...(externalIdFieldName ? { externalIdFieldName } : {}),
              ...(assignmentRuleId ? { assignmentRuleId } : {}),
              ...(this.input.concurrencyMode ? { concurrencyMode: this.input.concurrencyMode } : {}),
              ...(this.control.current ? { stagingPrefix } : {}),
            }),
          ),
        );
      } catch (err) {
        if (!(err instanceof StepAborted)) throw err;
        return this.end(units.map((u) => this.skipped(u))); // aborted before Salesforce had a job
      }
    }
    const job = this.job as BulkJobProgress;
    await this.addBatches(job);
    if (this.abortReason) await this.abortJob();
    else if (!this.closed) {
      try {
        this.update(await this.control.step(() => this.act.calls.closeV1Job(callOn(job))));
        this.closed = true;
      } catch (err) {
        if (!(err instanceof StepAborted)) throw err;
        await this.abortJob();
      }
      this.clock.end('upload');
    }
    this.state.enter(BulkflowState.Processing);
    await this.clock.time('processing', () => this.waitForJob(job));
    this.state.enter(BulkflowState.Downloading);
    for (let i = this.outcomes.length; i < units.length; i++) {
      const unit = units[i] as StagedUnit;
      const batchId = this.batchIds[i];
      if (!batchId) {
        this.outcomes.push(this.skipped(unit));
        continue;
      }
      const results = await this.clock.time('download', () =>
        this.act.streams.downloadV1BatchResults({
          ...callOn(job),
          ...seenOf(this.job ?? job),
          batchId,
          unit,
          stagingPrefix: this.input.stagingPrefix,
        }),
      );
      this.outcomes.push({ unitIndex: unit.index, job: { ...job }, results, phases: this.clock.spans });
      await this.continueIfLong();
    }
    return this.end(this.outcomes);
  }

  /** The child's final state, from its job's; returns the outcomes. */
  private end(outcomes: IngestJobOutcome[]): IngestJobOutcome[] {
    const failed = this.job?.state === 'Failed';
    this.state.enter(
      this.abortReason ? BulkflowState.Aborted : failed ? BulkflowState.Failed : BulkflowState.Completed,
    );
    return outcomes;
  }

  /**
   * Adds the units as batches, one at a time, until all are in or an abort comes. A batch whose add was cancelled
   * may still have reached Salesforce (the attempt in flight, or one whose answer was lost), so it is looked up by
   * its checksum before the job's results are matched.
   */
  private async addBatches(job: BulkJobProgress): Promise<void> {
    const { units } = this.input;
    const add = this.control.current ? this.act.creates : this.act.streams;
    while (this.batchIds.length < units.length && !this.abortReason) {
      const unit = units[this.batchIds.length] as StagedUnit;
      try {
        this.batchIds.push((await this.control.step(() => add.addV1Batch({ ...callOn(job), unit }))).batchId);
      } catch (err) {
        if (!(err instanceof StepAborted)) throw err;
        await this.abortJob();
        const found = await this.act.calls.findV1Batch({ ...callOn(job), unit });
        if (found.batchId) this.batchIds.push(found.batchId);
        return;
      }
      this.clock.end('upload');
      await this.continueIfLong();
    }
  }

  private async waitForJob(job: BulkJobProgress): Promise<void> {
    await pollUntilDone({
      check: async () => {
        const status = await this.act.calls.getV1JobStatus({ ...callOn(job), ...seenOf(this.job ?? job) });
        this.update(status);
        return status;
      },
      abortRequested: () => this.abortReason !== undefined && this.job?.state !== 'Aborted',
      abort: () => this.abortJob(),
      policy: this.poll,
      totalRecords: this.input.units.reduce((sum, unit) => sum + unit.rows, 0),
      ...(this.pollResume ? { resume: this.pollResume } : {}),
      ...(this.input.historyEventLimit ? { historyEventLimit: this.input.historyEventLimit } : {}),
      continueAsNew: (resume) => this.continueAsNew(resume),
    });
  }

  /** Aborts the v1 job unless it has ended (a `Closed` job can still be aborted). */
  async abortJob(): Promise<void> {
    const job = this.job;
    if (!job || job.state === 'Aborted' || job.state === 'Failed') return;
    await abortStep(job.id, async () => this.update(await this.act.calls.abortV1Job(callOn(job))));
  }

  /** Between steps (batches, downloads): continue as new once history is long. */
  private async continueIfLong(): Promise<void> {
    if (this.abortReason || !this.job) return;
    if (historyIsLong(this.input.historyEventLimit)) await this.continueAsNew(this.pollResume ?? {});
  }

  private continueAsNew(resume: PollResume): Promise<never> {
    const job = this.job as BulkJobProgress;
    return continueAsNew<typeof bulkIngestV1Workflow>({
      ...this.input,
      resume: {
        job: { ...job },
        batchIds: this.batchIds,
        closed: this.closed,
        outcomes: this.outcomes,
        phases: this.clock.spans,
        ...resume,
      },
    });
  }

  private skipped(unit: StagedUnit): IngestJobOutcome {
    return { unitIndex: unit.index, results: { unprocessed: { url: unit.url, rows: unit.rows } } };
  }

  private update(status: V1JobStatus): void {
    const changed = this.job?.state !== status.state;
    // The version comes with the create step's status and stays with the job.
    const apiVersion = status.apiVersion ?? this.job?.apiVersion;
    this.job = {
      id: status.jobId,
      api: '1.0',
      ...(apiVersion ? { apiVersion } : {}),
      state: status.state,
      recordsProcessed: status.recordsProcessed,
      recordsFailed: status.recordsFailed,
      ...(status.endedAt ? { endedAt: status.endedAt } : {}),
    };
    if (changed)
      reportToParent(this.input.parentWorkflowId, { unitIndex: this.input.progressKey ?? 0, job: { ...this.job } });
  }
}
