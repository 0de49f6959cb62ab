/**
 * `patched()` ids of bulkflow's workflows. Each marks a change in the commands a workflow issues; histories
 * recorded without the marker replay the old way. They are recorded in histories, so they never change, and
 * one is never removed while runs that lack it may still be open (see CONTRIBUTING, replay tests).
 */
export const Patch = {
  /** The daily allowance check before any job. */
  OrgLimits: 'bulkflow-org-limits-check',
  /** The daily allowance check before a query job is created. */
  QueryLimits: 'bulkflow-query-limits-check',
  /** Follow-up jobs for rows that failed with a transient error. */
  TransientRetry: 'bulkflow-transient-row-retry',
  /**
   * Today's run rules, decided once at a run's first task (`RunControl.current`): an abort cancels the step in
   * flight (a retrying activity included) and a Temporal cancellation is an abort; a job aborted after its upload
   * is polled to its end and its results downloaded; a run claims its business id in the run ledger, returns an
   * earlier completed result, and loads only what earlier runs did not; states only move forward
   * (`run-state.ts`), and search attributes are updated only when they change.
   */
  DurableRuns: 'bulkflow-durable-runs',
} as const;
