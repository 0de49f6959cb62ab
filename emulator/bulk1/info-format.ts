/**
 * JobInfo and BatchInfo as Salesforce writes them. XML elements follow the order of the Java client's
 * serializer (its reader expects that sequence); JSON keys are alphabetical and absent values are null, as in
 * the documentation's JSON examples.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_reference_jobinfo.htm
 */
import { jobCounters } from './v1-jobs.js';
import type { V1Batch, V1Job } from './v1-jobs.js';
import { jsonDate, xmlDate, xmlDocument } from './wire.js';

type Entries = Array<[string, string | number | boolean | null | undefined]>;

function jobEntries(job: V1Job, date: (d: Date) => string): Entries {
  const counters = jobCounters(job);
  return [
    ['id', job.id],
    ['operation', job.operation],
    ['object', job.object],
    ['createdById', job.createdById],
    ['createdDate', date(job.createdDate)],
    ['systemModstamp', date(job.systemModstamp)],
    ['state', job.state],
    ['externalIdFieldName', job.externalIdFieldName],
    ['concurrencyMode', job.concurrencyMode],
    ['contentType', job.contentType],
    ['numberBatchesQueued', counters.numberBatchesQueued],
    ['numberBatchesInProgress', counters.numberBatchesInProgress],
    ['numberBatchesCompleted', counters.numberBatchesCompleted],
    ['numberBatchesFailed', counters.numberBatchesFailed],
    ['numberBatchesTotal', counters.numberBatchesTotal],
    ['numberRecordsProcessed', counters.numberRecordsProcessed],
    ['numberRetries', 0],
    ['apiVersion', job.apiVersion],
    ['assignmentRuleId', job.assignmentRuleId],
    ['numberRecordsFailed', counters.numberRecordsFailed],
    ['totalProcessingTime', counters.totalProcessingTime],
    ['apiActiveProcessingTime', counters.totalProcessingTime],
    ['apexProcessingTime', 0],
  ];
}

function batchEntries(batch: V1Batch, date: (d: Date) => string): Entries {
  return [
    ['id', batch.id],
    ['jobId', batch.jobId],
    ['state', batch.state],
    ['stateMessage', batch.stateMessage],
    ['createdDate', date(batch.createdDate)],
    ['systemModstamp', date(batch.systemModstamp)],
    ['numberRecordsProcessed', batch.numberRecordsProcessed],
    ['numberRecordsFailed', batch.numberRecordsFailed],
    ['totalProcessingTime', batch.totalProcessingTime],
    ['apiActiveProcessingTime', batch.totalProcessingTime],
    ['apexProcessingTime', 0],
  ];
}

/** XML content in entry order; optional elements are left out when unset. */
function xmlContent(entries: Entries): Record<string, unknown> {
  const content: Record<string, unknown> = {};
  for (const [key, value] of entries) if (value !== undefined && value !== null) content[key] = value;
  return content;
}

/** JSON with sorted keys; unset optional values are null. */
function jsonContent(entries: Entries): Record<string, unknown> {
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(sorted.map(([key, value]) => [key, value ?? null]));
}

/** `<jobInfo>` document. */
export function jobInfoXml(job: V1Job): string {
  return xmlDocument('jobInfo', xmlContent(jobEntries(job, xmlDate)));
}

/** JobInfo as JSON; `apiVersion` is a number, as in real responses. */
export function jobInfoJson(job: V1Job): Record<string, unknown> {
  const entries = jobEntries(job, jsonDate).map(([key, value]): Entries[number] =>
    key === 'apiVersion' ? [key, Number(value)] : [key, value],
  );
  return jsonContent([...entries, ['fastPathEnabled', false]]);
}

/** `<batchInfo>` document. */
export function batchInfoXml(batch: V1Batch): string {
  return xmlDocument('batchInfo', xmlContent(batchEntries(batch, xmlDate)));
}

/** BatchInfo as JSON. */
export function batchInfoJson(batch: V1Batch): Record<string, unknown> {
  return jsonContent(batchEntries(batch, jsonDate));
}

/** `<batchInfoList>` document. */
export function batchListXml(batches: readonly V1Batch[]): string {
  const list = batches.map((batch) => xmlContent(batchEntries(batch, xmlDate)));
  return xmlDocument('batchInfoList', { batchInfo: list });
}

/** The JSON batch list, `{"batchInfo":[…]}`. */
export function batchListJson(batches: readonly V1Batch[]): Record<string, unknown> {
  return { batchInfo: batches.map(batchInfoJson) };
}
