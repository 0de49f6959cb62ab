/**
 * Bulk API 2.0 query wire values and shapes.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_create_job.htm
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_get_one_job.htm
 */
import type { Bulk2JobState, ColumnDelimiter, LineEnding } from './types.js';

/** `query`, or `queryAll` (deleted and archived records too). */
export const QueryOperation = {
  Query: 'query',
  /** Includes deleted and archived records. */
  QueryAll: 'queryAll',
} as const;
export type QueryOperation = (typeof QueryOperation)[keyof typeof QueryOperation];

/** `jobType` filter of the job lists. */
export const Bulk2JobType = {
  Classic: 'Classic',
  V2Ingest: 'V2Ingest',
  V2Query: 'V2Query',
  BigObjectIngest: 'BigObjectIngest',
} as const;
export type Bulk2JobType = (typeof Bulk2JobType)[keyof typeof Bulk2JobType];

/** The body of a Bulk 2.0 query job's create. */
export interface CreateQueryJobRequest {
  /** SOQL. Bulk 2.0 refuses GROUP BY, OFFSET, TYPEOF, aggregates, FIELDS() and parent-to-child subqueries. */
  query: string;
  /** @default 'query' */
  operation?: QueryOperation;
  /** Delimiter of the result CSV. @default 'COMMA' */
  columnDelimiter?: ColumnDelimiter;
  /** Line ending of the result CSV. @default 'LF' */
  lineEnding?: LineEnding;
}

/** A Bulk 2.0 query job, as Salesforce describes it. */
export interface QueryJobInfo {
  id: string;
  operation: QueryOperation;
  object: string;
  state: Exclude<Bulk2JobState, 'Open'>;
  createdById?: string;
  createdDate: string;
  systemModstamp?: string;
  concurrencyMode?: string;
  contentType?: string;
  apiVersion?: number;
  jobType?: string;
  lineEnding?: LineEnding;
  columnDelimiter?: ColumnDelimiter;
  numberRecordsProcessed?: number;
  retries?: number;
  totalProcessingTime?: number;
  isPkChunkingSupported?: boolean;
  errorMessage?: string;
}

/** Filters of `GET /jobs/ingest` and `GET /jobs/query`. */
export interface ListJobsFilter {
  jobType?: Bulk2JobType;
  concurrencyMode?: 'Parallel' | 'Serial';
  isPkChunkingEnabled?: boolean;
}

/** One page of a job list (Salesforce returns up to 1,000 jobs per page). */
export interface JobListPage<T> {
  done: boolean;
  records: T[];
  /** Path of the next page, e.g. `/services/data/v62.0/jobs/query?queryLocator=…`; null on the last. */
  nextRecordsUrl: string | null;
}

/** One page of query results, as handed to `onPage` once its rows are in the sink. */
export interface QueryResultPage {
  /** Locator this page was fetched with; undefined for the first page. */
  locator: string | undefined;
  /** Locator of the next page; undefined when this was the last (Salesforce's literal `null`). */
  nextLocator: string | undefined;
  /** Rows in this page (counted, and checked against `Sforce-NumberOfRecords`). */
  records: number;
  /** Bytes this page added to the sink. */
  bytes: number;
  /** 0-based index of the page within this call. */
  index: number;
  /** Rows and bytes written to the sink by this call so far, this page included. */
  totalRecords: number;
  totalBytes: number;
}

/** What `streamResults` did. */
export interface StreamResultsResult {
  pages: number;
  records: number;
  bytes: number;
  /** The column names of the result, when a page was read. */
  columns: string[] | undefined;
}
