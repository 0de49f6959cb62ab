/**
 * Workflow-safe entry point: the workflows a worker registers, and the contract clients use.
 * Nothing here may import Node built-ins or I/O libraries (the workflow sandbox forbids them).
 */
export { bulkIngestWorkflow } from './bulk-ingest-workflow.js';
export { bulkQueryWorkflow } from './bulk-query-workflow.js';
export { bulkAdoptWorkflow } from './bulk-adopt-workflow.js';
export { bulkIngestJobWorkflow } from './bulk2-ingest-job-workflow.js';
export { bulkIngestV1Workflow } from './bulk1-ingest-job-workflow.js';
export { incrementalSyncWorkflow } from './incremental-sync-workflow.js';
export {
  pauseSyncSignal,
  resetSyncBookmarkUpdate,
  resumeSyncSignal,
  runSyncNowSignal,
  syncStatusQuery,
  type IncrementalSyncInput,
  type SyncBookmark,
  type SyncCycleCounts,
  type SyncCycleReport,
  type SyncStatus,
  type SyncTiming,
} from './sync-contract.js';
export {
  abortSignal,
  BulkflowState,
  DEFAULT_TASK_QUEUE,
  progressQuery,
  SearchAttributes,
  WorkflowType,
  type ActivityTimeouts,
  type AbortRequest,
  type BulkIngestInput,
  type IngestSource,
  type InlineValue,
  MAX_INLINE_BYTES,
  type BulkIngestResult,
  type BulkJobProgress,
  type BulkProgress,
  type BulkQueryInput,
  type BulkQueryResult,
  type BulkAdoptInput,
  type BulkAdoptResult,
  QueryFormat,
  type OrgLimitsPolicy,
  type PhaseTimings,
  type TransientRetryPolicy,
  type PollPolicy,
  type DryRunProblem,
  type DryRunReport,
} from './contract.js';
