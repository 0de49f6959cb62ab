/**
 * The one place that sends HTTP requests to a Salesforce instance: attaches the session,
 * renews it once when Salesforce says it expired, counts API calls, reads `Sforce-Limit-Info`,
 * and turns every non-2xx answer into a typed, redacted error.
 *
 * It does not retry anything else: retries belong to the caller's policy (the activity).
 */
import type { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { request, type Dispatcher } from 'undici';
import {
  SalesforceHttpError,
  SalesforceNetworkError,
  SalesforceSessionError,
  type SalesforceErrorOptions,
} from './errors.js';
import type { SessionManager } from './session.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** `rest`: REST and Bulk 2.0 (`Authorization: Bearer`); `async`: Bulk v1 (`X-SFDC-Session`). */
export type ApiFamily = 'rest' | 'async';

export interface SalesforceRequest {
  method: HttpMethod;
  /** Path and query on the instance, e.g. `/services/data/v62.0/jobs/ingest`. */
  path: string;
  api: ApiFamily;
  headers?: Record<string, string>;
  /** A string, or a factory so that a stream can be sent again after a session renewal. */
  body?: string | (() => Readable);
}

export interface SalesforceResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

export interface ApiUsage {
  /** Requests this client sent, including logins' follow-ups but not the logins themselves. */
  calls: number;
  /** The org's daily API usage as last reported in `Sforce-Limit-Info`, if any. */
  used?: number;
  limit?: number;
  /** Requests per route, e.g. `{ "GET jobs/query/{id}/results": 12 }` (ids and the version left out). */
  byRoute: Record<string, number>;
}

export class SalesforceHttp {
  readonly usage: ApiUsage = { calls: 0, byRoute: {} };

  constructor(
    readonly sessions: SessionManager,
    private readonly dispatcher?: Dispatcher,
  ) {}

  async send(req: SalesforceRequest): Promise<SalesforceResponse> {
    for (let attempt = 0; ; attempt++) {
      const session = await this.sessions.get();
      const res = await this.sendOnce(req, session.instanceUrl, session.accessToken);
      if (res.statusCode < 300) return res;
      const text = await errorText(res);
      if (isExpiredSession(req.api, res.statusCode, text)) {
        this.sessions.invalidate(session.accessToken);
        if (attempt === 0 && this.sessions.canRenew) continue;
        throw new SalesforceSessionError(
          `Salesforce session expired or invalid (${req.method} ${pathOnly(req.path)})`,
          {
            statusCode: res.statusCode,
            errorCode: req.api === 'rest' ? 'INVALID_SESSION_ID' : 'InvalidSessionId',
            body: text,
          },
        );
      }
      throw toHttpError(req, res, text);
    }
  }

  /** Sends a request and parses a JSON answer. */
  async json<T>(req: SalesforceRequest): Promise<T> {
    const res = await this.send({ ...req, headers: { accept: 'application/json', ...req.headers } });
    const text = await res.body.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private async sendOnce(req: SalesforceRequest, instanceUrl: string, token: string): Promise<SalesforceResponse> {
    const auth: Record<string, string> =
      req.api === 'rest' ? { authorization: `Bearer ${token}` } : { 'x-sfdc-session': token };
    const body = typeof req.body === 'function' ? req.body() : req.body;
    this.usage.calls += 1;
    const route = routeOf(req);
    this.usage.byRoute[route] = (this.usage.byRoute[route] ?? 0) + 1;
    try {
      const res = await request(`${instanceUrl}${req.path}`, {
        method: req.method,
        headers: { ...req.headers, ...auth },
        ...(body === undefined ? {} : { body }),
        ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
      });
      this.readLimitInfo(res.headers['sforce-limit-info']);
      return res;
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'unknown';
      throw new SalesforceNetworkError(
        `${req.method} ${pathOnly(req.path)} failed before Salesforce answered (${code}): ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  private readLimitInfo(header: string | string[] | undefined): void {
    const value = Array.isArray(header) ? header[0] : header;
    const match = value && /api-usage=(\d+)\/(\d+)/.exec(value);
    if (match) {
      this.usage.used = Number(match[1]);
      this.usage.limit = Number(match[2]);
    }
  }
}

/** `GET /services/data/v62.0/jobs/query/750…/results?locator=x` → `GET jobs/query/{id}/results`. */
function routeOf(req: SalesforceRequest): string {
  const path = pathOnly(req.path)
    .replace(/^\/services\/(?:data\/v|async\/)\d+\.\d\//, '')
    .split('/')
    .map((part) => (/^(?=.*\d)[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(part) ? '{id}' : part))
    .join('/');
  return `${req.method} ${path}`;
}

/**
 * An error answer's body as text. A request that accepted gzip (result files, query pages) may get its error
 * compressed too; undici does not inflate, so it is done here, or the session and error checks read bytes.
 */
async function errorText(res: SalesforceResponse): Promise<string> {
  const raw = Buffer.from(await res.body.arrayBuffer());
  if (String(res.headers['content-encoding'] ?? '').toLowerCase() !== 'gzip') return raw.toString('utf8');
  try {
    return gunzipSync(raw).toString('utf8');
  } catch {
    return raw.toString('utf8');
  }
}

function pathOnly(path: string): string {
  return path.split('?')[0] ?? path;
}

/** Bulk 2.0/REST: 401 + INVALID_SESSION_ID. Bulk v1: 400 + exceptionCode InvalidSessionId. */
function isExpiredSession(api: ApiFamily, status: number, text: string): boolean {
  if (api === 'rest') return status === 401;
  return status === 400 && /InvalidSessionId/.test(text);
}

interface RestErrorItem {
  errorCode?: string;
  message?: string;
}

function toHttpError(req: SalesforceRequest, res: SalesforceResponse, text: string): SalesforceHttpError {
  let errorCode: string | undefined;
  let message: string | undefined;
  try {
    const parsed = JSON.parse(text) as RestErrorItem[] | { exceptionCode?: string; exceptionMessage?: string };
    const first = Array.isArray(parsed) ? parsed[0] : undefined;
    errorCode = first?.errorCode ?? (Array.isArray(parsed) ? undefined : parsed.exceptionCode);
    message = first?.message ?? (Array.isArray(parsed) ? undefined : parsed.exceptionMessage);
  } catch {
    const code = /<exceptionCode>([^<]+)<\/exceptionCode>/.exec(text);
    const msg = /<exceptionMessage>([^<]*)<\/exceptionMessage>/.exec(text);
    errorCode = code?.[1];
    message = msg?.[1];
  }
  const options: SalesforceErrorOptions & { statusCode: number } = { statusCode: res.statusCode, body: text };
  const date = res.headers['date'];
  if (typeof date === 'string') options.serverDate = date;
  if (errorCode !== undefined) options.errorCode = errorCode;
  const retryAfter = retryAfterMs(res.headers['retry-after']);
  if (retryAfter !== undefined) options.retryAfterMs = retryAfter;
  const what = errorCode ? `${errorCode}: ${message ?? ''}` : `HTTP ${res.statusCode}`;
  return new SalesforceHttpError(`${req.method} ${pathOnly(req.path)} failed: ${what}`, options);
}

function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
