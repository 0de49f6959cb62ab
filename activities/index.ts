/**
 * bulkflow's activities, built by a factory with their dependencies injected.
 *
 * @example
 * const activities = createBulkActivities({ salesforce: createSalesforceClient(opts), staging: stagingStoreFromEnv() });
 * await Worker.create({ activities, workflowsPath, taskQueue: 'bulkflow', connection });
 */
import { withFailureMapping } from './failures.js';
import { createIngestActivities } from './bulk2-ingest-activities.js';
import { createStagingActivities, type StagingActivityDeps } from './staging-activities.js';
import { createIngestV1Activities } from './bulk1-ingest-activities.js';
import { createLimitsActivities } from './limits-activities.js';
import { withMetrics, type MetricsOptions } from './metrics.js';
import { createAdoptActivities } from './adopt-activities.js';
import { createQueryActivities } from './query-activities.js';
import { createRetryActivities } from './retry-activities.js';
import { createLedgerActivities } from './ledger-activities.js';
import { createRerunActivities } from './rerun-activities.js';
import { createSyncActivities } from './sync-activities.js';
import { withKeepAlive } from './keep-alive.js';

export type BulkActivityDeps = StagingActivityDeps & {
  /**
   * Record bulkflow's metrics (rows by outcome, API calls by route, jobs by final state) through each
   * activity's metric meter; see `metrics.ts`. Exported only when the worker's Runtime has an exporter.
   * @default true
   */
  metrics?: boolean;
  /** The process's meter, for the API calls no one activity owns (see `metrics.ts`). */
  runtimeMeter?: MetricsOptions['runtimeMeter'];
};

export function createBulkActivities(deps: BulkActivityDeps) {
  const activities = {
    ...createStagingActivities(deps),
    ...createIngestActivities(deps),
    ...createIngestV1Activities(deps),
    ...createQueryActivities(deps),
    ...createAdoptActivities(deps),
    ...createRetryActivities(deps),
    ...createLimitsActivities(deps),
    ...createLedgerActivities(deps),
    ...createRerunActivities(deps),
    ...createSyncActivities(deps),
  };
  // Every activity heartbeats while it runs (keep-alive.ts), so a dead worker's step is retried in seconds.
  const measured =
    deps.metrics === false
      ? activities
      : withMetrics(activities, { salesforce: deps.salesforce, runtimeMeter: deps.runtimeMeter });
  return withFailureMapping(withKeepAlive(measured));
}

export type BulkActivities = ReturnType<typeof createBulkActivities>;

export { toApplicationFailure, withFailureMapping } from './failures.js';
export { BulkflowMetric, withMetrics, type MetricsOptions } from './metrics.js';
export type * from './types.js';
export type { V1JobStatus } from './bulk1-ingest-activities.js';
export type { AdoptedJob } from './adopt-activities.js';
export type {
  DownloadQueryRequest,
  JoinQueryRequest,
  QueryJobRequest,
  QueryJobStatus,
  QueryOutput,
} from './query-activities.js';
export type { CheckOrgLimitsRequest, CheckOrgLimitsResult } from './limits-activities.js';
export type { SyncCycleWritten, WriteSyncCycleRequest } from './sync-activities.js';
