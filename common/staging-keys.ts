/**
 * Where things go in the staging store, in one place. Keys are relative and `/`-separated; a store turns them
 * into `file://` or `s3://` URLs. Every run stages under its own prefix, `<encoded workflow id>/<first run id>`,
 * so runs never overwrite each other, and a later run of the same business id finds an earlier one's data by
 * its prefix (recorded in the run ledger, `ledger/<encoded workflow id>/`).
 *
 * Pure: workflows compute the prefix, activities the rest. Recorded histories hold URLs built from these
 * layouts, so a layout never changes; a new layout gets a new name.
 */

/** Four digits for units and attempts, five for query parts: a folder listing sorts them in order. */
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The staging prefix of a run: `<encoded workflow id>/<first execution run id>`. */
export function stagingPrefixOf(workflowId: string, firstExecutionRunId: string): string {
  return `${encodeURIComponent(workflowId)}/${firstExecutionRunId}`;
}

export const StagingKeys = {
  /** Upload unit `index` (0-based) of the input. */
  unit: (prefix: string, index: number) => `${prefix}/input/unit-${pad(index + 1, 4)}.csv`,
  /** A Bulk 2.0 job's result file (`successfulResults`, `failedResults`, `unprocessedrecords`). */
  jobResults: (prefix: string, jobId: string, kind: string) => `${prefix}/results/${jobId}/${kind}.csv`,
  /** A Bulk v1 batch's result file, in the same three kinds. */
  batchResults: (prefix: string, jobId: string, batchId: string, kind: string) =>
    `${prefix}/results/${jobId}/${batchId}/${kind}.csv`,
  /** The folder of every job's results; a rerun lists it to find what earlier runs saved. */
  resultsFolder: (prefix: string) => `${prefix}/results/`,
  /** Follow-up unit `index` of rows that failed with a transient error, and the rows left failed for good. */
  retryUnit: (prefix: string, index: number) => `${prefix}/retry/unit-${pad(index + 1, 4)}.csv`,
  retryFailed: (prefix: string, index: number) => `${prefix}/retry/unit-${pad(index + 1, 4)}-failedResults.csv`,
  /** A record of a Salesforce job the run created, written when Salesforce answers the create. */
  jobRecord: (prefix: string, jobId: string) => `${prefix}/jobs/${jobId}.json`,
  jobRecordsFolder: (prefix: string) => `${prefix}/jobs/`,
  /**
   * The store-wide index of the jobs bulkflow created: the same record, by job id alone, so that a sweep of
   * orphaned jobs can tell bulkflow's jobs from others' with one listing. (A run's prefix never yields a key of
   * this shape: its second segment is a run id.)
   */
  jobIndexEntry: (jobId: string) => `jobs/${jobId}.json`,
  jobIndexFolder: 'jobs/',
  /** Successful results of an earlier run's job, fetched from Salesforce because that run did not save them. */
  earlierResults: (prefix: string, jobId: string, batchId?: string) =>
    `${prefix}/earlier/${jobId}${batchId ? `/${batchId}` : ''}/successfulResults.csv`,
  /** Part `index` (0-based) of a query's results, and the joined result. */
  queryPart: (prefix: string, jobId: string, index: number) => `${prefix}/query/${jobId}/part-${pad(index + 1, 5)}.csv`,
  queryResult: (prefix: string) => `${prefix}/query/result.csv`,
  /** A query's records in another format than CSV (`extension`), or file `index` of a split. */
  queryOutput: (prefix: string, extension: string, index?: number) =>
    `${prefix}/query/result${index === undefined ? '' : `-${pad(index + 1, 5)}`}.${extension}`,
  /** The run ledger of a business id. */
  ledgerFolder: (workflowId: string) => `ledger/${encodeURIComponent(workflowId)}`,
  ledgerAttempt: (workflowId: string, attempt: number) =>
    `ledger/${encodeURIComponent(workflowId)}/attempt-${pad(attempt, 4)}.json`,
  ledgerOutcome: (workflowId: string, attempt: number) =>
    `ledger/${encodeURIComponent(workflowId)}/attempt-${pad(attempt, 4)}.outcome.json`,
} as const;
