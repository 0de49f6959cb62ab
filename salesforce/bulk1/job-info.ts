/**
 * Reads Bulk v1 job info, batch info, batch lists and query result-id lists from XML or JSON, as the answer's
 * Content-Type says. Elements and keys may come in any order; counters become numbers, absent ones 0.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_reference_jobinfo.htm
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_reference_batchinfo.htm
 */
import { SalesforceError, SalesforceErrorCode } from '../core/errors.js';
import {
  Bulk1BatchState,
  Bulk1ConcurrencyMode,
  Bulk1ContentType,
  Bulk1JobState,
  Bulk1Operation,
  type Bulk1BatchFailure,
  type Bulk1BatchInfo,
  type Bulk1JobInfo,
} from './types.js';
import { parseXml } from './xml.js';

/** The syntax of an answer body, from its Content-Type. */
export type Bulk1Syntax = 'xml' | 'json' | 'csv';

/** `application/json` → json, `text/csv` → csv, anything else (`application/xml`, `text/xml`) → xml. */
export function syntaxOf(contentType: string | string[] | undefined): Bulk1Syntax {
  const value = (Array.isArray(contentType) ? contentType[0] : contentType)?.toLowerCase() ?? '';
  if (/^application\/json(;|$)/.test(value)) return 'json';
  if (/^text\/csv(;|$)/.test(value)) return 'csv';
  return 'xml';
}

/** An answer that does not have the shape the Bulk API documents. */
export function unexpectedAnswer(what: string, body: string): SalesforceError {
  return new SalesforceError(SalesforceErrorCode.Http, `Unexpected Bulk API answer: ${what}`, { body });
}

type Fields = Record<string, unknown>;

