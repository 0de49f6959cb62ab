/**
 * Inputs and outputs of bulkflow's activities. Workflows import these as types only.
 * Everything here travels through workflow history: references, counts and checksums, no records.
 */
import type { InlineValue } from '../storage/input-sources.js';
import type { ResultFileRef } from '../common/result-files.js';
import type { Bulk2JobState, IngestOperation } from '../salesforce/bulk2/types.js';
import type { BulkApi, ColumnDelimiter, LineEnding } from '../common/wire-values.js';
import type { FailureDetails } from '../common/errors.js';

export type { ResultFileRef };

export type { InlineValue };

export interface StagedUnit {
  index: number;
  url: string;
  rows: number;
  bytes: number;
  sha256: string;
}

export interface StagedInput {
  columns: string[];
  /** Data rows of the input, those earlier runs loaded included. */
  totalRows: number;
  units: StagedUnit[];
  /** A rerun: input rows found in earlier runs' successful results, which no unit holds. */
  loadedBefore?: { rows: number; files: ResultFileRef[] };
  /** A dry run: what a real run would have refused, in the order it would have met them. Units are not written. */
  problems?: InputProblemReport[];
  /** A dry run: false when a problem stopped the reading, so the counts are not the input's. */
  readWhole?: boolean;
}

/** A problem a dry run found: what the real run's failure would say, as `bulkflowErrorOf` reads it. */
export interface InputProblemReport extends Omit<FailureDetails, 'source'> {
  /** The failure type, e.g. `bulkflow.SF_INVALID_INPUT`. */
  type: string;
  message: string;
}

export interface StageIngestInputRequest {
  /** A CSV file by URL (and its SHA-256, when known), or inline records. */
  source: { url: string; sha256?: string } | { records: Array<Record<string, InlineValue>> };
  /** Staging key prefix for this workflow, e.g. `<workflowId>/<firstRunId>`. */
  stagingPrefix: string;
  /** Which API the units are for: 2.0 jobs (≤100 MB) or v1 batches (≤10,000 rows, ≤10 MB). @default '2.0' */
  api?: BulkApi;
  /** Successful-results files of earlier runs of this business id: input rows found there are not staged. */
  loadedBefore?: string[];
  /** How a file input is read: its column delimiter and line ending (units are written with commas and LF). */
  columnDelimiter?: ColumnDelimiter;
  lineEnding?: LineEnding;
  /** Bulk v1 rows per batch (unit). @default 10000 */
  batchSize?: number;
  /** Check everything, write no unit, and report problems instead of failing at the first. */
  dryRun?: boolean;
}

export interface CreateIngestJobParams {
  /** The run's staging prefix: a record of the job goes there, for later runs of the business id. */
  stagingPrefix?: string;
  object: string;
  operation: IngestOperation;
  externalIdFieldName?: string;
  /** A Case or Lead assignment rule to run for each record. */
  assignmentRuleId?: string;
  /** Bulk v1 only: `Serial` processes one batch at a time, so batches do not lock each other's records. */
  concurrencyMode?: 'Parallel' | 'Serial';
}

/** The org's daily API usage as Salesforce last reported it (`Sforce-Limit-Info: api-usage=used/limit`). */
export interface ApiUsageSnapshot {
  used: number;
  limit: number;
}

/** A call on a job: its id, and the API version it was created with (absent in runs recorded before). */
export interface JobCall {
  jobId: string;
  apiVersion?: string;
  /** What the workflow last saw of the job, for the error if Salesforce no longer has it (`SF_JOB_EXPIRED`). */
  seen?: JobSeen;
}

/** What a workflow last saw of its job (absent in runs recorded before). */
export interface JobSeen {
  state?: string;
  /** When Salesforce says it ended (its systemModstamp in a final state). */
  endedAt?: string;
  recordsProcessed?: number;
  recordsFailed?: number;
  /** Rows given to the job (ingest). */
  rows?: number;
}

export interface IngestJobStatus {
  jobId: string;
  /** The API version the job was created with; set by the create step, which the workflow keeps it from. */
  apiVersion?: string;
  state: Bulk2JobState;
  recordsProcessed: number;
  recordsFailed: number;
  /** When it ended, by Salesforce (its systemModstamp once in a final state). */
  endedAt?: string;
  errorMessage?: string;
  /** So that polling slows down when the org is near its daily limit. */
  apiUsage?: ApiUsageSnapshot;
}

/** What {@link SplitTransientFailuresRequest} splits a failed-results file into. */
export interface TransientSplit {
  /** The rows to try again, as an upload unit (input columns only); absent when there are none. */
  retry?: StagedUnit;
  /** The rows that failed for good, in the failed-results format (`sf__Id`, `sf__Error`, input columns). */
  failed: ResultFileRef;
}

export interface SplitTransientFailuresRequest {
  /** A failed-results file: `sf__Id`, `sf__Error`, then the job's input columns. */
  failedUrl: string;
  /** Where the two outputs go, and the index the retry unit gets. */
  stagingPrefix: string;
  unitIndex: number;
  /** Error codes that count as transient (`sf__Error` starts with one of them and a colon). */
  codes: readonly string[];
}

export interface IngestJobResults {
  successful: ResultFileRef;
  failed: ResultFileRef;
  unprocessed: ResultFileRef;
}

export interface DownloadIngestResultsRequest extends JobCall {
  stagingPrefix: string;
  /**
   * The staged unit the job was given, to check the results against. Optional because workflows
   * started before the check existed do not pass it; they get the count check only.
   */
  unitUrl?: string;
  /** Rows uploaded to the job; the three result sets must add up to it. Unknown for a job adopted by id. */
  expectedRows?: number;
}

/** What `claimRun` needs: the run's identity and where it stages. */
export interface ClaimRunRequest {
  kind: 'ingest' | 'query';
  /** The run's first execution run id. */
  runId: string;
  stagingPrefix: string;
  /** Load again what earlier runs of this business id loaded, and ignore their completed result. */
  ignoreEarlierRuns?: boolean;
}

/** An earlier run of the same business id, from the run ledger. */
export interface EarlierRun {
  attempt: number;
  runId: string;
  stagingPrefix: string;
  /** How it ended, when it recorded that (terminated runs record nothing). */
  state?: string;
  endedAt?: string;
}

/** What `claimRun` found. */
export interface ClaimRunResult {
  /** This run's attempt number; absent when an earlier run completed the load. */
  attempt?: number;
  /** An earlier run that completed: this run returns its result and loads nothing. */
  completed?: { runId: string; attempt: number; endedAt: string; result: unknown };
  /** Earlier runs whose loaded rows this run must not load again. */
  earlier: EarlierRun[];
}

export interface RecordRunOutcomeRequest {
  attempt: number;
  outcome: { state: 'Completed' | 'Failed' | 'Aborted' | 'Cancelled'; result?: unknown };
}

/** The successful results of every job earlier runs created, as staged files. */
export interface EarlierSuccesses {
  /** Successful-results files (`sf__Id`, `sf__Created`, the input's columns). */
  files: string[];
  /** Salesforce jobs looked at. */
  jobs: number;
}
