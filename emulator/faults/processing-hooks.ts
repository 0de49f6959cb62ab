/**
 * Hooks a background job processor calls while it writes rows, so that faults, limits and persistence reach
 * every API alike. The Bulk 2.0 ingest processor calls all of them; a Bulk v1 processor calls `rowError`,
 * `jobFailure` (to fail a batch), `recordsPerSecond` and `changed` (its batches are counted when created).
 */
import type { ApiLimits } from '../limits/api-limits.js';
import type { RecordError } from '../org/record-errors.js';
import type { FaultInjector, FaultJob } from './fault-injector.js';

/** The hooks. Every method is cheap when no fault is active. */
export interface ProcessingHooks {
  /** A per-record error (e.g. UNABLE_TO_LOCK_ROW) to report instead of writing the row, or undefined to write it. */
  rowError(job: FaultJob, rowIndex: number): RecordError | undefined;
  /** An error message to fail the job (or v1 batch) with before writing the row after `processed` rows. */
  jobFailure(job: FaultJob, processed: number): string | undefined;
  /** A processing speed (rows per second) that overrides the configured one, or undefined. */
  recordsPerSecond(): number | undefined;
  /** A Bulk 2.0 ingest job of `rows` rows starts processing: counts its Bulk batches. */
  ingestJobStarted(job: FaultJob, rows: number): void;
  /** Records or job state changed (persistence saves shortly after). */
  changed(): void;
}

/** What the hooks use. */
export interface ProcessingHooksDependencies {
  faults: FaultInjector;
  limits: ApiLimits;
  changed?: () => void;
}

/** Hooks that do nothing: for processors built without an emulator around them. */
export const NO_PROCESSING_HOOKS: ProcessingHooks = {
  rowError: () => undefined,
  jobFailure: () => undefined,
  recordsPerSecond: () => undefined,
  ingestJobStarted: () => undefined,
  changed: () => undefined,
};

/** The emulator's hooks. */
export function createProcessingHooks(deps: ProcessingHooksDependencies): ProcessingHooks {
  return {
    rowError: (job) => deps.faults.rowError(job),
    jobFailure: (job, processed) => deps.faults.jobFailure(job, processed),
    recordsPerSecond: () => deps.faults.recordsPerSecond(),
    ingestJobStarted: (_job, rows) => deps.limits.countIngestJob(rows),
    changed: () => deps.changed?.(),
  };
}
