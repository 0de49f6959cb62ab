/**
 * `bulkAdoptWorkflow`: a Bulk 2.0 ingest or query job that something else created (another client, a script, the
 * Salesforce UI), followed by id as bulkflow follows its own: what it is → poll on durable timers (continuing as
 * new when long) → its results saved where bulkflow saves its own (ingest: the three result files; query: the
 * records). `abort` and `progress` work as on every bulkflow workflow. The workflow id `bulk-adopt-<job id>` (the
 * starter's) keeps a job from being adopted twice.
 */
import { continueAsNew, upsertSearchAttributes } from '@temporalio/workflow';
import type { AdoptedJob, IngestJobStatus, QueryJobStatus, QueryOutput } from '../activities/index.js';
import { isBulk2Terminal } from '../common/wire-values.js';
import {
  BulkflowState,
  SearchAttributes,
  type BulkAdoptInput,
  type BulkAdoptResult,
  type BulkJobProgress,
  type BulkProgress,
} from './contract.js';
import { JobRun, runBulkWorkflow, runStagingPrefix, runOptionsOf } from './job-run.js';
import type { PhaseSpans } from './phase-timings.js';
import { abortStep, pollUntilDone, type PollResume } from './poll-loop.js';
import { StepAborted } from './run-control.js';

/** What a run carries across continue-as-new, beside its input. */
interface AdoptResume extends PollResume {
  adopted: AdoptedJob;
  job: BulkJobProgress;
  phases?: PhaseSpans;
}

type AdoptRunInput = BulkAdoptInput & { resume?: AdoptResume };

type IngestFiles = Pick<BulkAdoptResult['results'], 'successful' | 'failed' | 'unprocessed'>;

/**
 * Follows Bulk 2.0 job `input.jobId` to its end and saves its results. Signal `abort` to abort the job (an
 * ingest job's results are still saved); query `progress` for live counts.
 */
export async function bulkAdoptWorkflow(input: BulkAdoptInput): Promise<BulkAdoptResult> {
  return runBulkWorkflow(new AdoptRun(input as AdoptRunInput));
}

class AdoptRun extends JobRun<BulkAdoptResult> {
  private adopted: AdoptedJob | undefined;
  private job: BulkJobProgress | undefined;
  private readonly stagingPrefix = runStagingPrefix();
  private readonly startedAtMs = Date.now();

  constructor(private readonly input: AdoptRunInput) {
    super(runOptionsOf(input, true));
    this.adopted = input.resume?.adopted;
    this.job = input.resume?.job;
  }

  progress(): BulkProgress {
    const job = this.job;
    return {
      state: this.state.current,
      jobs: job ? [{ ...job }] : [],
      records: {
        total: job?.recordsProcessed ?? 0,
        processed: job?.recordsProcessed ?? 0,
        failed: job?.recordsFailed ?? 0,
      },
      ...(this.abortReason ? { abortReason: this.abortReason } : {}),
    };
  }

  async execute(): Promise<BulkAdoptResult> {
    if (!this.input.resume) {
      upsertSearchAttributes([
        { key: SearchAttributes.jobIds, value: [this.input.jobId] },
        { key: SearchAttributes.state, value: this.state.current },
      ]);
    }
    try {
      return await this.follow();
    } catch (err) {
      if (!(err instanceof StepAborted)) throw err;
      return this.finish();
    }
  }

