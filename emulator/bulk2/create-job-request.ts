/**
 * Validates the body of `POST …/jobs/ingest` into a new job, with the errors Salesforce gives for bad values.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/create_job.htm
 */
import { HARD_DELETE_NOT_PERMITTED } from '../auth/permissions.js';
import { restError } from '../http/http-helpers.js';
import { DmlOperation } from '../org/org.js';
import type { Org } from '../org/org.js';
import { findField } from '../org/schemas.js';
import { ColumnDelimiter, LineEnding } from './csv.js';
import type { NewIngestJob } from './ingest-jobs.js';

type Body = Record<string, unknown>;

/** assignmentRuleId arrived in API version 49.0. */
const FIRST_ASSIGNMENT_RULE_VERSION = 49;

function invalidValue(value: unknown, property: string) {
  const shown = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  return restError(400, 'API_ERROR', `Invalid value: '${shown}' supplied for property: '${property}'`);
}

function oneOf<T extends string>(body: Body, property: string, allowed: readonly T[], fallback: T): T {
  const value = body[property];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw invalidValue(value, property);
}

/** Checks the external id of an upsert: `Id` or a field marked external id. */
function externalIdField(body: Body, objectName: string, org: Org): string {
  const name = body['externalIdFieldName'];
  if (typeof name !== 'string' || name === '') {
    const message = `InvalidJob : External ID was blank for ${objectName}. An External ID must be specified for upsert.`;
    throw restError(400, 'INVALIDJOB', message);
  }
  const schema = org.schemas.get(objectName);
  const field = schema ? findField(schema, name) : undefined;
  if (!field || (field.externalId !== true && field.name !== 'Id')) {
    throw restError(
      400,
      'INVALIDJOB',
      `InvalidJob : Field name provided, ${name} does not match an External ID for ${objectName}`,
    );
  }
  return field.name;
}

/** Who creates the job, and where. */
export interface CreateJobContext {
  org: Org;
  /** The API version of the request, e.g. `62.0`. */
  apiVersion: string;
  userId: string;
  /** Whether the user has the "Bulk API Hard Delete" permission. */
  canHardDelete: boolean;
}

function operationOf(fields: Body, context: CreateJobContext): DmlOperation {
  const operation = fields['operation'];
  if (typeof operation !== 'string' || !(Object.values(DmlOperation) as string[]).includes(operation)) {
    throw invalidValue(operation, 'operation');
  }
  if (operation === DmlOperation.HardDelete && !context.canHardDelete) {
    // The message captured from real orgs (Bulk v1 and Data Loader); the code is v1's FeatureNotEnabled in the
    // upper case Bulk 2.0 gives v1 codes (INVALIDJOB, INVALIDJOBSTATE).
    throw restError(400, 'FEATURENOTENABLED', HARD_DELETE_NOT_PERMITTED);
  }
  return operation as DmlOperation;
}

/** assignmentRuleId (API 49.0 and later): stored and echoed; the emulator has no assignment rules to run. */
function assignmentRuleId(fields: Body, apiVersion: string): string | undefined {
  const value = fields['assignmentRuleId'];
  if (value === undefined || value === null || Number(apiVersion) < FIRST_ASSIGNMENT_RULE_VERSION) return undefined;
  if (typeof value !== 'string' || value === '') throw invalidValue(value, 'assignmentRuleId');
  return value;
}

/** The job a create request asks for; throws the REST error for anything invalid. */
export function parseCreateJobRequest(body: unknown, context: CreateJobContext): NewIngestJob {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidValue('', 'object');
  const fields = body as Body;
  const objectName = fields['object'];
  if (typeof objectName !== 'string' || objectName === '') throw invalidValue(objectName, 'object');
  const { org } = context;
  const schema = org.schemas.get(objectName);
  if (!schema) throw restError(400, 'INVALIDJOB', `InvalidJob : Unable to find object: ${objectName}`);
  const operation = operationOf(fields, context);
  if (schema.queryOnly === true) {
    throw restError(400, 'INVALIDJOB', `InvalidJob : The Salesforce emulator does not load ${schema.name} records`);
  }
  oneOf(fields, 'contentType', ['CSV'], 'CSV');
  const job: NewIngestJob = {
    object: schema.name,
    operation,
    columnDelimiter: oneOf(fields, 'columnDelimiter', Object.values(ColumnDelimiter), ColumnDelimiter.COMMA),
    lineEnding: oneOf(fields, 'lineEnding', Object.values(LineEnding), LineEnding.LF),
    apiVersion: context.apiVersion,
    createdById: context.userId,
  };
  if (operation === DmlOperation.Upsert) job.externalIdFieldName = externalIdField(fields, schema.name, org);
  const ruleId = assignmentRuleId(fields, context.apiVersion);
  if (ruleId !== undefined) job.assignmentRuleId = ruleId;
  return job;
}
