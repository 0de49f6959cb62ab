/**
 * Every error the Salesforce client throws is a `SalesforceError` with a stable `code`.
 * The activity boundary maps them to Temporal failures with `isRetryable()`; nothing else
 * decides what is retried (see STYLE habit 8: retries have one owner).
 *
 * Messages and bodies are redacted: no token, session id or password is ever part of an error.
 */
import { excerpt, redact } from './redact.js';

export const SalesforceErrorCode = {
  Http: 'SF_HTTP',
  Auth: 'SF_AUTH',
  InvalidSession: 'SF_INVALID_SESSION',
  RequestLimit: 'SF_REQUEST_LIMIT',
  Network: 'SF_NETWORK',
  InvalidInput: 'SF_INVALID_INPUT',
  JobFailed: 'SF_JOB_FAILED',
  ResultMismatch: 'SF_RESULT_MISMATCH',
  /** A pre-flight check found too little daily API or Bulk headroom for the work asked. */
  InsufficientLimits: 'SF_INSUFFICIENT_LIMITS',
} as const;
export type SalesforceErrorCode = (typeof SalesforceErrorCode)[keyof typeof SalesforceErrorCode];

/**
 * What exactly is wrong with an input (`SF_INVALID_INPUT`). The error's `code`, and so its failure type
 * `bulkflow.SF_INVALID_INPUT`, stays the same for all of them, so that callers matching bad input keep working;
 * the problem says which check refused it.
 */
export const InputProblem = {
  /** The input file or object does not exist. */
  NotFound: 'SF_INPUT_NOT_FOUND',
  /** No header row: an empty file, or blank lines only. */
  Empty: 'SF_EMPTY_INPUT',
  /** A header and no rows. */
  NothingToLoad: 'SF_NOTHING_TO_LOAD',
  /** Bytes that are not UTF-8 text (or NUL bytes: a binary file). */
  NotUtf8: 'SF_NOT_UTF8',
  /** A row with more or fewer cells than the header. */
  RaggedRow: 'SF_RAGGED_ROW',
  /** A quoted value that never ends. */
  UnterminatedQuote: 'SF_UNTERMINATED_QUOTE',
  /** A closing quote followed by something other than a delimiter or the end of the line. */
  MalformedQuote: 'SF_MALFORMED_QUOTE',
  /** A header column named twice (case-insensitively), or not at all. */
  BadHeader: 'SF_BAD_HEADER',
  /** One row alone is larger than an upload unit may be. */
  RowTooLarge: 'SF_ROW_TOO_LARGE',
  /** The org has no such sObject. */
  UnknownObject: 'SF_UNKNOWN_OBJECT',
  /** A header column that is no field (or relationship) of the object. */
  UnknownField: 'SF_UNKNOWN_FIELD',
  /** A column the operation may not write (not createable for insert, not updateable for update). */
  FieldNotWritable: 'SF_FIELD_NOT_WRITABLE',
  /** A column the operation needs is absent: `Id` for update and delete, required fields for insert. */
  MissingColumn: 'SF_MISSING_COLUMN',
  /** The upsert key (or a relationship column's target) is not an external id or id lookup field. */
  InvalidExternalId: 'SF_INVALID_EXTERNAL_ID',
  /** A rerun's input has columns the earlier run's loaded rows lack, so they cannot be matched. */
  RerunColumnsChanged: 'SF_RERUN_COLUMNS_CHANGED',
  /** A rerun cannot learn what an earlier run's job loaded: no saved results, and Salesforce no longer has it. */
  EarlierJobGone: 'SF_EARLIER_JOB_GONE',
} as const;
export type InputProblem = (typeof InputProblem)[keyof typeof InputProblem];

/**
 * Where in the input a problem is. Rows count data rows from 1 (the header is not a row), columns count from 1.
 */
export interface InputLocation {
  /** The input as a person names it: a path for `file://`, else the URL without its query string. */
  file?: string;
  row?: number;
  column?: number;
  /** The column's header name (the field or relationship path). */
  field?: string;
  /** Every column the refusal names, when it names more than one. */
  fields?: string[];
  /** Bytes from the start of the input, for encoding problems. */
  byteOffset?: number;
}

