/**
 * Bulk v1 jobs and batches and their states. A job is Open until the client closes or aborts it; its batches
 * run on their own, while the job is still Open (clients wait for batches before closing). Aborting a job turns
 * its Queued batches into NotProcessed; batches already InProgress finish.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_batches_interpret_status.htm
 */
import { auditTimestamp } from '../clock.js';
import type { Clock } from '../clock.js';
import { V1_BATCH_WINDOW_MS, retentionOver } from '../lifespans.js';
import type { IdFactory } from '../org/ids.js';
import { KeyPrefix } from '../org/ids.js';
import type { RecordError } from '../org/record-errors.js';
import type { SoqlResult } from '../soql/index.js';
import type { PkChunking } from './pk-chunking.js';
import type { V1ContentType } from './wire.js';

/** Job states on the wire. */
export const V1JobState = { Open: 'Open', Closed: 'Closed', Aborted: 'Aborted', Failed: 'Failed' } as const;
export type V1JobState = (typeof V1JobState)[keyof typeof V1JobState];

/** Batch states on the wire. */
export const V1BatchState = {
  Queued: 'Queued',
  InProgress: 'InProgress',
  Completed: 'Completed',
  Failed: 'Failed',
  NotProcessed: 'NotProcessed',
} as const;
export type V1BatchState = (typeof V1BatchState)[keyof typeof V1BatchState];

/** Operations, case-sensitive as on the wire. */
export const V1Operation = {
  Insert: 'insert',
  Update: 'update',
  Upsert: 'upsert',
  Delete: 'delete',
  HardDelete: 'hardDelete',
  Query: 'query',
  QueryAll: 'queryAll',
} as const;
export type V1Operation = (typeof V1Operation)[keyof typeof V1Operation];

/** Concurrency modes; simple-salesforce sends them as the enum ordinals 0 and 1. */
export const ConcurrencyMode = { Parallel: 'Parallel', Serial: 'Serial' } as const;
export type ConcurrencyMode = (typeof ConcurrencyMode)[keyof typeof ConcurrencyMode];

/** Whether an operation reads rather than writes. */
export function isQuery(operation: V1Operation): boolean {
  return operation === V1Operation.Query || operation === V1Operation.QueryAll;
}

/** The outcome of one ingest record, by its position in the batch. */
export type V1Outcome =
  { success: true; id: string; created: boolean } | { success: false; id: string; error: RecordError };

/** One file of query results. */
export interface QueryResultFile {
  id: string;
  result: SoqlResult;
}

/** One batch. */
export interface V1Batch {
  id: string;
  jobId: string;
  state: V1BatchState;
  stateMessage?: string;
  createdDate: Date;
  systemModstamp: Date;
  /** The payload as posted, returned by `…/request`. */
  request: Buffer;
  numberRecordsProcessed: number;
  numberRecordsFailed: number;
  totalProcessingTime: number;
  startedAt?: number;
  /** Ingest outcomes in input order; a missing entry was not processed. */
  outcomes: (V1Outcome | undefined)[];
  /** Query result files once the batch completed. */
  resultFiles: QueryResultFile[];
  /** PK chunking: the Id range this batch's query covers. */
  idRange?: { fromInclusive?: string; toExclusive?: string };
}

/** One job. */
export interface V1Job {
  id: string;
  operation: V1Operation;
  object: string;
  createdById: string;
  createdDate: Date;
  systemModstamp: Date;
  state: V1JobState;
  externalIdFieldName?: string;
  concurrencyMode: ConcurrencyMode;
  contentType: V1ContentType;
  apiVersion: string;
  assignmentRuleId?: string;
  pkChunking?: PkChunking;
  batches: V1Batch[];
}

/** What a new job is made of. */
export type NewV1Job = Pick<
  V1Job,
  | 'operation'
  | 'object'
  | 'createdById'
  | 'externalIdFieldName'
  | 'concurrencyMode'
  | 'contentType'
  | 'apiVersion'
  | 'assignmentRuleId'
  | 'pkChunking'
>;

