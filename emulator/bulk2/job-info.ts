/**
 * The JSON shapes of an ingest job: as created, as listed, after a PATCH, and in full. Field sets and order
 * follow real responses; `contentUrl` (no leading slash) appears only while the job is Open.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/get_job_info.htm
 */
import { formatDateTime } from '../org/field-values.js';
import { IngestJobState } from './ingest-jobs.js';
import type { IngestJob } from './ingest-jobs.js';

function header(job: IngestJob): Record<string, unknown> {
  return {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: job.createdById,
    createdDate: formatDateTime(job.createdDate),
    systemModstamp: formatDateTime(job.systemModstamp),
    state: job.state,
  };
}

function format(job: IngestJob): Record<string, unknown> {
  return {
    ...(job.externalIdFieldName === undefined ? {} : { externalIdFieldName: job.externalIdFieldName }),
    // Shown only when the job was created with one, as Salesforce documents.
    ...(job.assignmentRuleId === undefined ? {} : { assignmentRuleId: job.assignmentRuleId }),
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: Number(job.apiVersion),
  };
}

function contentUrl(job: IngestJob): Record<string, unknown> {
  if (job.state !== IngestJobState.Open) return {};
  return { contentUrl: `services/data/v${job.apiVersion}/jobs/ingest/${job.id}/batches` };
}

/** The response to job creation. */
export function createdJobInfo(job: IngestJob): Record<string, unknown> {
  return {
    ...header(job),
    ...format(job),
    ...contentUrl(job),
    lineEnding: job.lineEnding,
    columnDelimiter: job.columnDelimiter,
  };
}

/** The response to a state change. */
export function patchedJobInfo(job: IngestJob): Record<string, unknown> {
  return { ...header(job), ...format(job) };
}

/** One entry of the job list. */
export function listedJobInfo(job: IngestJob): Record<string, unknown> {
  return {
    ...header(job),
    ...format(job),
    jobType: 'V2Ingest',
    ...contentUrl(job),
    lineEnding: job.lineEnding,
    columnDelimiter: job.columnDelimiter,
  };
}

/** The full job info of `GET …/jobs/ingest/{id}`. */
export function fullJobInfo(job: IngestJob): Record<string, unknown> {
  const processing = job.totalProcessingTime;
  return {
    ...listedJobInfo(job),
    numberRecordsProcessed: job.numberRecordsProcessed,
    numberRecordsFailed: job.numberRecordsFailed,
    retries: 0,
    totalProcessingTime: processing,
    apiActiveProcessingTime: processing,
    apexProcessingTime: 0,
    ...(job.errorMessage === undefined ? {} : { errorMessage: job.errorMessage }),
  };
}
