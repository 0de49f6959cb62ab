/**
 * Bulk 2.0 query jobs and their state machine. A job is created UploadComplete (its query is its upload); the
 * processor moves it to InProgress and then JobComplete or Failed; the client may abort it until it ends.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_create_job.htm
 */
import { auditTimestamp } from '../clock.js';
import type { Clock } from '../clock.js';
import { retentionOver } from '../lifespans.js';
import { JobMap } from './job-map.js';
import type { IdFactory } from '../org/ids.js';
import { KeyPrefix } from '../org/ids.js';
import type { BoundQuery } from '../soql/index.js';
import type { LineSpool } from './line-spool.js';
import type { ColumnDelimiter, LineEnding } from './csv.js';

/** Query job states, as on the wire. */
export const QueryJobState = {
  UploadComplete: 'UploadComplete',
  InProgress: 'InProgress',
  JobComplete: 'JobComplete',
  Failed: 'Failed',
  Aborted: 'Aborted',
} as const;
export type QueryJobState = (typeof QueryJobState)[keyof typeof QueryJobState];

const TRANSITIONS: Readonly<Record<QueryJobState, readonly QueryJobState[]>> = {
  UploadComplete: [QueryJobState.InProgress, QueryJobState.Failed, QueryJobState.Aborted],
  InProgress: [QueryJobState.JobComplete, QueryJobState.Failed, QueryJobState.Aborted],
  JobComplete: [],
  Failed: [],
  Aborted: [],
};

/** Query operations: queryAll also returns deleted records. */
export const QueryOperation = { Query: 'query', QueryAll: 'queryAll' } as const;
export type QueryOperation = (typeof QueryOperation)[keyof typeof QueryOperation];

/** One query job. */
export interface QueryJob {
  id: string;
  operation: QueryOperation;
  object: string;
  query: string;
  /** The query as validated at creation. */
  prepared: BoundQuery;
  columnDelimiter: ColumnDelimiter;
  lineEnding: LineEnding;
  /** The API version of the request that created the job, e.g. `62.0`. */
  apiVersion: string;
  createdById: string;
  createdDate: Date;
  systemModstamp: Date;
  state: QueryJobState;
  errorMessage?: string;
  /** The result: its columns, and its rows as CSV lines (written as the query is evaluated). */
  result?: QueryResult;
  numberRecordsProcessed: number;
  processingStartedAt?: number;
  totalProcessingTime: number;
}

/** A query's result: the selected columns (API names) and the rows in the job's CSV format. */
export interface QueryResult {
  fields: string[];
  rows: LineSpool;
}

/** Raised for a move the state machine does not allow. */
export class InvalidQueryTransitionError extends Error {
  constructor(
    readonly from: QueryJobState,
    readonly to: QueryJobState,
  ) {
    super(`Cannot move query job from ${from} to ${to}`);
    this.name = 'InvalidQueryTransitionError';
  }
}

/** Moves a job to a new state at `at` (its new systemModstamp), or throws {@link InvalidQueryTransitionError}. */
export function transitionQuery(job: QueryJob, to: QueryJobState, at: Date): void {
  if (!TRANSITIONS[job.state].includes(to)) throw new InvalidQueryTransitionError(job.state, to);
  job.state = to;
  job.systemModstamp = at;
}

/** Whether the job has stopped for good. */
export function isQueryJobFinal(job: QueryJob): boolean {
  return TRANSITIONS[job.state].length === 0;
}

/** What a new job is made of. */
export type NewQueryJob = Pick<
  QueryJob,
  'operation' | 'object' | 'query' | 'prepared' | 'columnDelimiter' | 'lineEnding' | 'apiVersion' | 'createdById'
>;

/** The org's query jobs, in creation order. */
export class QueryJobStore extends JobMap<QueryJob> {
  constructor(
    readonly ids: IdFactory,
    readonly clock: Clock,
  ) {
    // Ended jobs are deleted 7 days after they ended.
    super(
      (job) => isQueryJobFinal(job) && retentionOver(job.systemModstamp.getTime(), clock.now()),
      (job) => job.result?.rows.close(),
    );
  }

  create(fields: NewQueryJob): QueryJob {
    const now = auditTimestamp(this.clock);
    const job: QueryJob = {
      ...fields,
      id: this.ids.next(KeyPrefix.BulkJob),
      createdDate: now,
      systemModstamp: now,
      state: QueryJobState.UploadComplete,
      numberRecordsProcessed: 0,
      totalProcessingTime: 0,
    };
    this.set(job);
    return job;
  }
}
