/**
 * Works ingest jobs in the background, never inside a request: after UploadComplete a job goes InProgress and
 * its rows are written a chunk at a time, yielding to the event loop between chunks so the server keeps
 * answering polls, aborts and uploads while a large job runs. Counters advance as it works.
 */
import type { ColumnRef } from '../org/columns.js';
import { StatusCode, formatRecordError, recordError } from '../org/record-errors.js';
import type { RecordError } from '../org/record-errors.js';
import { findField } from '../org/schemas.js';
import type { FieldSchema, SObjectSchema } from '../org/schemas.js';
import type { Org } from '../org/org.js';
import { parseUpload } from './csv.js';
import type { ParsedUpload } from './csv.js';
import { IngestJobState, transition } from './ingest-jobs.js';
import type { IngestJob } from './ingest-jobs.js';

/** How fast jobs are worked. */
export interface IngestProcessorOptions {
  org: Org;
  /** Rows per second; undefined works as fast as possible while still yielding between chunks. */
  recordsPerSecond?: number;
}

interface RunningJob {
  job: IngestJob;
  upload: ParsedUpload;
  schema: SObjectSchema;
  columns: ColumnRef[];
  externalIdField?: FieldSchema;
  cursor: number;
}

/** Salesforce works 10,000-row internal batches; smaller chunks keep the emulator responsive. */
const CHUNK_ROWS = 200;

/** Runs jobs' rows through the org. */
export class IngestProcessor {
  readonly #org: Org;
  readonly #recordsPerSecond: number | undefined;
  readonly #pending = new Map<string, () => void>();

  constructor(options: IngestProcessorOptions) {
    this.#org = options.org;
    this.#recordsPerSecond = options.recordsPerSecond;
  }

  /** Starts a job that has just reached UploadComplete. */
  start(job: IngestJob): void {
    this.#schedule(job.id, 0, () => this.#begin(job));
  }

  /** Stops working a job (aborted or deleted); rows not yet written stay unprocessed. */
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

  #begin(job: IngestJob): void {
    if (job.state !== IngestJobState.UploadComplete) return;
    transition(job, IngestJobState.InProgress);
    job.processingStartedAt = Date.now();
    const parsed = parseUpload(job.data ?? Buffer.alloc(0), job.columnDelimiter, job.lineEnding);
    job.data = undefined;
    job.upload = parsed.upload;
    if (!parsed.ok) return this.#fail(job, parsed.errorMessage);
    const schema = this.#org.schemas.get(job.object);
    if (!schema) return this.#fail(job, `InvalidJob : Unable to find object: ${job.object}`);
    const resolution = this.#org.resolveColumns(schema, parsed.upload.header);
    if (!resolution.ok) return this.#fail(job, `InvalidBatch : Field name not found : ${resolution.notFound}`);
    const externalIdField = job.externalIdFieldName ? findField(schema, job.externalIdFieldName) : undefined;
    const running: RunningJob = { job, upload: parsed.upload, schema, columns: resolution.columns, cursor: 0 };
    if (externalIdField) running.externalIdField = externalIdField;
    this.#tick(running);
  }

  #tick(running: RunningJob): void {
    const { job, upload } = running;
    if (job.state !== IngestJobState.InProgress) return;
    const chunk = this.#chunkRows();
    const end = Math.min(running.cursor + chunk, upload.rows.length);
    for (; running.cursor < end; running.cursor++) this.#writeRow(running, running.cursor);
    this.#touch(job);
    if (running.cursor >= upload.rows.length) {
      transition(job, IngestJobState.JobComplete);
      return;
    }
    const delay = this.#recordsPerSecond === undefined ? 0 : (chunk / this.#recordsPerSecond) * 1000;
    this.#schedule(job.id, delay, () => this.#tick(running));
  }

  #writeRow(running: RunningJob, index: number): void {
    const { job } = running;
    const cells = running.upload.rows[index] ?? [];
    const request = {
      object: running.schema,
      operation: job.operation,
      columns: running.columns,
      cells,
      userId: job.createdById,
      ...(running.externalIdField ? { externalIdField: running.externalIdField } : {}),
    };
    const result =
      cells.length === running.columns.length
        ? this.#org.applyRow(request)
        : { success: false as const, id: '', error: columnCountError(cells.length, running.columns.length) };
    job.outcomes[index] = result.success
      ? result
      : { success: false, id: result.id, error: formatRecordError(result.error) };
    job.numberRecordsProcessed += 1;
    if (!result.success) job.numberRecordsFailed += 1;
  }

  #chunkRows(): number {
    if (this.#recordsPerSecond === undefined) return CHUNK_ROWS;
    // About ten ticks a second, so a slowed job still shows steady progress.
    return Math.max(1, Math.min(CHUNK_ROWS, Math.floor(this.#recordsPerSecond / 10)));
  }

  #touch(job: IngestJob): void {
    job.systemModstamp = new Date();
    job.totalProcessingTime = Date.now() - (job.processingStartedAt ?? Date.now());
  }

  #fail(job: IngestJob, errorMessage: string): void {
    job.errorMessage = errorMessage;
    transition(job, IngestJobState.Failed);
    this.#touch(job);
  }
}

/** A row whose cell count differs from the header's. The exact Salesforce wording is not confirmed. */
function columnCountError(found: number, expected: number): RecordError {
  const message = `Incorrect number of fields in row: expected ${expected}, found ${found}`;
  return recordError(StatusCode.InvalidField, message);
}
