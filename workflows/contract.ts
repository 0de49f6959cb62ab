/**
 * The public contract of bulkflow's workflows: names, signal, query, inputs and results.
 * Services, schedules and operators' tools depend on these names; change them only on purpose.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { IngestJobOptions, QueryJobOptions } from '../common/job-options.js';
import type { PollPolicy } from '../common/poll-policy.js';
import { QueryFormat } from '../common/query-output.js';
import type { ResultFileRef } from '../common/result-files.js';
import type { IngestOperation, BulkApi } from '../common/wire-values.js';
import type { PhaseTimings } from './phase-timings.js';

export { QueryFormat };
export type { ResultFileRef };

/** The task queue bulkflow's workers poll unless told otherwise. */
export const DEFAULT_TASK_QUEUE = 'bulkflow';

/** The public workflow type names, as services, schedules and the `temporal` CLI name them. */
export const WorkflowType = {
  BulkIngest: 'bulkIngestWorkflow',
  BulkQuery: 'bulkQueryWorkflow',
  IncrementalSync: 'incrementalSyncWorkflow',
  BulkAdopt: 'bulkAdoptWorkflow',
} as const;
/** One of {@link WorkflowType}'s names. */
export type WorkflowType = (typeof WorkflowType)[keyof typeof WorkflowType];

/** Where a bulk workflow is in its lifecycle. */
export const BulkflowState = {
  Preparing: 'Preparing',
  Uploading: 'Uploading',
  Processing: 'Processing',
  Downloading: 'Downloading',
  Completed: 'Completed',
  Failed: 'Failed',
  Aborted: 'Aborted',
} as const;
/** One of {@link BulkflowState}'s values. */
export type BulkflowState = (typeof BulkflowState)[keyof typeof BulkflowState];

/**
 * Search attributes bulk workflows keep up to date, so operators can list bulk jobs in Temporal's UI
 * and CLI (`temporal workflow list --query 'BulkflowState="Processing"'`). They must be registered on
 * the server; the worker checks at start-up.
 */
export const SearchAttributes = {
  object: defineSearchAttributeKey('BulkflowObject', SearchAttributeType.KEYWORD),
  operation: defineSearchAttributeKey('BulkflowOperation', SearchAttributeType.KEYWORD),
  state: defineSearchAttributeKey('BulkflowState', SearchAttributeType.KEYWORD),
  jobIds: defineSearchAttributeKey('BulkflowJobIds', SearchAttributeType.KEYWORD_LIST),
} as const;

/** The payload of {@link abortSignal}. */
export interface AbortRequest {
  /** Why, as operators will read it in the result and the progress query. */
  reason: string;
}

/** Operators' abort: aborts the Salesforce job(s), stops further uploads, still reports results. */
export const abortSignal = defineSignal<[AbortRequest]>('abort');

/** One Salesforce job of a bulk workflow, as last seen. */
export interface BulkJobProgress {
  /** Salesforce job id. */
  id: string;
  api: BulkApi;
  /**
   * The API version the job was created with (`62.0`); every later call on the job uses it, whatever the workers
   * are configured with by then. Absent for jobs of runs recorded before it was kept: their calls use the worker's.
   */
  apiVersion?: string;
  /** Salesforce's own job state, e.g. `InProgress`. */
  state: string;
  recordsProcessed: number;
  recordsFailed: number;
  /** When Salesforce says the job ended (its systemModstamp once final); it deletes the job's data 7 days later. */
  endedAt?: string;
  errorMessage?: string;
}

/** What {@link progressQuery} answers: the workflow's state, its jobs and record counts so far. */
export interface BulkProgress {
  state: BulkflowState;
  jobs: BulkJobProgress[];
  records: { total: number; processed: number; failed: number };
  abortReason?: string;
}

/** Query `progress`: live state and counts, answered from workflow memory (no Salesforce call). */
export const progressQuery = defineQuery<BulkProgress>('progress');

/**
 * How a workflow polls a Salesforce job: it predicts the finish from the job's progress and polls near it,
 * within a floor and a ceiling (see `common/poll-policy.ts`). The old `maxMs` is read as `ceilingMs`.
 */
export type { PollPolicy, PhaseTimings };

/** How long activities may take before Temporal retries them, e.g. on another worker after a crash. */
export interface ActivityTimeouts {
  /** Start-to-close limit of one Salesforce call (create, close, status, abort). @default 60000 */
  callMs?: number;
  /**
   * Heartbeat timeout of every step: how soon a killed worker's step is retried on another worker. Steps heartbeat
   * every 2 s while they run, whether or not bytes flow. @default 10000
   */
  heartbeatMs?: number;
}

