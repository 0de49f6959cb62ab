/**
 * Bulk API 2.0 ingest endpoints under `/services/data/vXX.X/jobs/ingest`.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/bulk_api_2_0.htm
 */
import type { OrgUser } from '../auth/credentials.js';
import { canHardDelete } from '../auth/permissions.js';
import type { SessionStore } from '../auth/sessions.js';
import type { V1JobStore } from '../bulk1/v1-jobs.js';
import { auditTimestamp } from '../clock.js';
import { requireRestSession } from '../auth/sessions.js';
import { BodyTooLargeError, readJson, restError, sendCsvStream, sendEmpty, sendJson } from '../http/http-helpers.js';
import type { RouteContext, Router } from '../http/router.js';
import type { Org } from '../org/org.js';
import { parseCreateJobRequest } from './create-job-request.js';
import { IngestJobState, InvalidStateTransitionError, TERMINAL_STATES, transition } from './ingest-jobs.js';
import type { IngestJob, IngestJobStore } from './ingest-jobs.js';
import type { IngestProcessor } from './ingest-processor.js';
import { receiveUpload } from './upload-data.js';
import type { WorkDir } from '../work-dir.js';
import { createdJobInfo, fullJobInfo, listedJobInfo, patchedJobInfo } from './job-info.js';
import { ListedJobType, jobListPage, listedV1Job } from './job-lists.js';
import type { ListedJob } from './job-lists.js';
import { ResultKind, resultBlocks } from './job-results.js';

/** What the ingest endpoints work on. */
export interface IngestDependencies {
  org: Org;
  /** Where large uploads are kept while their jobs run. */
  workDir: WorkDir;
  sessions: SessionStore;
  /** The org's users: hardDelete needs the Bulk API Hard Delete permission. */
  users: readonly OrgUser[];
  /** Bulk v1 jobs, which the job list shows too. */
  v1Jobs: V1JobStore;
  jobs: IngestJobStore;
  processor: IngestProcessor;
  /** The org's newest API version, e.g. `62.0`; later versions do not exist for it. */
  latestApiVersion: string;
}

/** Bulk API 2.0 ingest arrived in API version 41.0. */
const FIRST_INGEST_VERSION = 41;

/**
 * Bulk 2.0 takes at most 150 MB of base64-encoded content per upload ("about 100 MB" of CSV, as the docs put
 * it). Salesforce counts the upload after encoding, 4 bytes per 3 (rounded up), so the emulator does too; the
 * docs do not say whether MB is 10^6 or 2^20 bytes, the emulator takes 2^20.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/upload_job_data.htm
 */
export const MAX_UPLOAD_BASE64_BYTES = 150 * 1024 * 1024;

/** The largest upload, in raw bytes, whose base64 form (4 * ceil(n / 3) bytes) fits: 117,964,800 bytes. */
export const MAX_UPLOAD_BYTES = Math.floor(MAX_UPLOAD_BASE64_BYTES / 4) * 3;
const BASE = '/services/data/{version}/jobs/ingest';

function findJob(deps: IngestDependencies, { params }: RouteContext): IngestJob {
  const job = deps.jobs.get(params['jobId'] ?? '');
  if (!job) throw restError(404, 'NOT_FOUND', 'The requested resource does not exist');
  return job;
}

function invalidState(job: IngestJob, requested: string) {
  return restError(
    400,
    'INVALIDJOBSTATE',
    `Job ${job.id} is in state ${job.state} and cannot be moved to ${requested}`,
  );
}

async function upload(deps: IngestDependencies, context: RouteContext): Promise<void> {
  const job = findJob(deps, context);
  if (job.uploaded) {
    const message =
      `Found multipe contents for job: <${job.id.slice(0, 15)}>, please 'Close' / 'Abort' / 'Delete' the current Job ` +
      "then create a new Job and make sure you only do 'PUT' once on a given Job.";
    throw restError(400, 'BULK_API_ERROR', message);
  }
  if (job.state !== IngestJobState.Open) throw invalidState(job, 'receive data');
  try {
    job.data = await receiveUpload(context.req, MAX_UPLOAD_BYTES, deps.workDir);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    const message = `Exceeded max size limit of ${MAX_UPLOAD_BASE64_BYTES} bytes of base64-encoded content for the upload`;
    throw restError(400, 'EXCEEDED_QUOTA', message);
  }
  job.uploaded = true;
  sendEmpty(context.res, 201);
}

