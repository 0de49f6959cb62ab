/**
 * Works v1 batches in the background, never inside a request. Parallel jobs start each batch as it arrives;
 * Serial jobs run one batch at a time in the order they were added. Ingest batches are written a chunk at a
 * time, and queries evaluated a few thousand records at a time, yielding to the event loop between steps, so
 * polls and aborts are answered while batches run. Jobs need not be closed first: clients poll batches to
 * completion before they close the job.
 */
import { BackgroundWork } from '../background-work.js';
import { auditTimestamp } from '../clock.js';
import type { ProcessingHooks } from '../faults/processing-hooks.js';
import type { ColumnRef } from '../org/columns.js';
import type { IdFactory } from '../org/ids.js';
import type { DmlOperation, Org } from '../org/org.js';
import { StatusCode, recordError } from '../org/record-errors.js';
import { findField } from '../org/schemas.js';
import type { FieldSchema, SObjectSchema } from '../org/schemas.js';
import { parseBatchRecords } from './batch-records.js';
import type { BatchRow } from './batch-records.js';
import { soqlResult } from '../soql/index.js';
import { ChunkRangeFinder } from './pk-chunking.js';
import { DEFAULT_QUERY_ROWS_PER_FILE, resultFiles, startQueryBatch } from './query-batch.js';
import { ConcurrencyMode, V1BatchState, V1JobState, isQuery, settleJobState } from './v1-jobs.js';
import type { V1Batch, V1Job, V1JobStore } from './v1-jobs.js';

/** How batches are worked. */
export interface V1ProcessorOptions {
  org: Org;
  ids: IdFactory;
  jobs: V1JobStore;
  /** Records per second per batch; undefined works as fast as possible while still yielding. */
  recordsPerSecond?: number;
  /** Rows per query result file. @default 100,000 */
  queryRowsPerFile?: number;
  /** Called for batches the processor adds itself (PK chunking), which count against the daily allocation. */
  onBatchesAdded?: (count: number) => void;
  /** Fault hooks: per-record errors such as UNABLE_TO_LOCK_ROW. */
  hooks?: ProcessingHooks;
}

interface RunningBatch {
  job: V1Job;
  batch: V1Batch;
  schema: SObjectSchema;
  rows: BatchRow[];
  columns: Map<readonly string[], ColumnRef[]>;
  externalIdField?: FieldSchema;
  cursor: number;
}

/** Salesforce writes v1 batches in 200-record chunks (API 21.0 and later). */
const CHUNK_ROWS = 200;

/** Runs batches of v1 jobs. */
export class V1Processor {
  readonly #options: V1ProcessorOptions;
  readonly #work = new BackgroundWork();
  #yields = 0;

  constructor(options: V1ProcessorOptions) {
    this.#options = options;
  }

  /** How many times the processor has handed the event loop back between steps of a batch: for tests. */
  get yields(): number {
    return this.#yields;
  }

