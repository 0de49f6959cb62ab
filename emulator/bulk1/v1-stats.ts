/**
 * Bulk v1 jobs and batches as the admin API's `/__emulator/stats` lists them, next to the Bulk 2.0 jobs.
 */
import { formatDateTime } from '../org/field-values.js';
import { jobCounters } from './v1-jobs.js';
import type { V1JobStore } from './v1-jobs.js';

/** One entry per v1 job, shaped like the 2.0 entries plus batch counts. */
export function v1JobStats(jobs: V1JobStore): Record<string, unknown>[] {
  return jobs.list().map((job) => {
    const counters = jobCounters(job);
    return {
      id: job.id,
      api: '1.0',
      object: job.object,
      operation: job.operation,
      state: job.state,
      concurrencyMode: job.concurrencyMode,
      contentType: job.contentType,
      numberBatchesTotal: counters.numberBatchesTotal,
      numberRecordsProcessed: counters.numberRecordsProcessed,
      numberRecordsFailed: counters.numberRecordsFailed,
      createdDate: formatDateTime(job.createdDate),
    };
  });
}

/** One entry per v1 batch, in job then creation order. */
export function v1BatchStats(jobs: V1JobStore): Record<string, unknown>[] {
  return jobs.list().flatMap((job) =>
    job.batches.map((batch) => ({
      id: batch.id,
      jobId: job.id,
      state: batch.state,
      ...(batch.stateMessage === undefined ? {} : { stateMessage: batch.stateMessage }),
      numberRecordsProcessed: batch.numberRecordsProcessed,
      numberRecordsFailed: batch.numberRecordsFailed,
      createdDate: formatDateTime(batch.createdDate),
    })),
  );
}
