/**
 * Salesforce's errors: `SalesforceError` and its subclasses, bulkflow errors (`common/errors.ts`) of source
 * `salesforce`. The activity boundary maps them to Temporal failures with the retry table there (`isRetryable`);
 * nothing else decides what is retried (see STYLE habit 8: retries have one owner).
 *
 * Messages and bodies are redacted: no token, session id or password is ever part of an error.
 */
import { BulkflowError, ErrorCode, type BulkflowErrorOptions } from '../../common/errors.js';
import { excerpt, redact } from './redact.js';

/** The codes of Salesforce's errors (a part of bulkflow's {@link ErrorCode}). */
export const SalesforceErrorCode = {
  Http: ErrorCode.SalesforceHttp,
  Auth: ErrorCode.SalesforceAuth,
  InvalidSession: ErrorCode.InvalidSession,
  RequestLimit: ErrorCode.RequestLimit,
  Network: ErrorCode.SalesforceNetwork,
  JobFailed: ErrorCode.JobFailed,
  JobExpired: ErrorCode.JobExpired,
  InsufficientLimits: ErrorCode.InsufficientLimits,
} as const;
export type SalesforceErrorCode = (typeof SalesforceErrorCode)[keyof typeof SalesforceErrorCode];

export interface SalesforceErrorOptions extends BulkflowErrorOptions {
  /** A truncated, redacted excerpt of the response body. */
  body?: string;
  /** The answer's `Date` header: the time by Salesforce's clock. */
  serverDate?: string;
}

/** An error of Salesforce, or of talking to it: its message and body are redacted, the body cut short. */
export class SalesforceError extends BulkflowError {
  readonly body: string | undefined;
  /** The answer's `Date` header (Salesforce's clock), when there was an answer. */
  readonly serverDate: string | undefined;

  constructor(code: SalesforceErrorCode, message: string, options: SalesforceErrorOptions = {}) {
    super(code, redact(message), options);
    this.name = 'SalesforceError';
    this.body = options.body === undefined ? undefined : excerpt(options.body);
    this.serverDate = options.serverDate;
  }
}

/** A non-2xx answer from Salesforce that is not about the session. */
export class SalesforceHttpError extends SalesforceError {
  constructor(message: string, options: SalesforceErrorOptions & { statusCode: number }) {
    super(
      options.errorCode === 'REQUEST_LIMIT_EXCEEDED' || options.statusCode === 429
        ? SalesforceErrorCode.RequestLimit
        : SalesforceErrorCode.Http,
      message,
      options,
    );
    this.name = 'SalesforceHttpError';
  }
}

/** Login or token request refused (bad credentials, unknown client, locked user). */
export class SalesforceAuthError extends SalesforceError {
  constructor(message: string, options: SalesforceErrorOptions = {}) {
    super(SalesforceErrorCode.Auth, message, options);
    this.name = 'SalesforceAuthError';
  }
}

/** The session expired or was revoked and could not be renewed within this request. */
export class SalesforceSessionError extends SalesforceError {
  constructor(message: string, options: SalesforceErrorOptions = {}) {
    super(SalesforceErrorCode.InvalidSession, message, options);
    this.name = 'SalesforceSessionError';
  }
}

/** The connection failed before Salesforce answered (reset, refused, timed out). */
export class SalesforceNetworkError extends SalesforceError {
  constructor(message: string, options: SalesforceErrorOptions = {}) {
    super(SalesforceErrorCode.Network, message, options);
    this.name = 'SalesforceNetworkError';
  }
}

/** Salesforce finished a job as `Failed` (e.g. `InvalidBatch : Field name not found : X`). */
export class SalesforceJobFailedError extends SalesforceError {
  constructor(message: string, options: SalesforceErrorOptions = {}) {
    super(SalesforceErrorCode.JobFailed, message, options);
    this.name = 'SalesforceJobFailedError';
  }
}

/**
 * Salesforce no longer has a job bulkflow created: it deletes a job's data 7 days after the job ends (Bulk 2.0) or
 * after its youngest batch was created (v1). Says which job, how long ago it ended, and its rows as far as known.
 */
export class SalesforceJobExpiredError extends SalesforceError {
  constructor(message: string, options: SalesforceErrorOptions = {}) {
    super(SalesforceErrorCode.JobExpired, message, options);
    this.name = 'SalesforceJobExpiredError';
  }
}

/** Whether `err` is one of Salesforce's errors. */
export function isSalesforceError(err: unknown): err is SalesforceError {
  return err instanceof SalesforceError;
}
