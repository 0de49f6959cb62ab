/**
 * Runs query jobs in the background, never inside a request: the job goes InProgress, the query reads its
 * snapshot of the org, and the rows are "processed" a chunk per tick (at `recordsPerSecond` when set) so the
 * counters advance and a slow job can be watched or aborted before it completes.
 */
import type { Org } from '../org/org.js';
import { SoqlError, runPreparedSoql } from '../soql/index.js';
import { QueryJobState, QueryOperation, transitionQuery } from './query-jobs.js';
import type { QueryJob } from './query-jobs.js';

/** How fast jobs are worked. */
export interface QueryProcessorOptions {
  org: Org;
  /** Rows per second; undefined completes each job in one tick. */
  recordsPerSecond?: number;
}

/** Works query jobs. */
export class QueryProcessor {
  readonly #org: Org;
  readonly #recordsPerSecond: number | undefined;
  readonly #pending = new Map<string, () => void>();

  constructor(options: QueryProcessorOptions) {
    this.#org = options.org;
    this.#recordsPerSecond = options.recordsPerSecond;
  }

  /** Starts a job that has just been created. */
  start(job: QueryJob): void {
    this.#schedule(job.id, 0, () => this.#begin(job));
  }

  /** Stops working a job (aborted or deleted). */
  cancel(jobId: string): void {
    this.#pending.get(jobId)?.();
    this.#pending.delete(jobId);
  }

  /** Stops all background work. */
  stopAll(): void {
    for (const jobId of [...this.#pending.keys()]) this.cancel(jobId);
  }

  #schedule(jobId: string, delayMs: number, work: () => void): void {
    const run = () => {
      this.#pending.delete(jobId);
      work();
    };
    if (delayMs > 0) {
      const timer = setTimeout(run, delayMs);
      this.#pending.set(jobId, () => clearTimeout(timer));
    } else {
      const immediate = setImmediate(run);
      this.#pending.set(jobId, () => clearImmediate(immediate));
    }
  }

  #begin(job: QueryJob): void {
    if (job.state !== QueryJobState.UploadComplete) return;
    transitionQuery(job, QueryJobState.InProgress);
    job.processingStartedAt = Date.now();
    try {
      const includeDeleted = job.operation === QueryOperation.QueryAll;
      job.result = runPreparedSoql(this.#org, job.prepared, { includeDeleted });
    } catch (error) {
      // Never let a failing query escape into the event loop: the job fails, as a real one would.
      const message = error instanceof Error ? error.message : String(error);
      job.errorMessage = error instanceof SoqlError ? `${error.code} : ${message}` : `UNKNOWN_EXCEPTION : ${message}`;
      transitionQuery(job, QueryJobState.Failed);
      this.#touch(job);
      return;
    }
    this.#tick(job);
  }

  #tick(job: QueryJob): void {
    if (job.state !== QueryJobState.InProgress) return;
    const total = job.result?.rows.length ?? 0;
    const chunk = this.#recordsPerSecond === undefined ? total : Math.max(1, Math.floor(this.#recordsPerSecond / 10));
    job.numberRecordsProcessed = Math.min(total, job.numberRecordsProcessed + chunk);
    this.#touch(job);
    if (job.numberRecordsProcessed >= total) {
      transitionQuery(job, QueryJobState.JobComplete);
      return;
    }
    const delay = this.#recordsPerSecond === undefined ? 0 : (chunk / this.#recordsPerSecond) * 1000;
    this.#schedule(job.id, delay, () => this.#tick(job));
  }

  #touch(job: QueryJob): void {
    job.systemModstamp = new Date();
    job.totalProcessingTime = Date.now() - (job.processingStartedAt ?? Date.now());
  }
}