export interface SalesforceErrorOptions {
  cause?: unknown;
  statusCode?: number;
  /** Salesforce's own error code, e.g. `INVALID_FIELD`, `InvalidBatch`, `invalid_grant`. */
  errorCode?: string;
  /** A truncated, redacted excerpt of the response body. */
  body?: string;
  /** Milliseconds Salesforce asked us to wait before retrying (`Retry-After`). */
  retryAfterMs?: number;
  /** For bad input: which check refused it. */
  problem?: InputProblem;
  /** For bad input: where the problem is. */
  location?: InputLocation;
}

export class SalesforceError extends Error {
  readonly code: SalesforceErrorCode;
  readonly statusCode: number | undefined;
  readonly errorCode: string | undefined;
  readonly body: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly problem: InputProblem | undefined;
  /** Where the problem is; callers that know more (the file) add to it with {@link SalesforceError.at}. */
  location: InputLocation | undefined;

  constructor(code: SalesforceErrorCode, message: string, options: SalesforceErrorOptions = {}) {
    super(redact(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SalesforceError';
    this.code = code;
    this.statusCode = options.statusCode;
    this.errorCode = options.errorCode;
    this.body = options.body === undefined ? undefined : excerpt(options.body);
    this.retryAfterMs = options.retryAfterMs;
    this.problem = options.problem;
    this.location = options.location;
  }

  /** Adds to the location (e.g. the file, which the CSV reader does not know) and returns the error. */
  at(location: InputLocation): this {
    this.location = { ...location, ...this.location };
    return this;
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

/** The caller's input cannot be sent as it is (bad CSV, unknown column, empty file). */
export class SalesforceInputError extends SalesforceError {
  constructor(message: string, options: SalesforceErrorOptions = {}) {
    super(SalesforceErrorCode.InvalidInput, message, options);
    this.name = 'SalesforceInputError';
  }
}

/** Salesforce finished a job as `Failed` (e.g. `InvalidBatch : Field name not found : X`). */
export class SalesforceJobFailedError extends SalesforceError {
  constructor(message: string, options: SalesforceErrorOptions = {}) {
    super(SalesforceErrorCode.JobFailed, message, options);
    this.name = 'SalesforceJobFailedError';
  }
}

/** The results do not account for every input row: a bug or data loss we refuse to hide. */
export class SalesforceResultMismatchError extends SalesforceError {
  constructor(message: string, options: SalesforceErrorOptions = {}) {
    super(SalesforceErrorCode.ResultMismatch, message, options);
    this.name = 'SalesforceResultMismatchError';
  }
}

export function isSalesforceError(err: unknown): err is SalesforceError {
  return err instanceof SalesforceError;
}

/** Salesforce error codes that say "try again later", whatever the HTTP status. */
const RETRYABLE_SF_CODES = new Set([
  'REQUEST_LIMIT_EXCEEDED',
  'UNABLE_TO_LOCK_ROW',
  'SERVER_UNAVAILABLE',
  'TooManyLockFailure',
  'Timeout',
  'InternalServerError',
  'INVALID_SESSION_ID',
  'InvalidSessionId',
]);

/**
 * The retry table. Retryable: 5xx, 429 and `REQUEST_LIMIT_EXCEEDED`, lock contention,
 * connection failures, expired sessions. Everything else (bad field, bad SOQL, bad login,
 * invalid batch, API disabled, 4xx) fails fast.
 */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof SalesforceError)) return false;
  switch (err.code) {
    case SalesforceErrorCode.Network:
    case SalesforceErrorCode.InvalidSession:
    case SalesforceErrorCode.RequestLimit:
      return true;
    case SalesforceErrorCode.Http:
      if (err.statusCode !== undefined && (err.statusCode >= 500 || err.statusCode === 429 || err.statusCode === 408))
        return true;
      return err.errorCode !== undefined && RETRYABLE_SF_CODES.has(err.errorCode);
    default:
      return false;
  }
}
