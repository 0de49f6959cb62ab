/**
 * What every Bulk v1 handler shares: its dependencies, the `X-SFDC-Session` check, job and batch lookup, and the
 * wrapper that answers {@link AsyncApiError}s in the client's format (JSON for JSON jobs or JSON requests,
 * XML otherwise).
 */
import type { IncomingMessage } from 'node:http';
import type { OrgUser } from '../auth/credentials.js';
import type { Session, SessionStore } from '../auth/sessions.js';
import type { RouteContext } from '../http/router.js';
import type { IdFactory } from '../org/ids.js';
import type { Org } from '../org/org.js';
import type { DailyBatchCounter } from './daily-batches.js';
import type { V1Batch, V1Job, V1JobStore } from './v1-jobs.js';
import type { V1Processor } from './v1-processor.js';
import { AsyncApiError, AsyncExceptionCode, InfoFormat, V1ContentType, sendAsyncError, speaksJson } from './wire.js';

/** What the v1 endpoints work on. */
export interface V1Dependencies {
  org: Org;
  ids: IdFactory;
  sessions: SessionStore;
  /** The org's users: hardDelete needs the Bulk API Hard Delete permission. */
  users: readonly OrgUser[];
  jobs: V1JobStore;
  processor: V1Processor;
  dailyBatches: DailyBatchCounter;
  /** The org's newest API version, e.g. `62.0`. */
  latestApiVersion: string;
}

/** A request that passed the session check. */
export interface V1Context extends RouteContext {
  deps: V1Dependencies;
  session: Session;
  format: InfoFormat;
  version: string;
  job?: V1Job;
}

/** Bulk API v1 appeared in API version 16.0. */
const FIRST_VERSION = 16;
const VERSION = /^\d+\.\d$/;

/** The session of a v1 request; anything else is the 400 InvalidSessionId that jsforce refreshes on. */
export function requireAsyncSession(req: IncomingMessage, sessions: SessionStore): Session {
  const header = req.headers['x-sfdc-session'];
  const token = (Array.isArray(header) ? header[0] : header)?.trim();
  const session = token ? sessions.find(token) : undefined;
  if (!session) throw new AsyncApiError(AsyncExceptionCode.InvalidSessionId, 'Invalid session id');
  return session;
}

/** The job named in the path. */
export function requireJob(context: V1Context): V1Job {
  const id = context.params['jobId'] ?? '';
  const job = context.job ?? context.deps.jobs.get(id);
  if (!job) throw new AsyncApiError(AsyncExceptionCode.InvalidJob, `Invalid job id: ${id}`);
  return job;
}

/** The batch named in the path. */
export function requireBatch(context: V1Context, job: V1Job): V1Batch {
  const id = context.params['batchId'] ?? '';
  const batch = context.deps.jobs.batch(job, id);
  if (!batch) throw new AsyncApiError(AsyncExceptionCode.InvalidBatch, `Invalid batch id: ${id}`);
  return batch;
}

function checkVersion(version: string, latest: string): void {
  if (!VERSION.test(version) || Number(version) < FIRST_VERSION || Number(version) > Number(latest)) {
    throw new AsyncApiError(AsyncExceptionCode.InvalidVersion, `Invalid api version specified on URL: ${version}`);
  }
}

/** Wraps a handler: version and session checks, and errors in the client's format. */
export function v1Handler(deps: V1Dependencies, handler: (context: V1Context) => void | Promise<void>) {
  return async (context: RouteContext): Promise<void> => {
    const job = context.params['jobId'] === undefined ? undefined : deps.jobs.get(context.params['jobId']);
    // The job's content type decides once the job exists; before that, the request's own syntax does.
    const json = job ? job.contentType === V1ContentType.JSON : speaksJson(context.req);
    const format = json ? InfoFormat.Json : InfoFormat.Xml;
    try {
      const version = context.params['asyncVersion'] ?? '';
      checkVersion(version, deps.latestApiVersion);
      const session = requireAsyncSession(context.req, deps.sessions);
      await handler({ ...context, deps, session, format, version, ...(job ? { job } : {}) });
    } catch (error) {
      if (!(error instanceof AsyncApiError)) throw error;
      sendAsyncError(context.res, format, error);
    }
  };
}
