/**
 * The JSON shapes of a query job: as created, after a PATCH, as listed, and in full. Field sets and order
 * follow real responses (`jobType: "V2Query"`, `numberRecordsProcessed`, `retries`, `totalProcessingTime`).
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_get_one_job.htm
 */
import { formatDateTime } from '../org/field-values.js';
import type { QueryJob } from './query-jobs.js';

function header(job: QueryJob): Record<string, unknown> {
  return {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: job.createdById,
    createdDate: formatDateTime(job.createdDate),
    systemModstamp: formatDateTime(job.systemModstamp),
    state: job.state,
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: Number(job.apiVersion),
  };
}

/** The response to job creation. */
export function createdQueryInfo(job: QueryJob): Record<string, unknown> {
  return { ...header(job), lineEnding: job.lineEnding, columnDelimiter: job.columnDelimiter };
}

/** The response to an abort. */
export function patchedQueryInfo(job: QueryJob): Record<string, unknown> {
  return createdQueryInfo(job);
}

/** One entry of the job list. */
export function listedQueryInfo(job: QueryJob): Record<string, unknown> {
  return { ...header(job), jobType: 'V2Query', lineEnding: job.lineEnding, columnDelimiter: job.columnDelimiter };
}

/** The full job info of `GET …/jobs/query/{id}`. */
export function fullQueryInfo(job: QueryJob): Record<string, unknown> {
  return {
    ...listedQueryInfo(job),
    numberRecordsProcessed: job.numberRecordsProcessed,
    retries: 0,
    totalProcessingTime: job.totalProcessingTime,
    isPkChunkingSupported: true,
    ...(job.errorMessage === undefined ? {} : { errorMessage: job.errorMessage }),
  };
}