  /** Starts whatever the job may run now: every Queued batch when Parallel, the next one when Serial. */
  dispatch(job: V1Job): void {
    if (job.state === V1JobState.Aborted) return;
    const queued = job.batches.filter((b) => b.state === V1BatchState.Queued && !this.#work.has(b.id));
    if (job.concurrencyMode === ConcurrencyMode.Parallel) {
      for (const batch of queued) this.#work.schedule(batch.id, 0, () => this.#begin(job, batch));
      return;
    }
    const busy = job.batches.some((b) => b.state === V1BatchState.InProgress || this.#work.has(b.id));
    const next = queued[0];
    if (!busy && next) this.#work.schedule(next.id, 0, () => this.#begin(job, next));
  }

  /** Aborts a job's waiting work: Queued batches become NotProcessed; running ones finish. */
  abort(job: V1Job): void {
    for (const batch of job.batches) {
      if (batch.state !== V1BatchState.Queued) continue;
      this.#cancel(batch.id);
      batch.state = V1BatchState.NotProcessed;
      batch.systemModstamp = auditTimestamp(this.#options.jobs.clock);
    }
  }

  /** Stops all background work. */
  stopAll(): void {
    for (const id of this.#work.keys()) this.#cancel(id);
  }

  #cancel(batchId: string): void {
    this.#work.cancel(batchId);
  }

  #begin(job: V1Job, batch: V1Batch): void {
    if (batch.state !== V1BatchState.Queued) return;
    batch.state = V1BatchState.InProgress;
    batch.startedAt = Date.now();
    this.#touch(batch);
    if (isQuery(job.operation)) return this.#query(job, batch);
    const schema = this.#options.org.schemas.get(job.object);
    if (!schema)
      return this.#finish(job, batch, V1BatchState.Failed, `InvalidJob : Unable to find object: ${job.object}`);
    const parsed = parseBatchRecords(batch.request, job.contentType);
    if (!parsed.ok) return this.#finish(job, batch, V1BatchState.Failed, parsed.stateMessage);
    const columns = new Map<readonly string[], ColumnRef[]>();
    for (const row of parsed.rows) {
      if (columns.has(row.header)) continue;
      const resolution = this.#options.org.resolveColumns(schema, row.header);
      if (!resolution.ok) {
        return this.#finish(
          job,
          batch,
          V1BatchState.Failed,
          `InvalidBatch : Field name not found : ${resolution.notFound}`,
        );
      }
      columns.set(row.header, resolution.columns);
    }
    const running: RunningBatch = { job, batch, schema, rows: parsed.rows, columns, cursor: 0 };
    const externalIdField = job.externalIdFieldName ? findField(schema, job.externalIdFieldName) : undefined;
    if (externalIdField) running.externalIdField = externalIdField;
    this.#tick(running);
  }

  #tick(running: RunningBatch): void {
    const { job, batch, rows } = running;
    const chunk = this.#chunkRows();
    const end = Math.min(running.cursor + chunk, rows.length);
    // One 200-record chunk is one transaction: its records share one SystemModstamp.
    const stamp = auditTimestamp(this.#options.jobs.clock);
    for (; running.cursor < end; running.cursor++) this.#writeRow(running, running.cursor, stamp);
    this.#touch(batch);
    if (running.cursor >= rows.length) return this.#finish(job, batch, V1BatchState.Completed);
    const rate = this.#options.recordsPerSecond;
    this.#yields += 1;
    this.#work.schedule(batch.id, rate === undefined ? 0 : (chunk / rate) * 1000, () => this.#tick(running));
  }

  #writeRow(running: RunningBatch, index: number, timestamp: Date): void {
    const { job, batch } = running;
    const row = running.rows[index];
    const columns = row ? running.columns.get(row.header) : undefined;
    if (!row || !columns) return;
    const injected = this.#options.hooks?.rowError({ jobId: job.id, object: job.object }, index);
    if (injected) {
      batch.outcomes[index] = { success: false, id: '', error: injected };
      batch.numberRecordsProcessed += 1;
      batch.numberRecordsFailed += 1;
      return;
    }
    const result =
      row.cells.length === columns.length
        ? this.#options.org.applyRow({
            object: running.schema,
            // Ingest jobs only reach here, and their operations are spelled as the org's DML operations.
            operation: job.operation as DmlOperation,
            columns,
            cells: row.cells,
            userId: job.createdById,
            timestamp,
            ...(running.externalIdField ? { externalIdField: running.externalIdField } : {}),
          })
        : {
            success: false as const,
            id: '',
            error: recordError(
              StatusCode.InvalidField,
              `Incorrect number of fields in row: expected ${columns.length}, found ${row.cells.length}`,
            ),
          };
    batch.outcomes[index] = result;
    batch.numberRecordsProcessed += 1;
    if (!result.success) batch.numberRecordsFailed += 1;
  }

  #query(job: V1Job, batch: V1Batch): void {
    const { org, ids, jobs } = this.#options;
    if (job.pkChunking && batch.idRange === undefined) {
      // The original batch only seeds the chunks: it ends NotProcessed and each Id range gets its own batch.
      const finder = new ChunkRangeFinder(org, job.object, job.pkChunking);
      return this.#steps(
        batch.id,
        () => finder.step(),
        () => {
          for (const range of finder.ranges) jobs.addBatch(job, batch.request, range);
          this.#options.onBatchesAdded?.(finder.ranges.length);
          this.#finish(job, batch, V1BatchState.NotProcessed);
        },
      );
    }
    const started = startQueryBatch(org, job, batch);
    if (!started.ok) return this.#finish(job, batch, V1BatchState.Failed, started.stateMessage);
    const { query, cursor } = started;
    this.#steps(
      batch.id,
      () => cursor.step(),
      () => {
        const rowsPerFile = this.#options.queryRowsPerFile ?? DEFAULT_QUERY_ROWS_PER_FILE;
        batch.resultFiles = resultFiles(soqlResult(query, cursor.rows), rowsPerFile, ids);
        batch.numberRecordsProcessed = cursor.rows.length;
        this.#finish(job, batch, V1BatchState.Completed);
      },
    );
  }

  /** Runs `step` until it answers true, handing the event loop back between steps, then `done`. */
  #steps(batchId: string, step: () => boolean, done: () => void): void {
    if (step()) return done();
    this.#yields += 1;
    this.#work.schedule(batchId, 0, () => this.#steps(batchId, step, done));
  }

  #finish(job: V1Job, batch: V1Batch, state: V1BatchState, stateMessage?: string): void {
    batch.state = state;
    if (stateMessage !== undefined) batch.stateMessage = stateMessage;
    this.#touch(batch);
    settleJobState(job, batch.systemModstamp);
    this.dispatch(job);
  }

  #chunkRows(): number {
    const rate = this.#options.recordsPerSecond;
    // About ten ticks a second when slowed down, so progress shows steadily.
    return rate === undefined ? CHUNK_ROWS : Math.max(1, Math.min(CHUNK_ROWS, Math.floor(rate / 10)));
  }

  #touch(batch: V1Batch): void {
    batch.systemModstamp = auditTimestamp(this.#options.jobs.clock);
    batch.totalProcessingTime = Date.now() - (batch.startedAt ?? Date.now());
  }
}
