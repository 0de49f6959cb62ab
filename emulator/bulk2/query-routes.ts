/**
 * Bulk API 2.0 query endpoints under `/services/data/vXX.X/jobs/query`: create (validating the SOQL), job
 * info, list, abort, delete, result pages with `Sforce-Locator` / `Sforce-NumberOfRecords`, and the parallel
 * `resultPages` links (API 58.0 and later).
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/queries.htm
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SessionStore } from '../auth/sessions.js';
import type { V1JobStore } from '../bulk1/v1-jobs.js';
import { auditTimestamp } from '../clock.js';
import { requireRestSession } from '../auth/sessions.js';
import { readJson, restError, sendCsvStream, sendEmpty, sendJson } from '../http/http-helpers.js';
import type { RouteContext, Router } from '../http/router.js';
import type { Org } from '../org/org.js';
import { ListedJobType, jobListPage, listedV1Job } from './job-lists.js';
import type { ListedJob } from './job-lists.js';
import { parseCreateQueryRequest } from './query-create.js';
import { createdQueryInfo, fullQueryInfo, listedQueryInfo, patchedQueryInfo } from './query-info.js';
import { InvalidQueryTransitionError, QueryJobState, isQueryJobFinal, transitionQuery } from './query-jobs.js';
import type { QueryJob, QueryJobStore } from './query-jobs.js';
import type { QueryProcessor } from './query-processor.js';
import { decodeLocator, parallelPages, resultPage } from './query-results.js';
import type { ResultPage } from './query-results.js';

/** What the query endpoints work on. */
export interface QueryDependencies {
  org: Org;
  sessions: SessionStore;
  /** Bulk v1 jobs, which the job list shows too. */
  v1Jobs: V1JobStore;
  jobs: QueryJobStore;
  processor: QueryProcessor;
  /** The org's newest API version, e.g. `62.0`. */
  latestApiVersion: string;
  /** Rows per page in `resultPages` links. @default PARALLEL_PAGE_ROWS */
  resultPageRows?: number;
}

/** Query jobs arrived in API 47.0, parallel result pages in 58.0. */
const FIRST_QUERY_VERSION = 47;
const FIRST_RESULT_PAGES_VERSION = 58;
const BASE = '/services/data/{version}/jobs/query';

const notFound = () => restError(404, 'NOT_FOUND', 'The requested resource does not exist');

function findJob(deps: QueryDependencies, { params }: RouteContext): QueryJob {
  const job = deps.jobs.get(params['jobId'] ?? '');
  if (!job) throw notFound();
  return job;
}

function invalidState(job: QueryJob, requested: string) {
  return restError(
    400,
    'INVALIDJOBSTATE',
    `Job ${job.id} is in state ${job.state} and cannot be moved to ${requested}`,
  );
}

/**
 * Results must be fetched at the API version the query was created with; another version answers 409. The
 * status is documented, the body is not: the emulator chooses `API_VERSION_MISMATCH` and says which version.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_get_job_results.htm
 */
function requireJobVersion(job: QueryJob, context: RouteContext): void {
  if (Number(context.params['version']) === Number(job.apiVersion)) return;
  const message =
    `Job ${job.id} was created with API version ${job.apiVersion}; ` +
    `get its results with the same version (/services/data/v${job.apiVersion}/jobs/query/${job.id})`;
  throw restError(409, 'API_VERSION_MISMATCH', message);
}

function completedJob(deps: QueryDependencies, context: RouteContext): QueryJob {
  const job = findJob(deps, context);
  requireJobVersion(job, context);
  if (job.state !== QueryJobState.JobComplete) {
    // Wording not confirmed against a real org; clients only ask once the job is JobComplete.
    throw restError(
      400,
      'INVALIDJOBSTATE',
      `Results are available only for jobs in state JobComplete; job ${job.id} is ${job.state}`,
    );
  }
  return job;
}

async function create(deps: QueryDependencies, context: RouteContext): Promise<void> {
  const session = requireRestSession(context.req, deps.sessions);
  const body = await readJson(context.req);
  const request = parseCreateQueryRequest(body, deps.org, context.params['version'] ?? '', session.userId);
  const job = deps.jobs.create(request);
  deps.processor.start(job);
  sendJson(context.res, 200, createdQueryInfo(job));
}

