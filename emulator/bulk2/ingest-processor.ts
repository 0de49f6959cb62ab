/**
 * Works ingest jobs in the background, never inside a request: after UploadComplete a job goes InProgress, its
 * upload is read through once about a megabyte per step (to count its rows and check its header and quoting,
 * which can fail the whole job), then read again as it is processed, a chunk of rows at a time, yielding to the
 * event loop between steps so the server keeps answering polls, aborts and uploads while a large job runs. Only
 * the rows of the step at hand are held: each row's outcome goes straight to the job's result files
 * (`ingest-results.ts`), and the rows never processed go to the unprocessed records when the job stops.
 * Counters advance as it works.
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
import { WorkDir } from '../work-dir.js';
import { DELIMITER_CHARACTERS, newlineOf } from './csv.js';
import { UploadReader } from './csv-upload.js';
import { IngestJobState, transition } from './ingest-jobs.js';
import type { IngestJob } from './ingest-jobs.js';
import { IngestResults } from './ingest-results.js';

/** How fast jobs are worked. */
export interface IngestProcessorOptions {
  org: Org;
  /** Rows per second; undefined works as fast as possible while still yielding between chunks. */
  recordsPerSecond?: number;
  /** Faults, limits and persistence: per-row errors, job failures, speed override, change notices. */
  hooks?: ProcessingHooks;
  /** Stamps job changes and the records written. @default real time */
  clock?: Clock;
  /** Where result files too large for memory are written. @default a folder in the system's temporary folder */
  workDir?: WorkDir;
}

/** The rows of an upload in order, read a step at a time as they are needed. */
class RowSource {
  readonly #reader: UploadReader;
  #queue: string[][] = [];
  #position = 0;
  #done = false;
  /** Rows to pass over before the first one handed out (a job resumed after a restart). */
  #skip: number;

  constructor(job: IngestJob, skip = 0) {
    this.#reader = readerOf(job);
    this.#skip = skip;
  }

  /** The next row; undefined at the end of the upload. Reads the upload a step at a time as rows are needed. */
  next(): string[] | undefined {
    while (this.#position >= this.#queue.length) {
      if (this.#done) return undefined;
      this.#done = this.#reader.step();
      const rows = this.#reader.takeRows();
      const skipped = Math.min(this.#skip, rows.length);
      this.#skip -= skipped;
      this.#queue = skipped > 0 ? rows.slice(skipped) : rows;
      this.#position = 0;
    }
    return this.#queue[this.#position++];
  }

  /** The upload's header line; known once the first row has been asked for. */
  get headerLine(): string {
    return this.#reader.result().upload.headerLine;
  }
}

interface RunningJob {
  job: IngestJob;
  rows: RowSource;
  results: IngestResults;
  schema: SObjectSchema;
  columns: ColumnRef[];
  externalIdField?: FieldSchema;
  /** The index of the next row in the upload. */
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
  readonly #workDir: WorkDir;
  /** Jobs being worked, by id: where their rows are read from. */
  readonly #running = new Map<string, RunningJob>();
  #yields = 0;

  constructor(options: IngestProcessorOptions) {
    this.#org = options.org;
    this.#recordsPerSecond = options.recordsPerSecond;
    this.#hooks = options.hooks;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#workDir = options.workDir ?? new WorkDir();
  }

  /** Starts a job that has just reached UploadComplete. */
  start(job: IngestJob): void {
    this.#work.schedule(job.id, 0, () => this.#begin(job));
  }

  /** Continues a job restored InProgress (persistence): rows that have an outcome are not written again. */
  resume(job: IngestJob): void {
    this.#work.schedule(job.id, 0, () => {
      if (job.state === IngestJobState.InProgress) this.#count(job, readerOf(job), 0);
    });
  }

  /** How many times the processor has handed the event loop back between steps of a job: for tests. */
  get yields(): number {
    return this.#yields;
  }

