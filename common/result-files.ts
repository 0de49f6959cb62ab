/**
 * A file of rows bulkflow staged or wrote (a result file, a query's records): where it is and how many rows it
 * holds. Workflow results are lists of these; the rows themselves never enter history.
 */
export interface ResultFileRef {
  /** `file://` or `s3://`. */
  url: string;
  rows: number;
  /**
   * Which attempt these rows' outcome came from: 1 for the first job, 2 and up for follow-up jobs that
   * retried rows failed with a transient error (`UNABLE_TO_LOCK_ROW`). Absent means 1.
   */
  attempt?: number;
}
