/**
 * What happens to an API request before its handler runs: injected faults (latency, connection resets, 5xx,
 * rate limiting), then the daily API request limit, which every request with a valid session uses. REST and
 * Bulk 2.0 answers carry `Sforce-Limit-Info: api-usage=N/M`. Once the answer is sent, a Bulk 2.0 query job that was
 * created is counted against DailyBulkV2QueryJobs (Bulk v1 counts its batches itself).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { restAccessToken } from '../auth/sessions.js';
import type { SessionStore } from '../auth/sessions.js';
import { LimitName } from '../limits/api-limits.js';
import type { ApiLimits } from '../limits/api-limits.js';
import type { FaultInjector } from './fault-injector.js';
import { isBulkV1Path, isRestPath, sendWireError, serverError } from './wire-errors.js';

/** What the gate works with. */
export interface RequestGateDependencies {
  faults: FaultInjector;
  limits: ApiLimits;
  sessions: SessionStore;
  /** Told when a request that may change the org has been answered (persistence saves soon after). */
  changed?: () => void;
}

/** One request at the gate. */
export interface GateContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
}

/** Runs before a non-admin request's handler; resolves true when the request has been answered (or dropped). */
export type RequestGate = (context: GateContext) => Promise<boolean>;

const QUERY_JOB_CREATE = /^\/services\/data\/v\d+\.\d+\/jobs\/query\/?$/;

/** Reads up to `bytes` of the body, then destroys the connection under the client's feet. */
async function resetConnection(req: IncomingMessage, bytes: number): Promise<void> {
  // Taken first: leaving the loop early destroys the request, which lets go of its socket.
  const socket = req.socket;
  let seen = 0;
  if (bytes > 0) {
    for await (const chunk of req) {
      seen += (chunk as Buffer).length;
      if (seen >= bytes) break;
    }
  }
  socket.destroy();
}

async function applyFaults(deps: RequestGateDependencies, { req, res, url }: GateContext): Promise<boolean> {
  const plan = deps.faults.planRequest(req.method ?? 'GET', url.pathname);
  if (plan.latencyMs > 0) await delay(plan.latencyMs);
  if (plan.resetAfterBytes !== undefined) {
    await resetConnection(req, plan.resetAfterBytes);
    return true;
  }
  if (plan.serverErrorStatus !== undefined) {
    sendWireError(req, res, url.pathname, serverError(plan.serverErrorStatus));
    return true;
  }
  if (plan.rateLimit) {
    const { status, retryAfterSeconds, message } = plan.rateLimit;
    const headers = { 'Retry-After': String(retryAfterSeconds) };
    sendWireError(req, res, url.pathname, {
      status,
      errorCode: 'REQUEST_LIMIT_EXCEEDED',
      exceptionCode: 'ExceededQuota',
      message,
      headers,
    });
    return true;
  }
  return false;
}

/** Uses one API request for a request with a valid session; answers REQUEST_LIMIT_EXCEEDED when none is left. */
function applyApiLimit(deps: RequestGateDependencies, { req, res, url }: GateContext): boolean {
  const rest = isRestPath(url.pathname);
  if (!rest && !isBulkV1Path(url.pathname)) return false;
  const v1Session = req.headers['x-sfdc-session'];
  const token = rest ? restAccessToken(req) : typeof v1Session === 'string' ? v1Session.trim() : undefined;
  if (token === undefined || !deps.sessions.find(token)) return false;
  if (deps.limits.exhausted(LimitName.DailyApiRequests)) {
    // Bulk v1 reports every error with HTTP 400.
    const status = rest ? 403 : 400;
    const error = {
      status,
      errorCode: 'REQUEST_LIMIT_EXCEEDED',
      exceptionCode: 'ExceededQuota',
      message: 'TotalRequests Limit exceeded.',
    };
    sendWireError(req, res, url.pathname, error);
    return true;
  }
  deps.limits.consume(LimitName.DailyApiRequests);
  if (rest) res.setHeader('Sforce-Limit-Info', deps.limits.usageHeader());
  return false;
}

/** Counts a created Bulk 2.0 query job once its creation has been answered. */
function countCreations(deps: RequestGateDependencies, { req, res, url }: GateContext): void {
  if (req.method !== 'POST' || !QUERY_JOB_CREATE.test(url.pathname)) return;
  res.once('finish', () => {
    if (res.statusCode >= 200 && res.statusCode < 300) deps.limits.consume(LimitName.DailyBulkV2QueryJobs);
  });
}

/** Builds the gate. */
export function createRequestGate(deps: RequestGateDependencies): RequestGate {
  return async (context) => {
    if (await applyFaults(deps, context)) return true;
    if (applyApiLimit(deps, context)) return true;
    countCreations(deps, context);
    const { changed } = deps;
    if (changed && context.req.method !== 'GET') context.res.once('finish', changed);
    return false;
  };
}
