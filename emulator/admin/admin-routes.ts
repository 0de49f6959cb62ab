/**
 * The emulator's own API under `/__emulator/`, for tests and operators: stored records, request and job
 * statistics, and reset. It needs no session: it is not part of Salesforce.
 */
import { restError, sendEmpty, sendJson } from '../http/http-helpers.js';
import type { Router } from '../http/router.js';
import type { IngestJobStore } from '../bulk2/ingest-jobs.js';
import { formatDateTime } from '../org/field-values.js';
import type { Org } from '../org/org.js';
import type { RequestStats } from './request-stats.js';

/** What the admin API reads and resets. */
export interface AdminDependencies {
  org: Org;
  ingestJobs: IngestJobStore;
  stats: RequestStats;
  /** Clears records, jobs and statistics. */
  reset: () => void;
}

/** Registers the admin endpoints. */
export function addAdminRoutes(router: Router, deps: AdminDependencies): void {
  router.add('GET', '/__emulator/sobjects/{object}/records', ({ res, url, params }) => {
    const objectName = params['object'] ?? '';
    if (!deps.org.schemas.get(objectName)) {
      throw restError(404, 'NOT_FOUND', `The requested resource does not exist: sObject type '${objectName}'`);
    }
    const includeDeleted = url.searchParams.get('includeDeleted') === 'true';
    sendJson(res, 200, deps.org.getRecords(objectName, { includeDeleted }));
  });

  router.add('GET', '/__emulator/stats', ({ res }) => {
    const jobs = deps.ingestJobs.list().map((job) => ({
      id: job.id,
      api: '2.0',
      object: job.object,
      operation: job.operation,
      state: job.state,
      numberRecordsProcessed: job.numberRecordsProcessed,
      numberRecordsFailed: job.numberRecordsFailed,
      createdDate: formatDateTime(job.createdDate),
    }));
    sendJson(res, 200, { requests: deps.stats.snapshot(), jobs, batches: [] });
  });

  router.add('POST', '/__emulator/reset', ({ res }) => {
    deps.reset();
    sendEmpty(res, 204);
  });
}
