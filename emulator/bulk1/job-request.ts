/**
 * Reads `jobInfo` request bodies, XML or JSON as the request's Content-Type says, with elements in any order:
 * job creation (operation, object, contentType, externalIdFieldName, concurrencyMode, assignmentRuleId) and
 * state changes (`<state>Closed</state>` / `{"state":"Aborted"}`).
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_reference_jobinfo.htm
 */
import { HARD_DELETE_NOT_PERMITTED } from '../auth/permissions.js';
import type { Org } from '../org/org.js';
import { findField } from '../org/schemas.js';
import { isQuery, ConcurrencyMode, V1Operation } from './v1-jobs.js';
import type { NewV1Job } from './v1-jobs.js';
import { parsePkChunkingHeader, supportsPkChunking } from './pk-chunking.js';
import { AsyncApiError, AsyncExceptionCode, V1ContentType, createXmlParser } from './wire.js';

type Fields = Record<string, unknown>;

const xmlParser = createXmlParser();

function invalidJob(message: string): AsyncApiError {
  return new AsyncApiError(AsyncExceptionCode.InvalidJob, message);
}

/** The fields of a jobInfo body; `json` says which syntax it is in. */
export function readJobInfoBody(body: Buffer, json: boolean): Fields {
  const text = body.toString('utf8');
  if (json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new AsyncApiError(AsyncExceptionCode.ClientInputError, `Failed to parse JSON: ${detail}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new AsyncApiError(AsyncExceptionCode.ClientInputError, 'Expected a JSON object');
    }
    return parsed as Fields;
  }
  let document: unknown;
  try {
    document = xmlParser.parse(text, true);
  } catch {
    throw new AsyncApiError(AsyncExceptionCode.InvalidXml, 'Failed to parse XML: the request body is not well formed');
  }
  const jobInfo = (document as Fields)['jobInfo'];
  if (typeof jobInfo !== 'object' || jobInfo === null) {
    throw new AsyncApiError(AsyncExceptionCode.InvalidXml, 'Expected a jobInfo element in the request body');
  }
  return jobInfo as Fields;
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function concurrencyMode(value: unknown): ConcurrencyMode {
  if (value === undefined || value === null) return ConcurrencyMode.Parallel;
  // simple-salesforce sends the Java enum ordinal: 0 = Parallel, 1 = Serial.
  const text = textOf(value);
  if (text === '0' || text === ConcurrencyMode.Parallel) return ConcurrencyMode.Parallel;
  if (text === '1' || text === ConcurrencyMode.Serial) return ConcurrencyMode.Serial;
  throw invalidJob(`Invalid concurrency mode: ${text ?? JSON.stringify(value)}`);
}

function contentType(value: unknown): V1ContentType {
  const text = textOf(value);
  if (text === undefined || text === '') return V1ContentType.XML;
  if ((Object.values(V1ContentType) as string[]).includes(text)) return text as V1ContentType;
  throw invalidJob(`Unsupported content type: ${text}`);
}

function externalIdFieldName(fields: Fields, objectName: string, org: Org): string {
  const name = textOf(fields['externalIdFieldName']);
  if (name === undefined || name === '') {
    throw invalidJob(`External ID was blank for ${objectName}. An External ID must be specified for upsert.`);
  }
  const schema = org.schemas.get(objectName);
  const field = schema ? findField(schema, name) : undefined;
  if (!field || (field.externalId !== true && field.name !== 'Id')) {
    throw invalidJob(`Field name provided, ${name} does not match an External ID for ${objectName}`);
  }
  return field.name;
}

/** Options of {@link parseCreateJob} that come from outside the body. */
export interface CreateJobContext {
  org: Org;
  apiVersion: string;
  userId: string;
  /** Whether the user has the "Bulk API Hard Delete" permission. */
  canHardDelete: boolean;
  /** The `Sforce-Enable-PKChunking` header. */
  pkChunkingHeader?: string;
}

/** The job a create request asks for; throws {@link AsyncApiError} for anything invalid. */
export function parseCreateJob(fields: Fields, context: CreateJobContext): NewV1Job {
  const operation = textOf(fields['operation']);
  if (operation === undefined || !(Object.values(V1Operation) as string[]).includes(operation)) {
    throw invalidJob(`Invalid operation: ${operation ?? ''}`);
  }
  if (operation === V1Operation.HardDelete && !context.canHardDelete) {
    // As captured from real orgs (Data Loader checks for this exact text).
    throw new AsyncApiError(AsyncExceptionCode.FeatureNotEnabled, HARD_DELETE_NOT_PERMITTED);
  }
  const objectName = textOf(fields['object']) ?? '';
  const schema = context.org.schemas.get(objectName);
  if (!schema) throw invalidJob(`Unable to find object: ${objectName}`);
  if (schema.queryOnly === true && !isQuery(operation as V1Operation)) {
    throw invalidJob(`The Salesforce emulator does not load ${schema.name} records`);
  }
  const job: NewV1Job = {
    operation: operation as V1Operation,
    object: schema.name,
    createdById: context.userId,
    concurrencyMode: concurrencyMode(fields['concurrencyMode']),
    contentType: contentType(fields['contentType']),
    apiVersion: context.apiVersion,
  };
  if (job.operation === V1Operation.Upsert) {
    job.externalIdFieldName = externalIdFieldName(fields, schema.name, context.org);
  }
  const assignmentRuleId = textOf(fields['assignmentRuleId']);
  if (assignmentRuleId) job.assignmentRuleId = assignmentRuleId;
  const pkChunking = parsePkChunkingHeader(context.pkChunkingHeader);
  // Loads ignore the header: PK chunking only splits queries.
  if (pkChunking && isQuery(job.operation)) {
    if (!supportsPkChunking(schema.name)) throw invalidJob(`Entity '${schema.name}' is not supported by PK chunking`);
    job.pkChunking = pkChunking;
  }
  return job;
}

/** The state a state-change body asks for. */
export function requestedState(fields: Fields): string {
  return textOf(fields['state']) ?? '';
}