/** A field value in inline records; `null` clears the field (sent as `#N/A`). */
export type InlineValue = string | number | boolean | null;

/**
 * The input: a CSV file by URL, or records inline for small jobs from services that already hold
 * them (at most {@link MAX_INLINE_BYTES} as JSON; they travel through history, so encrypt it).
 */
export type IngestSource =
  | {
      url: string;
      /**
       * The SHA-256 (hex) of the file's bytes, when whoever put it there knew it (the command line records the
       * checksum of a file it uploads): the worker refuses other bytes.
       */
      sha256?: string;
    }
  | { records: Array<Record<string, InlineValue>> };

/**
 * Rows that fail with a transient per-record error (`UNABLE_TO_LOCK_ROW`: another transaction held the record)
 * are sent again in follow-up jobs, after a delay, a bounded number of times. Each result file says which
 * attempt its rows' outcome came from; rows that still fail are in the failed results with their last error.
 */
export interface TransientRetryPolicy {
  /** Attempts per row in all, the first job's included; 1 turns retries off. @default 3 */
  maxAttempts?: number;
  /** Wait before each follow-up job (a durable timer), so that whatever held the lock can finish. @default 10000 */
  delayMs?: number;
  /** Bulk v1: follow-up jobs process their batches one at a time (`concurrencyMode: Serial`). @default true */
  serialOnV1?: boolean;
  /** Error codes that count as transient. @default ['UNABLE_TO_LOCK_ROW'] */
  codes?: string[];
}

/**
 * The org's daily allowances (`DailyBulkApiBatches`, `DailyApiRequests`; for queries `DailyBulkV2QueryJobs` and
 * `DailyBulkV2QueryFileStorageMB`) are checked before any job exists (for a load, after staging) against what the
 * work needs, leaving `reserveFraction` of each to other integrations.
 */
export interface OrgLimitsPolicy {
  /** Check at all (one `GET /limits` call). @default true */
  check?: boolean;
  /** Without room: `fail` at once with `bulkflow.SF_INSUFFICIENT_LIMITS` naming the limit, or `wait` for it. @default 'fail' */
  onShortfall?: 'fail' | 'wait';
  /** With `wait`: how long to wait for room before failing. @default 3600000 (1 hour) */
  maxWaitMs?: number;
  /** With `wait`: how often to look again (durable timers). @default 300000 (5 minutes) */
  checkEveryMs?: number;
  /** Share of each daily limit left to others, 0 ≤ x < 1. @default 0.1 */
  reserveFraction?: number;
}

/** Inline records above this size must be staged as a file instead. */
export const MAX_INLINE_BYTES = 256 * 1024;

/**
 * Input of `bulkIngestWorkflow`. It travels through history: a location or a few inline records, no secrets.
 *
 * Its job options are checked when the workflow starts, before anything is read or any Salesforce job exists; a
 * bad one fails the workflow with `bulkflow.SF_INVALID_INPUT` (code `SF_INVALID_OPTION`) naming it and its value.
 */
export interface BulkIngestInput extends IngestJobOptions {
  object: string;
  operation: IngestOperation;
  source: IngestSource;
  /** Required for upsert. */
  externalIdFieldName?: string;
  /** Bulk API version: `2.0` (one job per ≤100 MB) or `1.0` (one job, batches of ≤10,000 rows). @default '2.0' */
  api?: BulkApi;
  /**
   * A file input's column delimiter, by Bulk API 2.0's name: `COMMA`, `TAB`, `SEMICOLON`, `PIPE`, `CARET` or
   * `BACKQUOTE`. Either API: the rows are sent to Salesforce with commas. @default 'COMMA'
   */
  columnDelimiter?: IngestJobOptions['columnDelimiter'];
  /** A file input's line ending, `LF` or `CRLF`; a header row that ends otherwise is refused. @default the header row's */
  lineEnding?: IngestJobOptions['lineEnding'];
  /** The id of a Case or Lead assignment rule Salesforce runs for each record (`assignmentRuleId` of the job). */
  assignmentRuleId?: string;
  /** Bulk v1: `Serial` processes the job's batches one at a time (no lock contention between them). @default 'Parallel' */
  concurrencyMode?: IngestJobOptions['concurrencyMode'];
  /** Bulk v1: rows per batch, 1 to 10,000. @default 10000 */
  batchSize?: number;
  /**
   * Do everything but create a job: read and check the input, check its header against the object, count the
   * rows, units and jobs, check the org's daily allowances, and report it all in `result.dryRun` (the problems a
   * real run would fail on included: then the result is `Failed`). Stages nothing and claims no business id.
   * @default false
   */
  dryRun?: boolean;
  pollPolicy?: PollPolicy;
  activityTimeouts?: ActivityTimeouts;
  /** Salesforce jobs (upload units of ≤100 MB) run at once. @default 4 */
  maxConcurrentJobs?: number;
  /** A job's child workflow continues as new when its history reaches this many events. @default 2000 */
  historyEventLimit?: number;
  /** Follow-up jobs for rows that failed with a transient error. @default 3 attempts, 10 s apart */
  transientRetry?: TransientRetryPolicy;
  /** The daily allowance check before any job. @default checked; fails at once without room */
  limits?: OrgLimitsPolicy;
  /**
   * Load every row again, whatever earlier runs of this workflow id (the business id) loaded. Without it, a run
   * of an id whose earlier run completed returns that result and loads nothing, and a run after a failed or
   * aborted one loads only the rows that did not succeed. For a deliberate second load only. @default false
   */
  ignoreEarlierRuns?: boolean;
}