function rootOf(text: string, syntax: Bulk1Syntax, root: string): unknown {
  try {
    return syntax === 'json' ? JSON.parse(text) : parseXml(text)[root];
  } catch (err) {
    throw new SalesforceError(SalesforceErrorCode.Http, `Unreadable Bulk API answer: ${(err as Error).message}`, {
      body: text,
      cause: err,
    });
  }
}

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(fields: Fields, key: string): string | undefined {
  const value = fields[key];
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function count(fields: Fields, key: string): number {
  const value = Number(text(fields, key) ?? 0);
  return Number.isFinite(value) ? value : 0;
}

function oneOf<T extends string>(
  values: Record<string, T>,
  fields: Fields,
  key: string,
  body: string,
  fallback?: T,
): T {
  const raw = text(fields, key)?.replace(/\s+/g, '');
  if (raw === undefined && fallback !== undefined) return fallback;
  const found = Object.values(values).find((v) => v === raw);
  if (found === undefined) throw unexpectedAnswer(`${key} "${raw ?? ''}" is not one Salesforce documents`, body);
  return found;
}

function optional<T extends object>(target: T, key: keyof T & string, value: unknown): void {
  if (value !== undefined) (target as Record<string, unknown>)[key] = value;
}

/** Job info from a parsed `jobInfo` element or JSON object. */
export function toJobInfo(fields: Fields, body: string): Bulk1JobInfo {
  const id = text(fields, 'id');
  if (!id) throw unexpectedAnswer('job info without an id', body);
  const job: Bulk1JobInfo = {
    id,
    operation: oneOf(Bulk1Operation, fields, 'operation', body),
    object: text(fields, 'object') ?? '',
    state: oneOf(Bulk1JobState, fields, 'state', body),
    contentType: oneOf(Bulk1ContentType, fields, 'contentType', body, 'XML'),
    concurrencyMode: oneOf(Bulk1ConcurrencyMode, fields, 'concurrencyMode', body, 'Parallel'),
    numberBatchesQueued: count(fields, 'numberBatchesQueued'),
    numberBatchesInProgress: count(fields, 'numberBatchesInProgress'),
    numberBatchesCompleted: count(fields, 'numberBatchesCompleted'),
    numberBatchesFailed: count(fields, 'numberBatchesFailed'),
    numberBatchesTotal: count(fields, 'numberBatchesTotal'),
    numberRecordsProcessed: count(fields, 'numberRecordsProcessed'),
    numberRecordsFailed: count(fields, 'numberRecordsFailed'),
    numberRetries: count(fields, 'numberRetries'),
    totalProcessingTime: count(fields, 'totalProcessingTime'),
    apiActiveProcessingTime: count(fields, 'apiActiveProcessingTime'),
    apexProcessingTime: count(fields, 'apexProcessingTime'),
  };
  for (const key of [
    'createdById',
    'createdDate',
    'systemModstamp',
    'externalIdFieldName',
    'assignmentRuleId',
  ] as const)
    optional(job, key, text(fields, key));
  const apiVersion = text(fields, 'apiVersion');
  if (apiVersion !== undefined) job.apiVersion = Number(apiVersion);
  return job;
}

/** Reads `stateMessage` as `<ExceptionCode> : <message>`; a message without a code gets `Unknown`. */
export function parseStateMessage(stateMessage: string | undefined): Bulk1BatchFailure {
  const match = /^([A-Za-z]+) : ([\s\S]*)$/.exec(stateMessage ?? '');
  if (match?.[1] !== undefined && match[2] !== undefined) return { exceptionCode: match[1], message: match[2] };
  return { exceptionCode: 'Unknown', message: stateMessage ?? '' };
}

/** Batch info from a parsed `batchInfo` element or JSON object. */
export function toBatchInfo(fields: Fields, body: string): Bulk1BatchInfo {
  const id = text(fields, 'id');
  if (!id) throw unexpectedAnswer('batch info without an id', body);
  const batch: Bulk1BatchInfo = {
    id,
    jobId: text(fields, 'jobId') ?? '',
    state: oneOf(Bulk1BatchState, fields, 'state', body),
    numberRecordsProcessed: count(fields, 'numberRecordsProcessed'),
    numberRecordsFailed: count(fields, 'numberRecordsFailed'),
    totalProcessingTime: count(fields, 'totalProcessingTime'),
    apiActiveProcessingTime: count(fields, 'apiActiveProcessingTime'),
    apexProcessingTime: count(fields, 'apexProcessingTime'),
  };
  for (const key of ['stateMessage', 'createdDate', 'systemModstamp'] as const) optional(batch, key, text(fields, key));
  if (batch.state === Bulk1BatchState.Failed) batch.failure = parseStateMessage(batch.stateMessage);
  return batch;
}

/** Parses job info in the answer's syntax. */
export function parseJobInfo(body: string, syntax: Bulk1Syntax): Bulk1JobInfo {
  const root = rootOf(body, syntax, 'jobInfo');
  if (!isFields(root)) throw unexpectedAnswer('no jobInfo', body);
  return toJobInfo(root, body);
}

/** Parses batch info in the answer's syntax. */
export function parseBatchInfo(body: string, syntax: Bulk1Syntax): Bulk1BatchInfo {
  const root = rootOf(body, syntax, 'batchInfo');
  if (!isFields(root)) throw unexpectedAnswer('no batchInfo', body);
  return toBatchInfo(root, body);
}

/** Parses `<batchInfoList>` or `{"batchInfo":[…]}`; an empty list may come as an empty element. */
export function parseBatchInfoList(body: string, syntax: Bulk1Syntax): Bulk1BatchInfo[] {
  const root = rootOf(body, syntax, 'batchInfoList');
  if (root === '' || root === undefined) {
    if (syntax === 'xml' && /batchInfoList/.test(body)) return [];
    throw unexpectedAnswer('no batchInfoList', body);
  }
  if (!isFields(root)) throw unexpectedAnswer('no batchInfoList', body);
  const list = root['batchInfo'] ?? [];
  const items = Array.isArray(list) ? (list as unknown[]) : [list];
  return items.map((item) => {
    if (!isFields(item)) throw unexpectedAnswer('a batchInfo that is not an element', body);
    return toBatchInfo(item, body);
  });
}

/** Parses a query batch's result ids: `<result-list><result>752…</result></result-list>` or `["752…"]`. */
export function parseResultIdList(body: string, syntax: Bulk1Syntax): string[] {
  const root = rootOf(body, syntax, 'result-list');
  if (syntax === 'json') {
    if (!Array.isArray(root) || !root.every((v) => typeof v === 'string'))
      throw unexpectedAnswer('no result ids', body);
    return root;
  }
  if (root === '' && /result-list/.test(body)) return [];
  if (!isFields(root)) throw unexpectedAnswer('no result-list', body);
  const ids = root['result'] ?? [];
  return (Array.isArray(ids) ? (ids as unknown[]) : [ids]).filter((v): v is string => typeof v === 'string');
}
