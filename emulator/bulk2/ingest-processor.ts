/**
 * Works ingest jobs in the background, never inside a request: after UploadComplete a job goes InProgress, its
 * upload is parsed about a megabyte per step, and its rows are written a chunk at a time, yielding to the event
 * loop between steps so the server keeps answering polls, aborts and uploads while a large job runs. Counters
 * advance as it works.
 */
import { BackgroundWork } from '../background-work.js';
import { SYSTEM_CLOCK, auditTimestamp } from '../clock.js';
import type { Clock } from '../clock.js';
import type { ProcessingHooks } from '../faults/processing-hooks.js';
import type { ColumnRef } from '../org/columns.js';
import { StatusCode, formatRecordError, recordError } from '../org/record-errors.js';
import type { RecordError } from '../org/record-errors.js';
import { findField } from '../org/schemas.js';
import type { FieldSchema, SObjectSchema } from '../org/schemas.js';
import type { Org } from '../org/org.js';
import { UploadReader } from './csv-upload.js';
import type { ParsedUpload } from './csv-upload.js';
import { IngestJobState, transition } from './ingest-jobs.js';
import type { IngestJob } from './ingest-jobs.js';

/** How fast jobs are worked. */
export interface IngestProcessorOptions {
  org: Org;
  /** Rows per second; undefined works as fast as possible while still yielding between chunks. */
  recordsPerSecond?: number;
  /** Faults, limits and persistence: per-row errors, job failures, speed override, change notices. */
  hooks?: ProcessingHooks;
  /** Stamps job changes and the records written. @default real time */
  clock?: Clock;
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
  readonly #work = new BackgroundWork();
  readonly #hooks: ProcessingHooks | undefined;
  readonly #clock: Clock;
  /** Readers of uploads being parsed, by job id. */
  readonly #readers = new Map<string, UploadReader>();
  #yields = 0;

  constructor(options: IngestProcessorOptions) {
    this.#org = options.org;
    this.#recordsPerSecond = options.recordsPerSecond;
    this.#hooks = options.hooks;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
  }

  /** Starts a job that has just reached UploadComplete. */
  start(job: IngestJob): void {
    this.#work.schedule(job.id, 0, () => this.#begin(job));
  }

