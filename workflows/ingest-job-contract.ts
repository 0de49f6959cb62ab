/**
 * The internal contract between `bulkIngestWorkflow` and its per-job children. Not public: the
 * names may change with a patch, unlike those in contract.ts.
 */
import { defineSignal, getExternalWorkflowHandle, log } from '@temporalio/workflow';
import type { IngestJobResults, ResultFileRef, StagedUnit } from '../activities/types.js';
import type { IngestOperation } from '../common/wire-values.js';
import type { ActivityTimeouts, BulkJobProgress, PollPolicy } from './contract.js';
import type { PhaseSpans } from './phase-timings.js';
import type { PollResume } from './poll-loop.js';

/** Input of a per-job child workflow (internal). */
export interface IngestJobWorkflowInput {
  object: string;
  operation: IngestOperation;
  externalIdFieldName?: string;
  /** The assignment rule Salesforce runs for each record. */
  assignmentRuleId?: string;
  unit: StagedUnit;
  stagingPrefix: string;
  /** The parent to report progress to. */
  parentWorkflowId: string;
  pollPolicy?: PollPolicy;
  activityTimeouts?: ActivityTimeouts;
  /** Continue as new once history holds this many events. @default 2000 */
  historyEventLimit?: number;
  /** Carried across continue-as-new: the job being polled and the poll policy's state. */
  resume?: { job: BulkJobProgress; phases?: PhaseSpans } & PollResume;
}

/** What a per-job child returns to `bulkIngestWorkflow`: its job and the unit's result files. */
export interface IngestJobOutcome {
  unitIndex: number;
  /** Undefined when the unit was never sent (aborted before its job existed). */
  job?: BulkJobProgress;
  results: { successful?: ResultFileRef; failed?: ResultFileRef; unprocessed: ResultFileRef } | IngestJobResults;
  /** When this job uploaded, was processed and was downloaded (absent in older runs). */
  phases?: PhaseSpans;
  /** Set by the parent: 1 for the first job, 2 and up for follow-up jobs of transient failures. */
  attempt?: number;
}

/** The payload of {@link jobProgressSignal}. */
export interface JobProgressReport {
  unitIndex: number;
  job: BulkJobProgress;
}

/** A child tells its parent how its Salesforce job is doing. */
export const jobProgressSignal = defineSignal<[JobProgressReport]>('bulkflow.jobProgress');

/**
 * Sends a child's progress to its parent. A failed signal (the parent is gone or continuing as new) is
 * logged, not thrown: progress is advisory, the child's result is what counts.
 */
export function reportToParent(parentWorkflowId: string, report: JobProgressReport): void {
  getExternalWorkflowHandle(parentWorkflowId)
    .signal(jobProgressSignal, report)
    .catch((err: unknown) => {
      log.warn('could not report progress to the parent workflow', { error: String(err) });
    });
}
