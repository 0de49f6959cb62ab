/**
 * Bulk API v1 ("async") wire values and shapes: jobs, batches, ingest results.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_reference_jobinfo.htm
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_reference_batchinfo.htm
 */

/** Job operations, case-sensitive on the wire (`INSERT` is refused). */
export const Bulk1Operation = {
  Insert: 'insert',
  Update: 'update',
  Upsert: 'upsert',
  Delete: 'delete',
  HardDelete: 'hardDelete',
  Query: 'query',
  QueryAll: 'queryAll',
} as const;
export type Bulk1Operation = (typeof Bulk1Operation)[keyof typeof Bulk1Operation];

/** The format of a job's batches and results. Job and batch info of CSV jobs are XML. */
export const Bulk1ContentType = { CSV: 'CSV', XML: 'XML', JSON: 'JSON' } as const;
export type Bulk1ContentType = (typeof Bulk1ContentType)[keyof typeof Bulk1ContentType];

/** How Salesforce runs a job's batches. */
export const Bulk1ConcurrencyMode = { Parallel: 'Parallel', Serial: 'Serial' } as const;
export type Bulk1ConcurrencyMode = (typeof Bulk1ConcurrencyMode)[keyof typeof Bulk1ConcurrencyMode];

/** Job states. The client moves an `Open` job to `Closed` or `Aborted`. */
export const Bulk1JobState = { Open: 'Open', Closed: 'Closed', Aborted: 'Aborted', Failed: 'Failed' } as const;
export type Bulk1JobState = (typeof Bulk1JobState)[keyof typeof Bulk1JobState];

/**
 * Batch states. `Completed` may still hold failed records; `Failed` means the batch as a whole failed
 * (see `stateMessage`); `NotProcessed` is an aborted job's queued batch or a PK-chunked job's original batch.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_batches_interpret_status.htm
 */
export const Bulk1BatchState = {
  Queued: 'Queued',
  InProgress: 'InProgress',
  Completed: 'Completed',
  Failed: 'Failed',
  NotProcessed: 'NotProcessed',
} as const;
export type Bulk1BatchState = (typeof Bulk1BatchState)[keyof typeof Bulk1BatchState];

/** Batch states that will not change any more. */
export const TERMINAL_BULK1_BATCH_STATES: readonly Bulk1BatchState[] = ['Completed', 'Failed', 'NotProcessed'];

/**
 * Options of the `Sforce-Enable-PKChunking` header (query jobs only). `{}` turns chunking on with
 * Salesforce's defaults (100,000 ids per chunk, from the first record).
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/async_api_headers_enable_pk_chunking.htm
 */
export interface PkChunkingOptions {
  /** Ids per chunk, up to 250,000. */
  chunkSize?: number;
  /** The 15- or 18-character id of the first record of the first chunk. */
  startRow?: string;
  /** The parent object, when querying a sharing object such as `AccountShare`. */
  parent?: string;
}

/** What a new job is made of. @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_jobs_create.htm */
export interface CreateBulk1JobRequest {
  operation: Bulk1Operation;
  object: string;
  /** @default 'CSV' */
  contentType?: Bulk1ContentType;
  /** Required for `upsert`. */
  externalIdFieldName?: string;
  /** @default 'Parallel' */
  concurrencyMode?: Bulk1ConcurrencyMode;
  assignmentRuleId?: string;
  pkChunking?: PkChunkingOptions;
  /** Sends `Sforce-Disable-Batch-Retry: TRUE`: a batch that fails is not retried by Salesforce. */
  disableBatchRetry?: boolean;
}

/** A job as Salesforce describes it; counters are numbers whatever the wire format. */
export interface Bulk1JobInfo {
  id: string;
  operation: Bulk1Operation;
  object: string;
  state: Bulk1JobState;
  contentType: Bulk1ContentType;
  concurrencyMode: Bulk1ConcurrencyMode;
  createdById?: string;
  createdDate?: string;
  systemModstamp?: string;
  externalIdFieldName?: string;
  assignmentRuleId?: string;
  apiVersion?: number;
  numberBatchesQueued: number;
  numberBatchesInProgress: number;
  numberBatchesCompleted: number;
  numberBatchesFailed: number;
  numberBatchesTotal: number;
  numberRecordsProcessed: number;
  numberRecordsFailed: number;
  numberRetries: number;
  totalProcessingTime: number;
  apiActiveProcessingTime: number;
  apexProcessingTime: number;
}

/** Why a batch failed, from `stateMessage` (`InvalidBatch : Field name not found : Foo`). */
export interface Bulk1BatchFailure {
  /** The exception code before ` : `, e.g. `InvalidBatch`, `ClientInputError`; `Unknown` when absent. */
  exceptionCode: string;
  message: string;
}

/** A batch as Salesforce describes it. */
export interface Bulk1BatchInfo {
  id: string;
  jobId: string;
  state: Bulk1BatchState;
  stateMessage?: string;
  /** Set when `state` is `Failed`. */
  failure?: Bulk1BatchFailure;
  createdDate?: string;
  systemModstamp?: string;
  numberRecordsProcessed: number;
  numberRecordsFailed: number;
  totalProcessingTime: number;
  apiActiveProcessingTime: number;
  apexProcessingTime: number;
}

/**
 * A job named by id, with its content type when known: it decides the format of requests about the job. A bare
 * id is taken as a CSV job (XML job info, CSV batches); answers are read by their Content-Type either way.
 */
export type Bulk1JobRef = string | Pick<Bulk1JobInfo, 'id' | 'contentType'>;

/** One per-record error of an ingest result. */
export interface Bulk1RecordError {
  statusCode: string;
  message: string;
  fields: string[];
}

/** One ingest result row, whatever the job's content type. */
export interface Bulk1IngestResult {
  /** The record's id; absent when the row failed before an id existed. */
  id: string | undefined;
  success: boolean;
  created: boolean;
  errors: Bulk1RecordError[];
  /** The errors as CSV results write them: `CODE:message:Field1,Field2 --`; empty on success. */
  error: string;
}

/** A value of a record sent in a batch; `null` sets the field to null, `undefined` leaves it out. */
export type Bulk1FieldValue = string | number | boolean | Date | null | undefined | Bulk1Record;

/** A record to send: field → value; a nested record is a relationship by external id. */
export interface Bulk1Record {
  [field: string]: Bulk1FieldValue;
}

/** A batch the client added, with the position of its records in the caller's input. */
export interface Bulk1AddedBatch {
  batch: Bulk1BatchInfo;
  /** 0-based position of the batch in the input. */
  index: number;
  /** 0-based position of the batch's first record in the input. */
  firstRow: number;
  rows: number;
  bytes: number;
}

/**
 * Whether a v1 job changes no more, the one rule for ingest and query jobs: it takes no more batches (it is not
 * `Open`) and none of its batches is `Queued` or `InProgress` (an aborted job's running batches still finish; a
 * PK-chunked query's chunk batches appear before its original batch goes `NotProcessed`).
 */
export function isBulk1JobDone(
  job: Pick<Bulk1JobInfo, 'state'>,
  batches: readonly Pick<Bulk1BatchInfo, 'state'>[],
): boolean {
  return job.state !== 'Open' && batches.every((b) => TERMINAL_BULK1_BATCH_STATES.includes(b.state));
}

/** The id and content type of a job reference (undefined for a bare id). */
export function jobRef(job: Bulk1JobRef): { id: string; contentType: Bulk1ContentType | undefined } {
  return typeof job === 'string' ? { id: job, contentType: undefined } : { id: job.id, contentType: job.contentType };
}