  /** Continues a job restored InProgress (persistence): rows that have an outcome are not written again. */
  resume(job: IngestJob): void {
    this.#work.schedule(job.id, 0, () => {
      if (job.state !== IngestJobState.InProgress) return;
      if (job.upload) this.#run(job, job.upload, job.numberRecordsProcessed);
      else if (job.data) this.#parse(job, this.#readerOf(job));
    });
  }

  /** How many times the processor has handed the event loop back between steps of a job: for tests. */
  get yields(): number {
    return this.#yields;
  }

  /**
   * Stops working an aborted job. An upload not parsed yet is parsed now, going on from where processing
   * stopped, so that its rows show as unprocessed; a step at a time, like processing.
   */
  async abort(job: IngestJob): Promise<void> {
    const reader = job.upload === undefined && job.data !== undefined ? this.#readerOf(job) : undefined;
    this.cancel(job.id);
    if (!reader) return;
    while (!reader.step()) await new Promise((resolve) => setImmediate(resolve));
    job.upload = reader.result().upload;
    job.data = undefined;
  }

  /** Stops working a job (aborted or deleted); rows not yet written stay unprocessed. */
  cancel(jobId: string): void {
    this.#work.cancel(jobId);
    this.#readers.delete(jobId);
  }

  #readerOf(job: IngestJob): UploadReader {
    const reader =
      this.#readers.get(job.id) ?? new UploadReader(job.data ?? Buffer.alloc(0), job.columnDelimiter, job.lineEnding);
    this.#readers.set(job.id, reader);
    return reader;
  }

  /** Stops all background work. */
  stopAll(): void {
    for (const jobId of this.#work.keys()) this.cancel(jobId);
    this.#readers.clear();
  }

  #begin(job: IngestJob): void {
    if (job.state !== IngestJobState.UploadComplete) return;
    transition(job, IngestJobState.InProgress, auditTimestamp(this.#clock));
    job.processingStartedAt = Date.now();
    this.#parse(job, this.#readerOf(job));
  }

  /** One step of parsing the upload; the raw upload is kept until the whole of it is parsed. */
  #parse(job: IngestJob, reader: UploadReader): void {
    if (job.state !== IngestJobState.InProgress) return;
    if (!reader.step()) {
      this.#yields += 1;
      this.#work.schedule(job.id, 0, () => this.#parse(job, reader));
      return;
    }
    this.#readers.delete(job.id);
    const parsed = reader.result();
    job.data = undefined;
    job.upload = parsed.upload;
    if (!parsed.ok) return this.#fail(job, parsed.errorMessage);
    this.#hooks?.ingestJobStarted({ jobId: job.id, object: job.object }, parsed.upload.rows.length);
    this.#run(job, parsed.upload, 0);
  }

  #run(job: IngestJob, upload: ParsedUpload, cursor: number): void {
    const schema = this.#org.schemas.get(job.object);
    if (!schema) return this.#fail(job, `InvalidJob : Unable to find object: ${job.object}`);
    const resolution = this.#org.resolveColumns(schema, upload.header);
    if (!resolution.ok) return this.#fail(job, `InvalidBatch : Field name not found : ${resolution.notFound}`);
    const externalIdField = job.externalIdFieldName ? findField(schema, job.externalIdFieldName) : undefined;
    const running: RunningJob = { job, upload, schema, columns: resolution.columns, cursor };
    if (externalIdField) running.externalIdField = externalIdField;
    this.#tick(running);
  }

  #tick(running: RunningJob): void {
    const { job, upload } = running;
    if (job.state !== IngestJobState.InProgress) return;
    const chunk = this.#chunkRows();
    const end = Math.min(running.cursor + chunk, upload.rows.length);
    // One processing step is one transaction: its records share one SystemModstamp, as a real chunk's do.
    const stamp = auditTimestamp(this.#clock);
    for (; running.cursor < end; running.cursor++) {
      const failure = this.#hooks?.jobFailure({ jobId: job.id, object: job.object }, running.cursor);
      if (failure !== undefined) return this.#fail(job, failure);
      this.#writeRow(running, running.cursor, stamp);
    }
    this.#touch(job);
    if (running.cursor >= upload.rows.length) {
      transition(job, IngestJobState.JobComplete, auditTimestamp(this.#clock));
      return;
    }
    const rate = this.#rate();
    const delay = rate === undefined ? 0 : (chunk / rate) * 1000;
    this.#yields += 1;
    this.#work.schedule(job.id, delay, () => this.#tick(running));
  }

  #writeRow(running: RunningJob, index: number, timestamp: Date): void {
    const { job } = running;
    const cells = running.upload.rows[index] ?? [];
    const request = {
      object: running.schema,
      operation: job.operation,
      columns: running.columns,
      cells,
      userId: job.createdById,
      timestamp,
      ...(running.externalIdField ? { externalIdField: running.externalIdField } : {}),
    };
    // A fault may fail the row (e.g. UNABLE_TO_LOCK_ROW) before it reaches the org.
    const injected = this.#hooks?.rowError({ jobId: job.id, object: job.object }, index);
    const result =
      cells.length !== running.columns.length
        ? { success: false as const, id: '', error: columnCountError(cells.length, running.columns.length) }
        : injected
          ? { success: false as const, id: '', error: injected }
          : this.#org.applyRow(request);
    job.outcomes[index] = result.success
      ? result
      : { success: false, id: result.id, error: formatRecordError(result.error) };
    job.numberRecordsProcessed += 1;
    if (!result.success) job.numberRecordsFailed += 1;
  }

  /** Rows per second: a slowProcessing fault wins over the configured speed. */
  #rate(): number | undefined {
    return this.#hooks?.recordsPerSecond() ?? this.#recordsPerSecond;
  }

  #chunkRows(): number {
    const rate = this.#rate();
    if (rate === undefined) return CHUNK_ROWS;
    // About ten ticks a second, so a slowed job still shows steady progress.
    return Math.max(1, Math.min(CHUNK_ROWS, Math.floor(rate / 10)));
  }

  #touch(job: IngestJob): void {
    job.systemModstamp = auditTimestamp(this.#clock);
    job.totalProcessingTime = Date.now() - (job.processingStartedAt ?? Date.now());
    this.#hooks?.changed();
  }

  #fail(job: IngestJob, errorMessage: string): void {
    job.errorMessage = errorMessage;
    transition(job, IngestJobState.Failed, auditTimestamp(this.#clock));
    this.#touch(job);
  }
}

/** A row whose cell count differs from the header's. The exact Salesforce wording is not confirmed. */
function columnCountError(found: number, expected: number): RecordError {
  const message = `Incorrect number of fields in row: expected ${expected}, found ${found}`;
  return recordError(StatusCode.InvalidField, message);
}