/** Set when a run returned the result of an earlier run of its business id instead of loading anything. */
export interface CompletedBefore {
  /** The earlier run's first execution run id. */
  runId: string;
  /** When it completed (ISO 8601). */
  completedAt: string;
}

/** Result of `bulkIngestWorkflow`: counts and the result files that account for every input row. */
export interface BulkIngestResult {
  /** `Completed` when every job ended (rows may still have failed individually). */
  state: typeof BulkflowState.Completed | typeof BulkflowState.Failed | typeof BulkflowState.Aborted;
  object: string;
  operation: IngestOperation;
  jobs: BulkJobProgress[];
  /**
   * Every input row is in exactly one of these: `successful`, `failed` and `unprocessed` in this run, or
   * `loadedBefore`, loaded by earlier runs of this business id (a rerun after a failure or abort).
   */
  records: { total: number; successful: number; failed: number; unprocessed: number; loadedBefore?: number };
  results: {
    successful: ResultFileRef[];
    failed: ResultFileRef[];
    unprocessed: ResultFileRef[];
    /** Earlier runs' successful results, which hold the rows counted in `records.loadedBefore`. */
    loadedBefore?: ResultFileRef[];
  };
  /** Where the time went. Absent in results of workflows started before it was added. */
  timings?: PhaseTimings;
  /** Rows sent again after a transient failure, and the most attempts any row took; absent when none. */
  retries?: { rows: number; attempts: number };
  abortReason?: string;
  /** The state the workflow was in when the abort came, e.g. `Preparing` (then no row was read whole). */
  abortedDuring?: BulkflowState;
  /** Why the workflow ended `Failed`, e.g. Salesforce's `errorMessage` for a failed job. */
  failureMessage?: string;
  /** This run loaded nothing: the business id's load had completed in an earlier run, whose result this is. */
  completedBefore?: CompletedBefore;
  /** A dry run's report: what a real run would do, and what it would refuse. */
  dryRun?: DryRunReport;
}

/** A problem a dry run found, as `bulkflowErrorOf` reads the failure a real run would end with. */
export interface DryRunProblem {
  /** The failure type, e.g. `bulkflow.SF_INVALID_INPUT`. */
  type: string;
  /** The specific check, e.g. `SF_UNKNOWN_FIELD`, `SF_RAGGED_ROW`, `SF_INSUFFICIENT_LIMITS`. */
  code: string;
  message: string;
  file?: string;
  row?: number;
  column?: number;
  field?: string;
  fields?: string[];
}

/** What a dry run found: the work a real run would do, and the problems it would fail on (first one first). */
export interface DryRunReport {
  /** Data rows of the input (rows earlier runs loaded are not left out: a dry run does not read the ledger). */
  rows: number;
  /** False when a problem in the file stopped the reading: then no rows, units or jobs were counted. */
  readWhole: boolean;
  /** The Salesforce jobs a real run would create: one per unit on Bulk 2.0, one on v1. */
  jobs: number;
  /** Its upload units: Bulk 2.0 jobs, or Bulk v1 batches. */
  units: Array<{ rows: number; bytes: number }>;
  /** Daily Bulk batches the load counts against (`DailyBulkApiBatches`), and API calls it is estimated to take. */
  batchesNeeded: number;
  apiCallsNeeded: number;
  problems: DryRunProblem[];
}

