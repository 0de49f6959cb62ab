/**
 * Validates the body of `POST …/jobs/query` into a new job. The query is checked at creation, as Salesforce
 * does: syntax, object and field errors answer 400 with the SOQL error code (MALFORMED_QUERY, INVALID_TYPE,
 * INVALID_FIELD) and constructs Bulk 2.0 refuses answer 400 API_ERROR, so no job is created for them.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_create_job.htm
 */
import { restError } from '../http/http-helpers.js';
import type { Org } from '../org/org.js';
import { SoqlError, SoqlUnsupportedError, UnsupportedFeature, prepareSoql } from '../soql/index.js';
import type { BoundQuery } from '../soql/index.js';
import { ColumnDelimiter, LineEnding } from './csv.js';
import { QueryOperation } from './query-jobs.js';
import type { NewQueryJob } from './query-jobs.js';

type Body = Record<string, unknown>;

/** How Bulk 2.0 words each refused construct. Only the subquery text is confirmed against a real org. */
const UNSUPPORTED_MESSAGES: Readonly<Record<UnsupportedFeature, string>> = {
  [UnsupportedFeature.Subquery]: 'Aggregate Relationships not supported in Bulk V2 Query with CSV content type',
  [UnsupportedFeature.Aggregate]: 'Aggregate queries are not supported in Bulk V2 Query',
  [UnsupportedFeature.GroupBy]: 'GROUP BY is not supported in Bulk V2 Query',
  [UnsupportedFeature.Offset]: 'OFFSET is not supported in Bulk V2 Query',
  [UnsupportedFeature.TypeOf]: 'TYPEOF is not supported in Bulk V2 Query',
  [UnsupportedFeature.Fields]: 'FIELDS() is not supported in Bulk V2 Query',
  [UnsupportedFeature.Function]: 'Functions in the SELECT list are not supported in Bulk V2 Query',
  [UnsupportedFeature.DeepRelationship]: 'Relationship paths deeper than one level are not supported by the emulator',
};

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

function prepare(org: Org, soql: string): BoundQuery {
  try {
    return prepareSoql(org, soql);
  } catch (error) {
    if (error instanceof SoqlUnsupportedError) throw restError(400, 'API_ERROR', UNSUPPORTED_MESSAGES[error.feature]);
    if (error instanceof SoqlError) throw restError(400, error.code, error.message);
    throw error;
  }
}

/** The job a create request asks for; throws the REST error for anything invalid. */
export function parseCreateQueryRequest(body: unknown, org: Org, apiVersion: string, userId: string): NewQueryJob {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidValue('', 'query');
  const fields = body as Body;
  const operation = oneOf(fields, 'operation', Object.values(QueryOperation), QueryOperation.Query);
  if (fields['operation'] === undefined) throw invalidValue('', 'operation');
  const soql = fields['query'];
  if (typeof soql !== 'string' || soql.trim() === '') throw invalidValue(soql, 'query');
  oneOf(fields, 'contentType', ['CSV'], 'CSV');
  const columnDelimiter = oneOf(fields, 'columnDelimiter', Object.values(ColumnDelimiter), ColumnDelimiter.COMMA);
  const lineEnding = oneOf(fields, 'lineEnding', Object.values(LineEnding), LineEnding.LF);
  const prepared = prepare(org, soql);
  return {
    operation,
    object: prepared.object.name,
    query: soql,
    prepared,
    columnDelimiter,
    lineEnding,
    apiVersion,
    createdById: userId,
  };
}
