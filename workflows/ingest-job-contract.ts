/**
 * The internal contract between `bulkIngestWorkflow` and its per-job children. Not public: the
 * names may change with a patch, unlike those in contract.ts.
 */
import { defineSignal } from '@temporalio/workflow';
import type { IngestJobResults, ResultFileRef, StagedUnit } from '../activities/types.js';
import type { IngestOperation } from '../common/wire-values.js';
import type { ActivityTimeouts, BulkJobProgress, PollPolicy } from './contract.js';

export interface IngestJobWorkflowInput {
  object: string;
  operation: IngestOperation;
  externalIdFieldName?: string;
  unit: StagedUnit;
  stagingPrefix: string;
  /** The parent to report progress to. */
  parentWorkflowId: string;
  pollPolicy?: PollPolicy;
  activityTimeouts?: ActivityTimeouts;
  /** Continue as new once history holds this many events. @default 2000 */
  historyEventLimit?: number;
  /** Carried across continue-as-new: the job being polled and the next delay. */
  resume?: { job: BulkJobProgress; delayMs: number };
}

export interface IngestJobOutcome {
  unitIndex: number;
  /** Undefined when the unit was never sent (aborted before its job existed). */
  job?: BulkJobProgress;
  results: { successful?: ResultFileRef; failed?: ResultFileRef; unprocessed: ResultFileRef } | IngestJobResults;
}

export interface JobProgressReport {
  unitIndex: number;
  job: BulkJobProgress;
}

/** A child tells its parent how its Salesforce job is doing. */
export const jobProgressSignal = defineSignal<[JobProgressReport]>('bulkflow.jobProgress');
