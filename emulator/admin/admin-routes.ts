/**
 * The emulator's own API under `/__emulator/`, for tests and operators: stored records, request and job
 * statistics, and reset. It needs no session: it is not part of Salesforce.
 */
import { restError, sendEmpty, sendJson, sendTextStream } from '../http/http-helpers.js';
import type { Router } from '../http/router.js';
import type { IngestJobStore } from '../bulk2/ingest-jobs.js';
import type { QueryJobStore } from '../bulk2/query-jobs.js';
import type { V1JobStore } from '../bulk1/v1-jobs.js';
import { v1BatchStats, v1JobStats } from '../bulk1/v1-stats.js';
import { formatDateTime } from '../org/field-values.js';
import type { Org } from '../org/org.js';
import type { RequestStats } from './request-stats.js';
import { recordsRequest, recordBlocks } from './record-stream.js';

/** What the admin API reads and resets. */
export interface AdminDependencies {
  org: Org;
  ingestJobs: IngestJobStore;
  /** Bulk v1 jobs and their batches. */
  bulkV1Jobs?: V1JobStore;
  /** Bulk 2.0 query jobs. */
  queryJobs?: QueryJobStore;
  stats: RequestStats;
  /** More sections of `/__emulator/stats`, e.g. `{ faults: [...], limits: {...} }`. */
  extraStats?: () => Record<string, unknown>;
  /** Clears records, jobs and statistics. */
  reset: () => void;
}

/** Registers the admin endpoints. */
export function addAdminRoutes(router: Router, deps: AdminDependencies): void {
  // Streamed a batch of records at a time: a large org never becomes one string.
  router.add('GET', '/__emulator/sobjects/{object}/records', ({ req, res, url, params }) => {
    const objectName = params['object'] ?? '';
    if (!deps.org.schemas.get(objectName)) {
      throw restError(404, 'NOT_FOUND', `The requested resource does not exist: sObject type '${objectName}'`);
    }
    const request = recordsRequest(url.searchParams, String(req.headers['accept'] ?? ''));
    const { headers, blocks } = recordBlocks(deps.org, objectName, request);
    return sendTextStream(req, res, headers, blocks);
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
    const queryJobs = (deps.queryJobs?.list() ?? []).map((job) => ({
      id: job.id,
      api: '2.0',
      object: job.object,
      operation: job.operation,
      state: job.state,
      numberRecordsProcessed: job.numberRecordsProcessed,
      numberRecordsFailed: 0,
      createdDate: formatDateTime(job.createdDate),
    }));
    const v1Jobs = deps.bulkV1Jobs ? v1JobStats(deps.bulkV1Jobs) : [];
    const batches = deps.bulkV1Jobs ? v1BatchStats(deps.bulkV1Jobs) : [];
    const extra = deps.extraStats?.() ?? {};
    sendJson(res, 200, {
      requests: deps.stats.snapshot(),
      jobs: [...jobs, ...queryJobs, ...v1Jobs],
      batches,
      ...extra,
    });
  });

  router.add('POST', '/__emulator/reset', ({ res }) => {
    deps.reset();
    sendEmpty(res, 204);
  });
}