/** Input of `bulkQueryWorkflow`. Its job options are checked when the workflow starts, as the ingest's are. */
export interface BulkQueryInput extends QueryJobOptions {
  /** SOQL. Bulk 2.0 refuses GROUP BY, OFFSET, TYPEOF, aggregates, FIELDS() and subqueries. */
  soql: string;
  /** `queryAll` includes deleted and archived records. @default 'query' */
  operation?: 'query' | 'queryAll';
  /** @default '2.0' */
  api?: BulkApi;
  /**
   * Bulk v1 only: PK chunking (`Sforce-Enable-PKChunking`), the query split by Id ranges: `chunkSize` records per
   * chunk (default 100,000, at most 250,000), from the record `startRow` on.
   */
  pkChunking?: { chunkSize?: number; startRow?: string };
  /**
   * Where the records go: a `file://` path or an `s3://` object; otherwise the staging store. With `splitRows`,
   * the name of the files: `-00001`, `-00002`, … before its extension.
   */
  destination?: { url: string };
  /**
   * `csv`: Salesforce's CSV byte for byte (its header, quoting and line endings). `jsonl`: JSON lines, one object
   * per record, keys the header's fields in Salesforce's order, values the strings Salesforce's CSV holds (numbers,
   * booleans and dates as text, nothing converted), an empty field `null`. @default 'csv'
   */
  format?: QueryFormat;
  /**
   * Split the records into files of at most this many records each (every CSV file with the header), named by
   * index so that a retried download rewrites its own files. One file when absent.
   */
  splitRows?: number;
  /**
   * The daily allowances checked before the query job is created: `DailyBulkV2QueryJobs` and
   * `DailyBulkV2QueryFileStorageMB` (Bulk 2.0; `DailyBulkApiBatches` on v1) and `DailyApiRequests`.
   */
  limits?: OrgLimitsPolicy;
  /** Bulk 2.0 rows per result page (and per resumable part). @default 50000 */
  pageSize?: number;
  pollPolicy?: PollPolicy;
  activityTimeouts?: ActivityTimeouts;
  /** Continue as new while polling once history reaches this many events. @default 2000 */
  historyEventLimit?: number;
  /** Run the query even though an earlier run of this workflow id completed it (its result is returned otherwise). @default false */
  ignoreEarlierRuns?: boolean;
}

/** Result of `bulkQueryWorkflow`: the job and where its records are. */
export interface BulkQueryResult {
  state: typeof BulkflowState.Completed | typeof BulkflowState.Failed | typeof BulkflowState.Aborted;
  jobs: BulkJobProgress[];
  records: { total: number };
  /**
   * The records in one file (one header row, for CSV); absent when the job failed or was aborted, or when
   * `splitRows` split them: then `files` lists every file in order (one, header only, for no records).
   */
  results: { records?: ResultFileRef; files?: ResultFileRef[] };
  /** Where the time went (staging and upload are 0 for queries). */
  timings?: PhaseTimings;
  abortReason?: string;
  failureMessage?: string;
  /** This run ran nothing: an earlier run of the workflow id completed the query, and this is its result. */
  completedBefore?: CompletedBefore;
}

/** Input of `bulkAdoptWorkflow`: a Bulk 2.0 job created elsewhere, to follow to its end and collect. */
export interface BulkAdoptInput {
  /** The Salesforce job id (`750…`) of a Bulk 2.0 ingest or query job. */
  jobId: string;
  /** Where a query job's records go (`file://…`, `s3://…`); otherwise the staging store. */
  destination?: { url: string };
  pollPolicy?: PollPolicy;
  activityTimeouts?: ActivityTimeouts;
  /** Continue as new while polling once history reaches this many events. @default 2000 */
  historyEventLimit?: number;
}

/** Result of `bulkAdoptWorkflow`: the job as it ended and its results, saved where bulkflow saves its own. */
export interface BulkAdoptResult {
  state: typeof BulkflowState.Completed | typeof BulkflowState.Failed | typeof BulkflowState.Aborted;
  /** What the job was: `ingest` (with its object and operation) or `query`. */
  kind: 'ingest' | 'query';
  object: string;
  operation: string;
  jobs: BulkJobProgress[];
  /** Ingest: the rows in each result file; query: the records. */
  records: { successful?: number; failed?: number; unprocessed?: number; total: number };
  /** Ingest: the three result files; query: the records file. Absent for a query that failed or was aborted. */
  results: {
    successful?: ResultFileRef;
    failed?: ResultFileRef;
    unprocessed?: ResultFileRef;
    records?: ResultFileRef;
  };
  timings?: PhaseTimings;
  abortReason?: string;
  failureMessage?: string;
}
