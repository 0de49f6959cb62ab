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
import { SoqlError, startPreparedSoql } from '../soql/index.js';
import type { SoqlCursor } from '../soql/index.js';
import type { FieldValue } from '../org/field-values.js';
import { WorkDir } from '../work-dir.js';
import { DELIMITER_CHARACTERS, csvLine, newlineOf } from './csv.js';
import { LineSpool } from './line-spool.js';
import { QueryJobState, QueryOperation, transitionQuery } from './query-jobs.js';
import type { QueryJob } from './query-jobs.js';

/** How fast jobs are worked. */
export interface QueryProcessorOptions {
  org: Org;
  /** Rows per second; undefined completes each job as soon as its query has been evaluated. */
  recordsPerSecond?: number;
  /** Stamps job changes. @default real time */
  clock?: Clock;
  /** Where results too large for memory are written. @default a folder in the system's temporary folder */
  workDir?: WorkDir;
}

function cell(value: FieldValue): string {
  return value === null ? '' : String(value);
}

/** Works query jobs. */
export class QueryProcessor {
  readonly #org: Org;
  readonly #recordsPerSecond: number | undefined;
  readonly #clock: Clock;
  readonly #work = new BackgroundWork();
  readonly #workDir: WorkDir;
  /** Cursors of jobs being evaluated, closed if the job stops. */
  readonly #cursors = new Map<string, SoqlCursor>();
  #yields = 0;

  constructor(options: QueryProcessorOptions) {
    this.#org = options.org;
    this.#workDir = options.workDir ?? new WorkDir();
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
    this.#cursors.get(jobId)?.close();
    this.#cursors.delete(jobId);
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
    this.#cursors.set(job.id, cursor);
    job.result = { fields: job.prepared.select.map((field) => field.name), rows: new LineSpool(this.#workDir) };
    this.#evaluate(job, cursor);
  }

  /** One step of the query; the rows become the job's result once all of them are known. */
  #evaluate(job: QueryJob, cursor: SoqlCursor): void {
    if (job.state !== QueryJobState.InProgress) return;
    try {
      const done = cursor.step();
      this.#spool(job, cursor.takeRows());
      if (!done) {
        this.#yields += 1;
        this.#work.schedule(job.id, 0, () => this.#evaluate(job, cursor));
        return;
      }
    } catch (error) {
      this.#cursors.delete(job.id);
      cursor.close();
      return this.#fail(job, error);
    }
    this.#cursors.delete(job.id);
    this.#tick(job);
  }

  /** Writes rows to the job's result as CSV lines in its delimiter and line ending. */
  #spool(job: QueryJob, rows: FieldValue[][]): void {
    const spool = job.result?.rows;
    if (!spool || rows.length === 0) return;
    const delimiter = DELIMITER_CHARACTERS[job.columnDelimiter];
    const newline = newlineOf(job.lineEnding);
    for (const row of rows) spool.append(csvLine(row.map(cell), delimiter) + newline);
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
    const total = job.result?.rows.rows ?? 0;
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
