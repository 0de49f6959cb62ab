/**
 * Runs query jobs in the background, never inside a request: the job goes InProgress, the query reads its
 * snapshot of the org, evaluated a few thousand records per step with the event loop free between steps, and
 * the rows are then "processed" a chunk per tick (at `recordsPerSecond` when set) so the counters advance and a
 * slow job can be watched or aborted before it completes.
 */
import { BackgroundWork } from '../background-work.js';
import { SYSTEM_CLOCK, auditTimestamp } from '../clock.js';
import type { Clock } from '../clock.js';
import type { Org } from '../org/org.js';
import { SoqlError, soqlResult, startPreparedSoql } from '../soql/index.js';
import type { SoqlCursor } from '../soql/index.js';
import { QueryJobState, QueryOperation, transitionQuery } from './query-jobs.js';
import type { QueryJob } from './query-jobs.js';

/** How fast jobs are worked. */
export interface QueryProcessorOptions {
  org: Org;
  /** Rows per second; undefined completes each job as soon as its query has been evaluated. */
  recordsPerSecond?: number;
  /** Stamps job changes. @default real time */
  clock?: Clock;
}

/** Works query jobs. */
export class QueryProcessor {
  readonly #org: Org;
  readonly #recordsPerSecond: number | undefined;
  readonly #clock: Clock;
  readonly #work = new BackgroundWork();
  #yields = 0;

  constructor(options: QueryProcessorOptions) {
    this.#org = options.org;
    this.#recordsPerSecond = options.recordsPerSecond;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
  }

  /** Starts a job that has just been created. */
  start(job: QueryJob): void {
    this.#work.schedule(job.id, 0, () => this.#begin(job));
  }

  /** How many times the processor has handed the event loop back between steps of a job: for tests. */
  get yields(): number {
    return this.#yields;
  }

  /** Stops working a job (aborted or deleted). */
  cancel(jobId: string): void {
    this.#work.cancel(jobId);
  }

  /** Stops all background work. */
  stopAll(): void {
    for (const jobId of this.#work.keys()) this.cancel(jobId);
  }

  #begin(job: QueryJob): void {
    if (job.state !== QueryJobState.UploadComplete) return;
    transitionQuery(job, QueryJobState.InProgress, auditTimestamp(this.#clock));
    job.processingStartedAt = Date.now();
    const includeDeleted = job.operation === QueryOperation.QueryAll;
    let cursor: SoqlCursor;
    try {
      cursor = startPreparedSoql(this.#org, job.prepared, { includeDeleted });
    } catch (error) {
      return this.#fail(job, error);
    }
    this.#evaluate(job, cursor);
  }

  /** One step of the query; the rows become the job's result once all of them are known. */
  #evaluate(job: QueryJob, cursor: SoqlCursor): void {
    if (job.state !== QueryJobState.InProgress) return;
    try {
      if (!cursor.step()) {
        this.#yields += 1;
        this.#work.schedule(job.id, 0, () => this.#evaluate(job, cursor));
        return;
      }
    } catch (error) {
      return this.#fail(job, error);
    }
    job.result = soqlResult(job.prepared, cursor.rows);
    this.#tick(job);
  }

  /** Never lets a failing query escape into the event loop: the job fails, as a real one would. */
  #fail(job: QueryJob, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    job.errorMessage = error instanceof SoqlError ? `${error.code} : ${message}` : `UNKNOWN_EXCEPTION : ${message}`;
    transitionQuery(job, QueryJobState.Failed, auditTimestamp(this.#clock));
    this.#touch(job);
  }

  #tick(job: QueryJob): void {
    if (job.state !== QueryJobState.InProgress) return;
    const total = job.result?.rows.length ?? 0;
    const chunk = this.#recordsPerSecond === undefined ? total : Math.max(1, Math.floor(this.#recordsPerSecond / 10));
    job.numberRecordsProcessed = Math.min(total, job.numberRecordsProcessed + chunk);
    this.#touch(job);
    if (job.numberRecordsProcessed >= total) {
      transitionQuery(job, QueryJobState.JobComplete, auditTimestamp(this.#clock));
      return;
    }
    const delay = this.#recordsPerSecond === undefined ? 0 : (chunk / this.#recordsPerSecond) * 1000;
    this.#yields += 1;
    this.#work.schedule(job.id, delay, () => this.#tick(job));
  }

  #touch(job: QueryJob): void {
    job.systemModstamp = auditTimestamp(this.#clock);
    job.totalProcessingTime = Date.now() - (job.processingStartedAt ?? Date.now());
  }
}
