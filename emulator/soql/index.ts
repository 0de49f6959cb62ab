/**
 * The SOQL subset the emulator evaluates, shared by Bulk 2.0 query jobs and Bulk v1 query batches: field
 * lists with one level of parent fields, WHERE with AND/OR/NOT, comparisons, IN, LIKE, ORDER BY and LIMIT.
 * Constructs Bulk queries refuse (aggregates, GROUP BY, subqueries, OFFSET, TYPEOF, FIELDS()) raise
 * {@link SoqlUnsupportedError}.
 */
import type { Org } from '../org/org.js';
import { SoqlCursor, evaluate } from './cursor.js';
import { parseSoql } from './parser.js';
import { bindQuery } from './resolve.js';
import type { BoundQuery } from './resolve.js';

export { SoqlError, SoqlUnsupportedError, UnsupportedFeature } from './errors.js';
export type { SoqlErrorCode } from './errors.js';
export type { BoundQuery } from './resolve.js';
export { SoqlCursor } from './cursor.js';

/** Options of {@link executeSoql}. */
export interface SoqlOptions {
  /** Also return records in the recycle bin (queryAll). */
  includeDeleted: boolean;
  /** PK chunking: only records whose Id lies in this range (15- or 18-character ids). */
  idRange?: { fromInclusive?: string; toExclusive?: string };
}

/** Rows of a query: `fields` are the selected columns in SELECT order, as API names. */
export interface SoqlResult {
  object: string;
  fields: string[];
  rows: Array<Array<string | number | boolean | null>>;
}

/**
 * Parses and binds a query without running it: what Salesforce checks when a query job is created.
 * Throws SoqlError.
 */
export function prepareSoql(org: Org, soql: string): BoundQuery {
  return bindQuery(org.schemas, soql, parseSoql(soql));
}

/** Runs an already prepared query, all at once. */
export function runPreparedSoql(org: Org, query: BoundQuery, options: SoqlOptions): SoqlResult {
  return soqlResult(query, evaluate(org, query, options));
}

/**
 * Starts running a prepared query in bounded steps (background jobs): `step()` the cursor until it answers
 * true, then {@link soqlResult} gives the result.
 */
export function startPreparedSoql(org: Org, query: BoundQuery, options: SoqlOptions): SoqlCursor {
  return new SoqlCursor(org, query, options);
}

/** The result of a query whose rows have been evaluated. */
export function soqlResult(query: BoundQuery, rows: SoqlResult['rows']): SoqlResult {
  return { object: query.object.name, fields: query.select.map((field) => field.name), rows };
}

/** Parses, validates and evaluates a query against the org. Throws {@link SoqlError}. */
export function executeSoql(org: Org, soql: string, options: SoqlOptions): SoqlResult {
  return runPreparedSoql(org, prepareSoql(org, soql), options);
}
