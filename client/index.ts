/**
 * For services: typed starters and handles for bulkflow's workflows.
 *
 * @example
 * import { startBulkIngest } from 'bulkflow/client';
 * const handle = await startBulkIngest(client, { object: 'Contact', operation: 'insert', source: { url } });
 */
export {
  connectClient,
  connectionOptionsOf,
  temporalTargetFromEnv,
  TemporalRefusedError,
  TemporalUnreachableError,
  type TemporalTarget,
} from './connection.js';
export {
  describeBulkWorkflow,
  workerPresence,
  type BulkWorkflowStatus,
  type PendingStep,
  type WorkerPresence,
} from './inspect.js';
export { bulkflowClientPlugin, type BulkflowClientPluginOptions } from './plugin.js';
export { bulkJobsQuery, listBulkJobs, type BulkJobSummary, type ListBulkJobsOptions } from './list-jobs.js';
export {
  dataConverterFromEnv,
  EncryptionCodec,
  encryptionCodecFromEnv,
  type EncryptionKey,
} from '../common/encryption-codec.js';
export {
  getProgress,
  requestAbort,
  startBulkIngest,
  startBulkQuery,
  startBulkAdopt,
  type BulkAdoptHandle,
  type AttachedRun,
  type BulkIngestHandle,
  type BulkQueryHandle,
  type StartOptions,
} from './starters.js';
export { bulkflowErrorOf, InlineRecordsTooLargeError, type BulkflowErrorInfo } from './errors.js';
export {
  BulkflowError,
  ErrorCode,
  ErrorSource,
  FailureType,
  InputError,
  InputProblem,
  StorageError,
  type InputLocation,
  type JobFacts,
} from '../common/errors.js';
export {
  createIncrementalSync,
  getIncrementalSync,
  startIncrementalExport,
  type IncrementalSyncHandle,
  type SyncStartOptions,
} from './incremental-sync.js';
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
} from '../workflows/sync-contract.js';
export { createNightlySync, deleteSync, triggerSync, type NightlySync, type NightlySyncOptions } from './schedules.js';
export {
  abortSignal,
  BulkflowState,
  DEFAULT_TASK_QUEUE,
  progressQuery,
  SearchAttributes,
  WorkflowType,
  type AbortRequest,
  type BulkIngestInput,
  type BulkIngestResult,
  type BulkJobProgress,
  type BulkProgress,
  type BulkQueryInput,
  type BulkQueryResult,
  type BulkAdoptInput,
  type BulkAdoptResult,
  QueryFormat,
  type CompletedBefore,
  type DryRunProblem,
  type DryRunReport,
} from '../workflows/contract.js';
