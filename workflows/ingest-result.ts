/**
 * The result of a load, assembled from its jobs' outcomes: the result files in unit order (a follow-up job's files
 * marked with their attempt), the counts that account for every input row, the final state, where the time went.
 */
import type { ResultFileRef } from '../common/result-files.js';
import { BulkflowState, type BulkIngestInput, type BulkIngestResult, type BulkJobProgress } from './contract.js';
import type { IngestJobOutcome } from './ingest-job-contract.js';
import type { PhaseClock } from './phase-timings.js';

/** What a load knows at its end. */
export interface IngestEnd {
  input: BulkIngestInput;
  outcomes: readonly IngestJobOutcome[];
  jobs: BulkJobProgress[];
  totalRows: number;
  /** Rows earlier runs of the business id loaded, and their files (a rerun). */
  loadedBefore?: { rows: number; files: ResultFileRef[] };
  retries?: { rows: number; attempts: number };
  abortReason?: string;
  abortedDuring?: BulkflowState;
  clock: PhaseClock;
  startedAtMs: number;
}

/** The final state: Aborted if asked, Failed if Salesforce failed a job, else Completed. */
export function finalState(end: Pick<IngestEnd, 'abortReason' | 'jobs'>): BulkIngestResult['state'] {
  if (end.abortReason) return BulkflowState.Aborted;
  return end.jobs.some((j) => j.state === 'Failed') ? BulkflowState.Failed : BulkflowState.Completed;
}

export function ingestResult(end: IngestEnd): BulkIngestResult {
  const ordered = [...end.outcomes].sort((a, b) => a.unitIndex - b.unitIndex);
  const pick = (kind: 'successful' | 'failed' | 'unprocessed') =>
    ordered.flatMap<ResultFileRef>((o) => {
      const ref = o.results[kind];
      if (!ref) return [];
      return (o.attempt ?? 1) > 1 ? [{ ...ref, attempt: o.attempt }] : [ref];
    });
  const results = { successful: pick('successful'), failed: pick('failed'), unprocessed: pick('unprocessed') };
  const sum = (refs: ResultFileRef[]) => refs.reduce((n, r) => n + r.rows, 0);
  for (const outcome of ordered) end.clock.merge(outcome.phases);
  const failedJob = end.jobs.find((j) => j.state === 'Failed');
  const { loadedBefore, abortReason } = end;
  return {
    state: finalState(end),
    object: end.input.object,
    operation: end.input.operation,
    jobs: end.jobs,
    records: {
      total: end.totalRows,
      successful: sum(results.successful),
      failed: sum(results.failed),
      unprocessed: sum(results.unprocessed),
      ...(loadedBefore ? { loadedBefore: loadedBefore.rows } : {}),
    },
    results: { ...results, ...(loadedBefore ? { loadedBefore: loadedBefore.files } : {}) },
    timings: end.clock.timings(end.startedAtMs),
    ...(end.retries ? { retries: end.retries } : {}),
    ...(abortReason ? { abortReason } : {}),
    ...(abortReason && end.abortedDuring ? { abortedDuring: end.abortedDuring } : {}),
    ...(failedJob?.errorMessage ? { failureMessage: failedJob.errorMessage } : {}),
  };
}