/** The job counters that are sums over its batches. */
export function jobCounters(job: V1Job) {
  const count = (state: V1BatchState) => job.batches.filter((b) => b.state === state).length;
  return {
    numberBatchesQueued: count(V1BatchState.Queued),
    numberBatchesInProgress: count(V1BatchState.InProgress),
    numberBatchesCompleted: count(V1BatchState.Completed),
    numberBatchesFailed: count(V1BatchState.Failed),
    numberBatchesTotal: job.batches.length,
    numberRecordsProcessed: job.batches.reduce((sum, b) => sum + b.numberRecordsProcessed, 0),
    numberRecordsFailed: job.batches.reduce((sum, b) => sum + b.numberRecordsFailed, 0),
    totalProcessingTime: job.batches.reduce((sum, b) => sum + b.totalProcessingTime, 0),
  };
}

/**
 * Moves a Closed job whose batches have all ended, at least one Failed and none Completed, to Failed. Salesforce
 * documents the state ("The job has failed. Batches that were successfully processed can't be rolled back")
 * but not when it is set; the emulator sets it when nothing of the job succeeded as a batch.
 */
export function settleJobState(job: V1Job, at: Date): void {
  if (job.state !== V1JobState.Closed || job.batches.length === 0) return;
  const ended = job.batches.every(
    (b) =>
      b.state === V1BatchState.Failed || b.state === V1BatchState.NotProcessed || b.state === V1BatchState.Completed,
  );
  const failed = job.batches.some((b) => b.state === V1BatchState.Failed);
  const completed = job.batches.some((b) => b.state === V1BatchState.Completed);
  if (!ended || !failed || completed) return;
  job.state = V1JobState.Failed;
  job.systemModstamp = at;
}

function findById<T extends { id: string }>(items: Iterable<T>, id: string): T | undefined {
  for (const item of items) if (item.id === id || item.id.slice(0, 15) === id) return item;
  return undefined;
}

/** The org's v1 jobs, in creation order. */
export class V1JobStore {
  readonly #jobs = new Map<string, V1Job>();

  constructor(
    readonly ids: IdFactory,
    readonly clock: Clock,
  ) {}

  create(fields: NewV1Job): V1Job {
    const now = auditTimestamp(this.clock);
    const job: V1Job = {
      ...fields,
      id: this.ids.next(KeyPrefix.BulkJob),
      createdDate: now,
      systemModstamp: now,
      state: V1JobState.Open,
      batches: [],
    };
    this.#jobs.set(job.id, job);
    return job;
  }

  /** A job by its 18- or 15-character id; a job past its lifespan is deleted and unknown. */
  get(id: string): V1Job | undefined {
    const job = this.#jobs.get(id) ?? findById(this.#jobs.values(), id);
    if (job === undefined || !this.#expired(job)) return job;
    this.#jobs.delete(job.id);
    return undefined;
  }

  /** Jobs and their batches are deleted 7 days after the youngest batch was created (or the job, without any). */
  #expired(job: V1Job): boolean {
    const youngest = Math.max(job.createdDate.getTime(), ...job.batches.map((batch) => batch.createdDate.getTime()));
    return retentionOver(youngest, this.clock.now());
  }

  /** Whether the job is too old to take batches: more than 24 hours. */
  closedToBatches(job: V1Job): boolean {
    return this.clock.now() - job.createdDate.getTime() > V1_BATCH_WINDOW_MS;
  }

  /** A batch of a job by its 18- or 15-character id. */
  batch(job: V1Job, id: string): V1Batch | undefined {
    return findById(job.batches, id);
  }

  /** Adds a Queued batch to a job. */
  addBatch(job: V1Job, request: Buffer, idRange?: V1Batch['idRange']): V1Batch {
    const now = auditTimestamp(this.clock);
    const batch: V1Batch = {
      id: this.ids.next(KeyPrefix.BulkBatch),
      jobId: job.id,
      state: V1BatchState.Queued,
      createdDate: now,
      systemModstamp: now,
      request,
      numberRecordsProcessed: 0,
      numberRecordsFailed: 0,
      totalProcessingTime: 0,
      outcomes: [],
      resultFiles: [],
      ...(idRange ? { idRange } : {}),
    };
    job.batches.push(batch);
    job.systemModstamp = now;
    return batch;
  }

  /** The live jobs, in creation order. */
  list(): V1Job[] {
    const live: V1Job[] = [];
    for (const job of this.#jobs.values()) {
      if (this.#expired(job)) this.#jobs.delete(job.id);
      else live.push(job);
    }
    return live;
  }

  clear(): void {
    this.#jobs.clear();
  }
}
