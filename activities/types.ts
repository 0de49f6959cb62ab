/**
 * Inputs and outputs of bulkflow's activities. Workflows import these as types only.
 * Everything here travels through workflow history: references, counts and checksums, no records.
 */
import type { InlineValue } from '../storage/input-sources.js';
import type { Bulk2JobState, IngestOperation } from '../salesforce/bulk2/types.js';

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
  totalRows: number;
  units: StagedUnit[];
}

export interface StageIngestInputRequest {
  /** A CSV file by URL, or inline records. */
  source: { url: string } | { records: Array<Record<string, InlineValue>> };
  /** Staging key prefix for this workflow, e.g. `<workflowId>/<firstRunId>`. */
  stagingPrefix: string;
  /** Which API the units are for: 2.0 jobs (≤100 MB) or v1 batches (≤10,000 rows, ≤10 MB). @default '2.0' */
  api?: '2.0' | '1.0';
}

export interface CreateIngestJobParams {
  object: string;
  operation: IngestOperation;
  externalIdFieldName?: string;
}

export interface IngestJobStatus {
  jobId: string;
  state: Bulk2JobState;
  recordsProcessed: number;
  recordsFailed: number;
  errorMessage?: string;
}

export interface ResultFileRef {
  url: string;
  rows: number;
}

export interface IngestJobResults {
  successful: ResultFileRef;
  failed: ResultFileRef;
  unprocessed: ResultFileRef;
}

export interface DownloadIngestResultsRequest {
  jobId: string;
  stagingPrefix: string;
  /**
   * The staged unit the job was given, to check the results against. Optional because workflows
   * started before the check existed do not pass it; they get the count check only.
   */
  unitUrl?: string;
  /** Rows uploaded to the job; the three result sets must add up to it. */
  expectedRows: number;
}
