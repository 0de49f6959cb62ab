/**
 * `bulkIngestV1Workflow`: one Bulk API v1 job for all staged units, one batch per unit, as a child of
 * `bulkIngestWorkflow`. Create (or adopt) → add batches (each adopted on retry by its checksum) →
 * close → poll on durable timers → match each batch's results to its rows. Continues as new between
 * steps once its history grows, carrying the job id, the batch ids and the results so far.
 */
import {
  CancellationScope,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { StagedUnit, V1JobStatus } from '../activities/index.js';
import { activityProxies, type ActivityProxies } from './activity-proxies.js';
import { abortSignal, type BulkJobProgress, type PollPolicy } from './contract.js';
import { jobProgressSignal, type IngestJobOutcome } from './ingest-job-contract.js';
import type { IngestJobWorkflowInput } from './ingest-job-contract.js';

export interface IngestV1WorkflowInput extends Omit<IngestJobWorkflowInput, 'unit' | 'resume'> {
  units: StagedUnit[];
  /** Carried across continue-as-new. */
  resume?: { job: BulkJobProgress; batchIds: string[]; closed: boolean; outcomes: IngestJobOutcome[]; delayMs: number };
}

const DEFAULT_POLL: Required<PollPolicy> = { initialMs: 1000, factor: 1.5, maxMs: 30_000 };

export async function bulkIngestV1Workflow(input: IngestV1WorkflowInput): Promise<IngestJobOutcome[]> {
  const run = new V1Run(input);
  setHandler(abortSignal, ({ reason }) => run.requestAbort(reason));
  try {
    return await run.execute();
  } catch (err) {
    if (isCancellation(err)) await CancellationScope.nonCancellable(() => run.abort());
    throw err;
  }
}

class V1Run {
  private job: BulkJobProgress | undefined;
  private readonly batchIds: string[];
  private closed: boolean;
  private readonly outcomes: IngestJobOutcome[];
  private delay: number;
  private abortReason: string | undefined;
  private readonly act: ActivityProxies;
  private readonly poll: Required<PollPolicy>;

  constructor(private readonly input: IngestV1WorkflowInput) {
    this.act = activityProxies(input.activityTimeouts);
    this.poll = { ...DEFAULT_POLL, ...input.pollPolicy };
    this.job = input.resume?.job;
    this.batchIds = [...(input.resume?.batchIds ?? [])];
    this.closed = input.resume?.closed ?? false;
    this.outcomes = [...(input.resume?.outcomes ?? [])];
    this.delay = input.resume?.delayMs ?? this.poll.initialMs;
  }

  requestAbort(reason: string): void {
    this.abortReason ??= reason || 'aborted';
  }

  async execute(): Promise<IngestJobOutcome[]> {
    const { units } = this.input;
    if (!this.job) {
      if (this.abortReason) return units.map((u) => this.skipped(u));
      const { object, operation, externalIdFieldName } = this.input;
      this.update(
        await this.act.streams.createV1IngestJob({
          object,
          operation,
          ...(externalIdFieldName ? { externalIdFieldName } : {}),
        }),
      );
    }
    const job = this.job as BulkJobProgress;
    while (this.batchIds.length < units.length && !this.abortReason) {
      const unit = units[this.batchIds.length] as StagedUnit;
      this.batchIds.push((await this.act.streams.addV1Batch({ jobId: job.id, unit })).batchId);
      await this.continueIfLong();
    }
    if (this.abortReason) await this.abort();
    else if (!this.closed) {
      this.update(await this.act.calls.closeV1Job({ jobId: job.id }));
      this.closed = true;
    }
    await this.waitForJob(job);
    for (let i = this.outcomes.length; i < units.length; i++) {
      const unit = units[i] as StagedUnit;
      const batchId = this.batchIds[i];
      if (!batchId) {
        this.outcomes.push(this.skipped(unit));
        continue;
      }
      const results = await this.act.streams.downloadV1BatchResults({
        jobId: job.id,
        batchId,
        unit,
        stagingPrefix: this.input.stagingPrefix,
      });
      this.outcomes.push({ unitIndex: unit.index, job: { ...job }, results });
      await this.continueIfLong();
    }
    return this.outcomes;
  }

  private async waitForJob(job: BulkJobProgress): Promise<void> {
    for (;;) {
      const status = await this.act.calls.getV1JobStatus({ jobId: job.id });
      this.update(status);
      if (status.done) return;
      if (this.abortReason && status.state !== 'Aborted') {
        await this.abort();
        continue;
      }
      await this.continueIfLong();
      await condition(() => this.abortReason !== undefined && job.state !== 'Aborted', this.delay);
      this.delay = Math.min(Math.round(this.delay * this.poll.factor), this.poll.maxMs);
    }
  }

  async abort(): Promise<void> {
    if (!this.job || this.job.state === 'Aborted' || this.job.state === 'Failed') return;
    this.update(await this.act.calls.abortV1Job({ jobId: this.job.id }));
  }

  private async continueIfLong(): Promise<void> {
    const info = workflowInfo();
    if (this.abortReason || !this.job) return;
    if (!info.continueAsNewSuggested && info.historyLength < (this.input.historyEventLimit ?? 2000)) return;
    await continueAsNew<typeof bulkIngestV1Workflow>({
      ...this.input,
      resume: {
        job: { ...this.job },
        batchIds: this.batchIds,
        closed: this.closed,
        outcomes: this.outcomes,
        delayMs: this.delay,
      },
    });
  }

  private skipped(unit: StagedUnit): IngestJobOutcome {
    return { unitIndex: unit.index, results: { unprocessed: { url: unit.url, rows: unit.rows } } };
  }

  private update(status: V1JobStatus): void {
    const changed = this.job?.state !== status.state;
    this.job = {
      id: status.jobId,
      api: '1.0',
      state: status.state,
      recordsProcessed: status.recordsProcessed,
      recordsFailed: status.recordsFailed,
    };
    if (changed) {
      getExternalWorkflowHandle(this.input.parentWorkflowId)
        .signal(jobProgressSignal, { unitIndex: 0, job: { ...this.job } })
        .catch(() => undefined);
    }
  }
}