async function abort(deps: QueryDependencies, context: RouteContext): Promise<void> {
  const job = findJob(deps, context);
  const body = await readJson(context.req);
  const state = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['state'] : undefined;
  if (state !== QueryJobState.Aborted) throw invalidState(job, String(state));
  try {
    transitionQuery(job, QueryJobState.Aborted, auditTimestamp(deps.jobs.clock));
  } catch (error) {
    if (error instanceof InvalidQueryTransitionError) throw invalidState(job, error.to);
    throw error;
  }
  deps.processor.cancel(job.id);
  sendJson(context.res, 200, patchedQueryInfo(job));
}

function deleteJob(deps: QueryDependencies, context: RouteContext): void {
  const job = findJob(deps, context);
  if (job.state !== QueryJobState.UploadComplete && !isQueryJobFinal(job)) throw invalidState(job, 'Deleted');
  deps.processor.cancel(job.id);
  deps.jobs.delete(job.id);
  sendEmpty(context.res, 204);
}

/** Bulk 2.0 query jobs and every v1 job. */
function listJobs(deps: QueryDependencies, { url, res, params }: RouteContext): void {
  const v2 = deps.jobs.list().map((job): ListedJob => ({
    id: job.id,
    jobType: ListedJobType.V2Query,
    concurrencyMode: 'Parallel',
    pkChunking: false,
    info: listedQueryInfo(job),
  }));
  const basePath = `/services/data/v${params['version'] ?? ''}/jobs/query`;
  sendJson(res, 200, jobListPage(url, basePath, [...v2, ...deps.v1Jobs.list().map(listedV1Job)]));
}

function maxRecordsParam(url: URL): number | undefined {
  const raw = url.searchParams.get('maxRecords');
  if (raw === null || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw restError(400, 'API_ERROR', `Invalid value: '${raw}' supplied for parameter: 'maxRecords'`);
  }
  return Number(raw);
}

/** Sends a page, streamed (a page without `maxRecords` holds every row); its headers are known before its body. */
function sendPage(req: IncomingMessage, res: ServerResponse, page: ResultPage): Promise<void> {
  const headers = {
    'Sforce-NumberOfRecords': String(page.numberOfRecords),
    // The literal `null` on the last page is what clients loop on; a missing header makes jsforce loop forever.
    'Sforce-Locator': page.nextLocator ?? 'null',
  };
  return sendCsvStream(req, res, page.blocks, headers);
}

function results(deps: QueryDependencies, context: RouteContext): Promise<void> {
  const job = completedJob(deps, context);
  const locator = context.url.searchParams.get('locator');
  const cursor = locator === null || locator === '' ? { offset: 0 } : decodeLocator(locator);
  if (!cursor) throw restError(400, 'INVALID_LOCATOR', `Invalid locator: ${locator ?? ''}`);
  return sendPage(context.req, context.res, resultPage(job, cursor, maxRecordsParam(context.url)));
}

function resultPages(deps: QueryDependencies, context: RouteContext): void {
  if (Number(context.params['version']) < FIRST_RESULT_PAGES_VERSION) throw notFound();
  const job = completedJob(deps, context);
  const locator = context.url.searchParams.get('locator');
  const cursor = locator === null || locator === '' ? { offset: 0 } : decodeLocator(locator);
  if (!cursor) throw restError(400, 'INVALID_LOCATOR', `Invalid locator: ${locator ?? ''}`);
  const basePath = `/services/data/v${context.params['version'] ?? ''}/jobs/query/${job.id}`;
  sendJson(context.res, 200, parallelPages(job, basePath, cursor.offset, deps.resultPageRows));
}

/** Registers the query endpoints; every one requires a session. */
export function addQueryRoutes(router: Router, deps: QueryDependencies): void {
  const authed =
    (handler: (deps: QueryDependencies, context: RouteContext) => void | Promise<void>) => (context: RouteContext) => {
      const version = Number(context.params['version']);
      if (version < FIRST_QUERY_VERSION || version > Number(deps.latestApiVersion)) throw notFound();
      requireRestSession(context.req, deps.sessions);
      return handler(deps, context);
    };
  router.add('POST', BASE, authed(create));
  router.add('GET', BASE, authed(listJobs));
  router.add(
    'GET',
    `${BASE}/{jobId}`,
    authed((_, context) => sendJson(context.res, 200, fullQueryInfo(findJob(deps, context)))),
  );
  router.add('PATCH', `${BASE}/{jobId}`, authed(abort));
  router.add('DELETE', `${BASE}/{jobId}`, authed(deleteJob));
  router.add('GET', `${BASE}/{jobId}/results`, authed(results));
  router.add('GET', `${BASE}/{jobId}/resultPages`, authed(resultPages));
}