async function changeState(deps: IngestDependencies, context: RouteContext): Promise<void> {
  const job = findJob(deps, context);
  const body = await readJson(context.req);
  const state = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['state'] : undefined;
  try {
    if (state === IngestJobState.UploadComplete) {
      transition(job, IngestJobState.UploadComplete, auditTimestamp(deps.jobs.clock));
      deps.processor.start(job);
    } else if (state === IngestJobState.Aborted) {
      transition(job, IngestJobState.Aborted, auditTimestamp(deps.jobs.clock));
      // An upload never parsed is parsed now (in steps), so its rows show as unprocessed.
      await deps.processor.abort(job);
    } else {
      throw invalidState(job, String(state));
    }
  } catch (error) {
    if (error instanceof InvalidStateTransitionError) throw invalidState(job, error.to);
    throw error;
  }
  sendJson(context.res, 200, patchedJobInfo(job));
}

function deleteJob(deps: IngestDependencies, context: RouteContext): void {
  const job = findJob(deps, context);
  if (job.state !== IngestJobState.UploadComplete && !TERMINAL_STATES.includes(job.state)) {
    throw invalidState(job, 'Deleted');
  }
  deps.processor.cancel(job.id);
  deps.jobs.delete(job.id);
  sendEmpty(context.res, 204);
}

/** Bulk 2.0 ingest jobs and every v1 job. */
function listJobs(deps: IngestDependencies, { url, res, params }: RouteContext): void {
  const v2 = deps.jobs.list().map((job): ListedJob => ({
    id: job.id,
    jobType: ListedJobType.V2Ingest,
    concurrencyMode: 'Parallel',
    pkChunking: false,
    info: listedJobInfo(job),
  }));
  const basePath = `/services/data/v${params['version'] ?? ''}/jobs/ingest`;
  sendJson(res, 200, jobListPage(url, basePath, [...v2, ...deps.v1Jobs.list().map(listedV1Job)]));
}

/** Registers the ingest endpoints; every one requires a session. */
export function addIngestRoutes(router: Router, deps: IngestDependencies): void {
  const authed =
    (handler: (deps: IngestDependencies, context: RouteContext) => void | Promise<void>) => (context: RouteContext) => {
      const version = Number(context.params['version']);
      // As in a real org, a version outside the supported range is simply not there.
      if (version < FIRST_INGEST_VERSION || version > Number(deps.latestApiVersion)) {
        throw restError(404, 'NOT_FOUND', 'The requested resource does not exist');
      }
      requireRestSession(context.req, deps.sessions);
      return handler(deps, context);
    };
  router.add(
    'POST',
    BASE,
    authed(async (_, context) => {
      const session = requireRestSession(context.req, deps.sessions);
      const request = parseCreateJobRequest(await readJson(context.req), {
        org: deps.org,
        apiVersion: context.params['version'] ?? '',
        userId: session.userId,
        canHardDelete: canHardDelete(deps.users, session.userId),
      });
      sendJson(context.res, 200, createdJobInfo(deps.jobs.create(request)));
    }),
  );
  router.add('GET', BASE, authed(listJobs));
  router.add(
    'GET',
    `${BASE}/{jobId}`,
    authed((_, context) => sendJson(context.res, 200, fullJobInfo(findJob(deps, context)))),
  );
  router.add('PATCH', `${BASE}/{jobId}`, authed(changeState));
  router.add('DELETE', `${BASE}/{jobId}`, authed(deleteJob));
  router.add('PUT', `${BASE}/{jobId}/batches`, authed(upload));
  // Streamed: a result file of a million rows is tens of megabytes.
  const results = (kind: ResultKind) =>
    authed((_, context) => sendCsvStream(context.req, context.res, resultBlocks(findJob(deps, context), kind)));
  router.add('GET', `${BASE}/{jobId}/successfulResults`, results(ResultKind.Successful));
  router.add('GET', `${BASE}/{jobId}/failedResults`, results(ResultKind.Failed));
  // The docs spell it in lower case; simple-salesforce asks for `unprocessedRecords`.
  router.add('GET', `${BASE}/{jobId}/unprocessedrecords`, results(ResultKind.Unprocessed));
  router.add('GET', `${BASE}/{jobId}/unprocessedRecords`, results(ResultKind.Unprocessed));
}