  /**
   * Stops working an aborted job. The rows not processed are read now, going on from where processing stopped
   * (or from the start, for an upload never processed), so that they show as unprocessed; a step at a time.
   */
  async abort(job: IngestJob): Promise<void> {
    const running = this.#running.get(job.id);
    this.cancel(job.id);
    if (job.data === undefined) return;
    const results = this.#resultsOf(job);
    const rows = running?.rows ?? new RowSource(job);
    for (let count = 1, row = rows.next(); row !== undefined; count++, row = rows.next()) {
      results.notProcessed(row);
      if (count % CHUNK_ROWS === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    job.headerLine ??= rows.headerLine;
    dropUpload(job);
  }

  /** Stops working a job (aborted or deleted); rows not yet written stay unprocessed. */
  cancel(jobId: string): void {
    this.#work.cancel(jobId);
    this.#running.delete(jobId);
  }

  /** Stops all background work. */
  stopAll(): void {
    for (const jobId of this.#work.keys()) this.cancel(jobId);
    this.#running.clear();
  }

  #resultsOf(job: IngestJob): IngestResults {
    const { columnDelimiter, lineEnding } = job;
    job.results ??= new IngestResults(this.#workDir, DELIMITER_CHARACTERS[columnDelimiter], newlineOf(lineEnding));
    return job.results;
  }

  #begin(job: IngestJob): void {
    if (job.state !== IngestJobState.UploadComplete) return;
    transition(job, IngestJobState.InProgress, auditTimestamp(this.#clock));
    job.processingStartedAt = Date.now();
    this.#count(job, readerOf(job), 0);
  }

  /** One step of the first pass over the upload: counts its rows and finds what fails the whole job. */
  #count(job: IngestJob, reader: UploadReader, counted: number): void {
    if (job.state !== IngestJobState.InProgress) return;
    const done = reader.step();
    const rows = counted + reader.takeRows().length;
    if (!done) {
      this.#yields += 1;
      this.#work.schedule(job.id, 0, () => this.#count(job, reader, rows));
      return;
    }
    const parsed = reader.result();
    job.headerLine = parsed.upload.headerLine;
    this.#resultsOf(job);
    if (!parsed.ok) return this.#fail(job, parsed.errorMessage);
    if (job.rowCount === undefined) this.#hooks?.ingestJobStarted({ jobId: job.id, object: job.object }, rows);
    job.rowCount = rows;
    this.#run(job, parsed.upload.header);
  }

  #run(job: IngestJob, header: string[]): void {
    const schema = this.#org.schemas.get(job.object);
    if (!schema) return this.#fail(job, `InvalidJob : Unable to find object: ${job.object}`);
    const resolution = this.#org.resolveColumns(schema, header);
    if (!resolution.ok) return this.#fail(job, `InvalidBatch : Field name not found : ${resolution.notFound}`);
    const externalIdField = job.externalIdFieldName ? findField(schema, job.externalIdFieldName) : undefined;
    const cursor = job.numberRecordsProcessed;
    const rows = new RowSource(job, cursor);
    const { columns } = resolution;
    const running: RunningJob = { job, rows, results: this.#resultsOf(job), schema, columns, cursor };
    if (externalIdField) running.externalIdField = externalIdField;
    this.#running.set(job.id, running);
    this.#tick(running);
  }

  #tick(running: RunningJob): void {
    const { job } = running;
    if (job.state !== IngestJobState.InProgress) return;
    const chunk = this.#chunkRows();
    // One processing step is one transaction: its records share one SystemModstamp, as a real chunk's do.
    const stamp = auditTimestamp(this.#clock);
    for (let written = 0; written < chunk && running.cursor < (job.rowCount ?? 0); written++) {
      const failure = this.#hooks?.jobFailure({ jobId: job.id, object: job.object }, running.cursor);
      if (failure !== undefined) return this.#fail(job, failure);
      const cells = running.rows.next();
      if (cells === undefined) break;
      this.#writeRow(running, cells, stamp);
      running.cursor += 1;
    }
    this.#touch(job);
    if (running.cursor >= (job.rowCount ?? 0)) {
      this.#running.delete(job.id);
      dropUpload(job);
      transition(job, IngestJobState.JobComplete, auditTimestamp(this.#clock));
      return;
    }
    const rate = this.#rate();
    const delay = rate === undefined ? 0 : (chunk / rate) * 1000;
    this.#yields += 1;
    this.#work.schedule(job.id, delay, () => this.#tick(running));
  }

  #writeRow(running: RunningJob, cells: string[], timestamp: Date): void {
    const { job } = running;
    const index = running.cursor;
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
    if (result.success) running.results.success(result.id, result.created, cells);
    else running.results.failure(result.id, formatRecordError(result.error), cells);
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

  /** The job fails: the rows it had not processed (all of them, if it failed before the first) are unprocessed. */
  #fail(job: IngestJob, errorMessage: string): void {
    const rows = this.#running.get(job.id)?.rows ?? new RowSource(job, job.numberRecordsProcessed);
    this.#running.delete(job.id);
    const results = this.#resultsOf(job);
    for (let row = rows.next(); row !== undefined; row = rows.next()) results.notProcessed(row);
    dropUpload(job);
    job.errorMessage = errorMessage;
    transition(job, IngestJobState.Failed, auditTimestamp(this.#clock));
    this.#touch(job);
  }
}

function readerOf(job: IngestJob): UploadReader {
  return new UploadReader(job.data ?? Buffer.alloc(0), job.columnDelimiter, job.lineEnding);
}

/** The job has stopped: its upload is no longer needed. */
function dropUpload(job: IngestJob): void {
  job.data?.release();
  job.data = undefined;
}

/** A row whose cell count differs from the header's. The exact Salesforce wording is not confirmed. */
function columnCountError(found: number, expected: number): RecordError {
  const message = `Incorrect number of fields in row: expected ${expected}, found ${found}`;
  return recordError(StatusCode.InvalidField, message);
}