  private async follow(): Promise<BulkAdoptResult> {
    if (!this.adopted) {
      const adopted = await this.control.step(() => this.act.calls.describeBulkJob({ jobId: this.input.jobId }));
      this.adopted = adopted;
      this.job = { id: adopted.jobId, api: '2.0', state: adopted.state, recordsProcessed: 0, recordsFailed: 0 };
      upsertSearchAttributes([
        { key: SearchAttributes.object, value: adopted.object },
        { key: SearchAttributes.operation, value: adopted.operation },
      ]);
    }
    const { kind } = this.adopted;
    const job = this.job as BulkJobProgress;
    this.state.enter(BulkflowState.Processing);
    await this.clock.time('processing', () => this.waitForJob(job));
    if (kind === 'query') {
      if (this.abortReason || job.state !== 'JobComplete') return this.finish();
      this.state.enter(BulkflowState.Downloading);
      this.clock.begin('download');
      // An abort cancels a query's download: nobody wants the records now.
      const records = await this.control.step(async () => {
        const parts = await this.act.streams.downloadQueryParts({
          jobId: job.id,
          api: '2.0',
          stagingPrefix: this.stagingPrefix,
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
    // An ingest job's results say what it loaded, so they are saved even after an abort (not a step).
    if (job.state !== 'JobComplete' && job.recordsProcessed === 0) return this.finish();
    this.state.enter(BulkflowState.Downloading);
    this.clock.begin('download');
    const files = await this.act.streams.downloadIngestResults({ jobId: job.id, stagingPrefix: this.stagingPrefix });
    this.clock.end('download');
    return this.finish(undefined, files);
  }

  /** Polls on durable timers (see poll-loop.ts); an abort wakes it at once; long waits continue as new. */
  private waitForJob(job: BulkJobProgress): Promise<unknown> {
    const adopted = this.adopted as AdoptedJob;
    return pollUntilDone({
      check: async () => {
        if (adopted.kind === 'query') {
          const status = await this.act.calls.getQueryJobStatus({ jobId: job.id, api: '2.0' });
          this.update(status);
          return status;
        }
        const status = await this.act.calls.getIngestJobStatus({ jobId: job.id });
        this.update(status);
        return {
          ...this.job!,
          done: isBulk2Terminal(status.state),
          ...(status.apiUsage ? { apiUsage: status.apiUsage } : {}),
        };
      },
      abortRequested: () => this.abortReason !== undefined,
      abort: () => this.abortJob(),
      policy: this.poll,
      ...(this.input.resume ? { resume: this.input.resume } : {}),
      ...(this.input.historyEventLimit ? { historyEventLimit: this.input.historyEventLimit } : {}),
      continueAsNew: (resume) => {
        const carried: AdoptResume = {
          adopted,
          job: { ...(this.job as BulkJobProgress) },
          phases: this.clock.spans,
          ...resume,
        };
        return continueAsNew<typeof bulkAdoptWorkflow>({ ...this.input, resume: carried } as AdoptRunInput);
      },
    });
  }

  /** Aborts the adopted job unless it has ended. */
  async abortJob(): Promise<void> {
    const job = this.job;
    const adopted = this.adopted;
    if (!job || !adopted || isBulk2Terminal(job.state)) return;
    await abortStep(job.id, async () =>
      this.update(
        adopted.kind === 'query'
          ? await this.act.calls.abortQueryJob({ jobId: job.id, api: '2.0' })
          : await this.act.calls.abortIngestJob({ jobId: job.id }),
      ),
    );
  }

  private update(status: IngestJobStatus | QueryJobStatus): void {
    if (!this.job) return;
    this.job.state = status.state;
    this.job.recordsProcessed = status.recordsProcessed;
    if ('recordsFailed' in status) this.job.recordsFailed = status.recordsFailed;
    if (status.errorMessage) this.job.errorMessage = status.errorMessage;
  }

  private finish(records?: QueryOutput, files?: IngestFiles): BulkAdoptResult {
    const jobState = this.job?.state;
    const final: BulkAdoptResult['state'] =
      this.abortReason || jobState === 'Aborted'
        ? BulkflowState.Aborted
        : jobState === 'Failed'
          ? BulkflowState.Failed
          : BulkflowState.Completed;
    this.state.enter(final);
    const adopted = this.adopted;
    const counts = files
      ? {
          successful: files.successful?.rows ?? 0,
          failed: files.failed?.rows ?? 0,
          unprocessed: files.unprocessed?.rows ?? 0,
        }
      : {};
    const total = records?.rows ?? (files ? counts.successful! + counts.failed! + counts.unprocessed! : 0);
    return {
      state: final,
      kind: adopted?.kind ?? 'ingest',
      object: adopted?.object ?? '',
      operation: adopted?.operation ?? '',
      jobs: this.job ? [{ ...this.job }] : [],
      records: { ...counts, total },
      results: records ? { records: { url: records.url, rows: records.rows } } : files ? { ...files } : {},
      timings: this.clock.timings(this.startedAtMs),
      ...(this.abortReason ? { abortReason: this.abortReason } : {}),
      ...(jobState === 'Failed' && this.job?.errorMessage ? { failureMessage: this.job.errorMessage } : {}),
    };
  }
}
