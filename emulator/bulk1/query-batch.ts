/**
 * Runs a v1 query batch: the batch body is SOQL, evaluated by the SOQL engine in bounded steps; rows are split
 * into result files (`752…` ids) of at most `rowsPerFile` rows. A rejected query fails the batch with
 * `InvalidBatch : Failed to process query: <CODE>: <message>`, as Salesforce reports it.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_using_bulk_query.htm
 */
import type { IdFactory } from '../org/ids.js';
import type { Org } from '../org/org.js';
import { SoqlError, prepareSoql, startPreparedSoql } from '../soql/index.js';
import type { BoundQuery, SoqlCursor, SoqlResult } from '../soql/index.js';
import { V1Operation } from './v1-jobs.js';
import type { QueryResultFile, V1Batch, V1Job } from './v1-jobs.js';

/** Key prefix of Bulk query result ids. */
export const QUERY_RESULT_PREFIX = '752';

/** Rows per result file unless configured; Salesforce cuts files at 1 GB instead. */
export const DEFAULT_QUERY_ROWS_PER_FILE = 100_000;

/** A query batch that has started, or the `stateMessage` that fails it. */
export type QueryStart = { ok: true; query: BoundQuery; cursor: SoqlCursor } | { ok: false; stateMessage: string };

/** The result split into files of at most `rowsPerFile` rows. */
export function resultFiles(result: SoqlResult, rowsPerFile: number, ids: IdFactory): QueryResultFile[] {
  const files: QueryResultFile[] = [];
  // An empty result still has one file: it holds the "Records not found for this query" text.
  for (let start = 0; start === 0 || start < result.rows.length; start += rowsPerFile) {
    const rows = result.rows.slice(start, start + rowsPerFile);
    // Result ids are 15 characters on the wire.
    files.push({ id: ids.next(QUERY_RESULT_PREFIX).slice(0, 15), result: { ...result, rows } });
  }
  return files;
}

/** Checks the batch's query and starts it: `step()` the cursor until it answers true. */
export function startQueryBatch(org: Org, job: V1Job, batch: V1Batch): QueryStart {
  const soql = batch.request.toString('utf8').trim();
  let query: BoundQuery;
  try {
    query = prepareSoql(org, soql);
  } catch (error) {
    if (!(error instanceof SoqlError)) throw error;
    return { ok: false, stateMessage: `InvalidBatch : Failed to process query: ${error.code}: ${error.message}` };
  }
  if (query.object.name.toLowerCase() !== job.object.toLowerCase()) {
    const message = `InvalidBatch : Failed to process query: Entity in the query (${query.object.name}) does not match the job's object (${job.object})`;
    return { ok: false, stateMessage: message };
  }
  const cursor = startPreparedSoql(org, query, {
    includeDeleted: job.operation === V1Operation.QueryAll,
    ...(batch.idRange ? { idRange: batch.idRange } : {}),
  });
  return { ok: true, query, cursor };
}
