/**
 * Bulk 2.0 ingest jobs and their state machine. Clients move a job from Open to UploadComplete or Aborted;
 * the processor moves it on to InProgress and then JobComplete or Failed. Any other move is refused.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/how_requests_are_processed.htm
 */
import { auditTimestamp } from '../clock.js';
import type { Clock } from '../clock.js';
import { retentionOver } from '../lifespans.js';
import { JobMap } from './job-map.js';
import type { IdFactory } from '../org/ids.js';
import { KeyPrefix } from '../org/ids.js';
import type { DmlOperation } from '../org/org.js';
import type { ColumnDelimiter, LineEnding } from './csv.js';
import type { IngestResults } from './ingest-results.js';
import type { UploadData } from './upload-data.js';

/** Ingest job states, as on the wire. */
export const IngestJobState = {
  Open: 'Open',
  UploadComplete: 'UploadComplete',
  InProgress: 'InProgress',
  JobComplete: 'JobComplete',
  Failed: 'Failed',
  Aborted: 'Aborted',
} as const;
export type IngestJobState = (typeof IngestJobState)[keyof typeof IngestJobState];

const TRANSITIONS: Readonly<Record<IngestJobState, readonly IngestJobState[]>> = {
  Open: [IngestJobState.UploadComplete, IngestJobState.Aborted],
  UploadComplete: [IngestJobState.InProgress, IngestJobState.Failed, IngestJobState.Aborted],
  InProgress: [IngestJobState.JobComplete, IngestJobState.Failed, IngestJobState.Aborted],
  JobComplete: [],
  Failed: [],
  Aborted: [],
};

/** States in which a job's results are final and the job may be deleted (with UploadComplete). */
export const TERMINAL_STATES: readonly IngestJobState[] = [
  IngestJobState.JobComplete,
  IngestJobState.Failed,
  IngestJobState.Aborted,
];

/** One ingest job. */
export interface IngestJob {
  id: string;
  object: string;
  operation: DmlOperation;
  externalIdFieldName?: string;
  /** The assignment rule to run for Cases and Leads; stored and echoed only. */
  assignmentRuleId?: string;
  columnDelimiter: ColumnDelimiter;
  lineEnding: LineEnding;
  /** The API version of the request that created the job, e.g. `62.0`. */
  apiVersion: string;
  createdById: string;
  createdDate: Date;
  systemModstamp: Date;
  state: IngestJobState;
  errorMessage?: string;
  /** The raw upload, kept until the job stops (rows are read from it as they are processed). */
  data?: UploadData;
  uploaded: boolean;
  /** The upload's header line as sent, once it has been read; result files repeat it. */
  headerLine?: string;
  /** The upload's data rows, once counted. */
  rowCount?: number;
  /** The result files' rows, written as the job works. */
  results?: IngestResults;
  numberRecordsProcessed: number;
  numberRecordsFailed: number;
  processingStartedAt?: number;
  totalProcessingTime: number;
}

/** Raised for a move the state machine does not allow. */
export class InvalidStateTransitionError extends Error {
  constructor(
    readonly from: IngestJobState,
    readonly to: IngestJobState,
  ) {
    super(`Cannot move job from ${from} to ${to}`);
    this.name = 'InvalidStateTransitionError';
  }
}

/** Moves a job to a new state at `at` (its new systemModstamp), or throws {@link InvalidStateTransitionError}. */
export function transition(job: IngestJob, to: IngestJobState, at: Date): void {
  if (!TRANSITIONS[job.state].includes(to)) throw new InvalidStateTransitionError(job.state, to);
  job.state = to;
  job.systemModstamp = at;
}

/** What a new job is made of. */
export type NewIngestJob = Pick<
  IngestJob,
  | 'object'
  | 'operation'
  | 'externalIdFieldName'
  | 'assignmentRuleId'
  | 'columnDelimiter'
  | 'lineEnding'
  | 'apiVersion'
  | 'createdById'
>;

/** The jobs of the org, in creation order. */
export class IngestJobStore extends JobMap<IngestJob> {
  constructor(
    readonly ids: IdFactory,
    readonly clock: Clock,
  ) {
    // Ended jobs are deleted 7 days after they ended.
    super(
      (job) => TERMINAL_STATES.includes(job.state) && retentionOver(job.systemModstamp.getTime(), clock.now()),
      (job) => {
        job.results?.close();
        job.data?.release();
      },
    );
  }

  create(fields: NewIngestJob): IngestJob {
    const now = auditTimestamp(this.clock);
    const job: IngestJob = {
      ...fields,
      id: this.ids.next(KeyPrefix.BulkJob),
      createdDate: now,
      systemModstamp: now,
      state: IngestJobState.Open,
      uploaded: false,
      numberRecordsProcessed: 0,
      numberRecordsFailed: 0,
      totalProcessingTime: 0,
    };
    this.set(job);
    return job;
  }

  /** Puts back a saved job as it was (persistence across restarts). */
  restore(job: IngestJob): void {
    this.set(job);
  }
}
