/**
 * bulkflow's activities, built by a factory with their dependencies injected.
 *
 * @example
 * const activities = createBulkActivities({ salesforce: createSalesforceClient(opts), staging: stagingStoreFromEnv() });
 * await Worker.create({ activities, workflowsPath, taskQueue: 'bulkflow', connection });
 */
import { withFailureMapping } from './failures.js';
import { createIngestActivities, type IngestActivityDeps } from './bulk2-ingest-activities.js';
import { createIngestV1Activities } from './bulk1-ingest-activities.js';
import { createLimitsActivities } from './limits-activities.js';
import { createQueryActivities } from './query-activities.js';
import { createRetryActivities } from './retry-activities.js';

export type BulkActivityDeps = IngestActivityDeps;

export function createBulkActivities(deps: BulkActivityDeps) {
  return withFailureMapping({
    ...createIngestActivities(deps),
    ...createIngestV1Activities(deps),
    ...createQueryActivities(deps),
    ...createRetryActivities(deps),
    ...createLimitsActivities(deps),
  });
}

export type BulkActivities = ReturnType<typeof createBulkActivities>;

export { FAILURE_TYPE_PREFIX, toApplicationFailure, withFailureMapping } from './failures.js';
export type * from './types.js';
export type { V1JobStatus } from './bulk1-ingest-activities.js';
export type { DownloadQueryRequest, QueryJobRequest, QueryJobStatus } from './query-activities.js';
export type { CheckOrgLimitsRequest, CheckOrgLimitsResult } from './limits-activities.js';
