/**
 * Runs a v1 query batch: the batch body is SOQL, evaluated by the SOQL engine; rows are split into result files
 * (`752…` ids) of at most `rowsPerFile` rows. A rejected query fails the batch with
 * `InvalidBatch : Failed to process query: <CODE>: <message>`, as Salesforce reports it.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_using_bulk_query.htm
 */
import type { IdFactory } from '../org/ids.js';
import type { Org } from '../org/org.js';
import { SoqlError, executeSoql } from '../soql/index.js';
import type { SoqlResult } from '../soql/index.js';
import { V1Operation } from './v1-jobs.js';
import type { QueryResultFile, V1Batch, V1Job } from './v1-jobs.js';

/** Key prefix of Bulk query result ids. */
export const QUERY_RESULT_PREFIX = '752';

/** Rows per result file unless configured; Salesforce cuts files at 1 GB instead. */
export const DEFAULT_QUERY_ROWS_PER_FILE = 100_000;

/** The outcome of a query batch. */
export type QueryOutcome = { ok: true; files: QueryResultFile[]; rows: number } | { ok: false; stateMessage: string };

function split(result: SoqlResult, rowsPerFile: number, ids: IdFactory): QueryResultFile[] {
  const files: QueryResultFile[] = [];
  // An empty result still has one file: it holds the "Records not found for this query" text.
  for (let start = 0; start === 0 || start < result.rows.length; start += rowsPerFile) {
    const rows = result.rows.slice(start, start + rowsPerFile);
    // Result ids are 15 characters on the wire.
    files.push({ id: ids.next(QUERY_RESULT_PREFIX).slice(0, 15), result: { ...result, rows } });
  }
  return files;
}

/** Runs the batch's query. */
export function runQueryBatch(org: Org, ids: IdFactory, job: V1Job, batch: V1Batch, rowsPerFile: number): QueryOutcome {
  const soql = batch.request.toString('utf8').trim();
  let result: SoqlResult;
  try {
    result = executeSoql(org, soql, {
      includeDeleted: job.operation === V1Operation.QueryAll,
      ...(batch.idRange ? { idRange: batch.idRange } : {}),
    });
  } catch (error) {
    if (!(error instanceof SoqlError)) throw error;
    return { ok: false, stateMessage: `InvalidBatch : Failed to process query: ${error.code}: ${error.message}` };
  }
  if (result.object.toLowerCase() !== job.object.toLowerCase()) {
    const message = `InvalidBatch : Failed to process query: Entity in the query (${result.object}) does not match the job's object (${job.object})`;
    return { ok: false, stateMessage: message };
  }
  return { ok: true, files: split(result, rowsPerFile, ids), rows: result.rows.length };
}
