/**
 * bulkflow's one error taxonomy, in the manner of undici's `lib/core/errors.js`: every error bulkflow raises is a
 * {@link BulkflowError} with a stable `code` and a `source` (Salesforce, the caller's input, a storage service,
 * Temporal). Salesforce's errors subclass it in `salesforce/core/errors.ts`; input and storage errors are here.
 *
 * An error leaves an activity as an `ApplicationFailure` of type `bulkflow.<code>` ({@link FailureType}), which
 * services match on, and which {@link isRetryable} (the retry table, below) makes retryable or not. Both tables
 * are the only place those decisions are made: workflows, the client and the command line use them.
 *
 * Pure: no Node built-ins, so workflows may import it.
 */

/** Where an error comes from. */
export const ErrorSource = {
  /** Salesforce answered (or did not): HTTP, login, job and result errors. */
  Salesforce: 'salesforce',
  /** The caller's input cannot be loaded as it is: a bad CSV, an unknown column, a missing file. */
  Input: 'input',
  /** A store bulkflow reads or writes (S3, an HTTPS input, the staging folder) refused or failed. */
  Storage: 'storage',
  /** Temporal, or the worker set-up around it: unreachable, no worker, a business id in use. */
  Temporal: 'temporal',
} as const;
/** One of {@link ErrorSource}'s values. */
export type ErrorSource = (typeof ErrorSource)[keyof typeof ErrorSource];

/**
 * The stable codes. `SF_INVALID_INPUT` keeps its `SF_` prefix from before input errors had a source of their own:
 * callers match on `bulkflow.SF_INVALID_INPUT`, and it stays.
 */
export const ErrorCode = {
  SalesforceHttp: 'SF_HTTP',
  SalesforceAuth: 'SF_AUTH',
  InvalidSession: 'SF_INVALID_SESSION',
  RequestLimit: 'SF_REQUEST_LIMIT',
  SalesforceNetwork: 'SF_NETWORK',
  JobFailed: 'SF_JOB_FAILED',
  ResultMismatch: 'SF_RESULT_MISMATCH',
  /** A pre-flight check found too little daily API or Bulk headroom for the work asked. */
  InsufficientLimits: 'SF_INSUFFICIENT_LIMITS',
  InvalidInput: 'SF_INVALID_INPUT',
  StorageHttp: 'STORAGE_HTTP',
  StorageAuth: 'STORAGE_AUTH',
  StorageNetwork: 'STORAGE_NETWORK',
  TemporalUnreachable: 'TEMPORAL_UNREACHABLE',
  /** The Temporal server answered and refused the credentials: no API key, a key it does not accept, no client certificate it trusts. */
  TemporalRefused: 'TEMPORAL_REFUSED',
  NoWorker: 'NO_WORKER',
  NotFinished: 'NOT_FINISHED',
  BusinessIdInUse: 'BUSINESS_ID_IN_USE',
  Usage: 'USAGE',
} as const;
/** One of {@link ErrorCode}'s values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The prefix of bulkflow's failure types. */
export const FAILURE_TYPE_PREFIX = 'bulkflow.';

/** The failure type of a code: `bulkflow.SF_INVALID_INPUT`. */
export function failureTypeOf<C extends string>(code: C): `bulkflow.${C}` {
  return `${FAILURE_TYPE_PREFIX}${code}`;
}

/** Every failure type, by name: what services match a failure's `type` against. */
export const FailureType = Object.fromEntries(
  Object.entries(ErrorCode).map(([name, code]) => [name, failureTypeOf(code)]),
) as { readonly [K in keyof typeof ErrorCode]: `bulkflow.${(typeof ErrorCode)[K]}` };
/** One of {@link FailureType}'s values. */
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/** The source of each code. */
const SOURCE_OF: Record<ErrorCode, ErrorSource> = {
  SF_HTTP: ErrorSource.Salesforce,
  SF_AUTH: ErrorSource.Salesforce,
  SF_INVALID_SESSION: ErrorSource.Salesforce,
  SF_REQUEST_LIMIT: ErrorSource.Salesforce,
  SF_NETWORK: ErrorSource.Salesforce,
  SF_JOB_FAILED: ErrorSource.Salesforce,
  SF_RESULT_MISMATCH: ErrorSource.Salesforce,
  SF_INSUFFICIENT_LIMITS: ErrorSource.Salesforce,
  SF_INVALID_INPUT: ErrorSource.Input,
  STORAGE_HTTP: ErrorSource.Storage,
  STORAGE_AUTH: ErrorSource.Storage,
  STORAGE_NETWORK: ErrorSource.Storage,
  TEMPORAL_UNREACHABLE: ErrorSource.Temporal,
  TEMPORAL_REFUSED: ErrorSource.Temporal,
  NO_WORKER: ErrorSource.Temporal,
  NOT_FINISHED: ErrorSource.Temporal,
  BUSINESS_ID_IN_USE: ErrorSource.Temporal,
  USAGE: ErrorSource.Input,
};

/** The source of a failure type's code (`salesforce` for an unknown one that starts `SF_`), or undefined. */
export function sourceOfCode(code: string): ErrorSource | undefined {
  return (
    (SOURCE_OF as Record<string, ErrorSource>)[code] ?? (code.startsWith('SF_') ? ErrorSource.Salesforce : undefined)
  );
}

/**
 * What exactly is wrong with an input (`SF_INVALID_INPUT`). The error's `code`, and so its failure type, stays
 * the same for all of them, so that callers matching bad input keep working; the problem says which check
 * refused it.
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
  /** Inline records too large to travel through workflow history. */
  InlineTooLarge: 'SF_INLINE_TOO_LARGE',
  /** The input's bytes are not the ones its SHA-256 (recorded when it was uploaded) names. */
  InputChanged: 'SF_INPUT_CHANGED',
  /** A job option with a value Salesforce does not take, or one the chosen Bulk API does not have. */
  InvalidOption: 'SF_INVALID_OPTION',
  /** The header row reads as one column with the delimiter given, and as several with another one. */
  WrongDelimiter: 'SF_WRONG_DELIMITER',
  /** The header row ends with another line ending than the one given. */
  WrongLineEnding: 'SF_WRONG_LINE_ENDING',
} as const;
/** One of {@link InputProblem}'s values. */
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
  /** The job option at fault, as the caller spelled it (`columnDelimiter`, `--delimiter`). */
  option?: string;
}

/** The first detail of every bulkflow failure, which the client reads back (`bulkflowErrorOf`). */
export interface FailureDetails extends InputLocation {
  /** The most specific bulkflow code: the input problem (`SF_UNKNOWN_FIELD`) or the error's code (`SF_HTTP`). */
  code: string;
  /** Where it came from (absent in failures recorded before sources existed). */
  source?: ErrorSource;
  /** The HTTP status the service answered with. */
  statusCode?: number;
  /** The service's own error code (`MALFORMED_QUERY`, `INVALIDJOB`, `invalid_grant`, `AccessDenied`). */
  errorCode?: string;
  /** Salesforce's own message, without bulkflow's account of the request. */
  salesforceMessage?: string;
}

/** What any bulkflow error may carry besides its message. */
export interface BulkflowErrorOptions {
  cause?: unknown;
  /** The HTTP status the service answered with. */
  statusCode?: number;
  /** The service's own error code, e.g. `INVALID_FIELD`, `InvalidBatch`, `invalid_grant`, `AccessDenied`. */
  errorCode?: string;
  /** Milliseconds the service asked us to wait before retrying (`Retry-After`). */
  retryAfterMs?: number;
  /** For bad input: which check refused it. */
  problem?: InputProblem;
  /** For bad input: where the problem is. */
  location?: InputLocation;
}

/** The base of every error bulkflow raises: a stable `code` and where it comes from. */
export class BulkflowError extends Error {
  readonly code: ErrorCode;
  readonly source: ErrorSource;
  readonly statusCode: number | undefined;
  readonly errorCode: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly problem: InputProblem | undefined;
  /** Where the problem is; callers that know more (the file) add to it with {@link BulkflowError.at}. */
  location: InputLocation | undefined;

  constructor(code: ErrorCode, message: string, options: BulkflowErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BulkflowError';
    this.code = code;
    this.source = SOURCE_OF[code];
    this.statusCode = options.statusCode;
    this.errorCode = options.errorCode;
    this.retryAfterMs = options.retryAfterMs;
    this.problem = options.problem;
    this.location = options.location;
  }

  /** The failure type it leaves an activity with: `bulkflow.<code>`. */
  get failureType(): string {
    return failureTypeOf(this.code);
  }

  /** Adds to the location (e.g. the file, which the CSV reader does not know) and returns the error. */
  at(location: InputLocation): this {
    this.location = { ...location, ...this.location };
    return this;
  }
}

/** The caller's input cannot be loaded as it is (bad CSV, unknown column, empty or missing file). */
export class InputError extends BulkflowError {
  constructor(message: string, options: BulkflowErrorOptions = {}) {
    super(ErrorCode.InvalidInput, message, options);
    this.name = 'InputError';
  }
}

/** A storage service (S3, an HTTPS input, the staging folder) refused a request or did not answer. */
export class StorageError extends BulkflowError {
  constructor(
    code: typeof ErrorCode.StorageHttp | typeof ErrorCode.StorageAuth | typeof ErrorCode.StorageNetwork,
    message: string,
    options: BulkflowErrorOptions = {},
  ) {
    super(code, message, options);
    this.name = 'StorageError';
  }
}

/** Salesforce's results do not account for every input row: a bug or data loss bulkflow refuses to hide. */
export class ResultMismatchError extends BulkflowError {
  constructor(message: string, options: BulkflowErrorOptions = {}) {
    super(ErrorCode.ResultMismatch, message, options);
    this.name = 'ResultMismatchError';
  }
}

/** Whether `err` is a bulkflow error (any source). */
export function isBulkflowError(err: unknown): err is BulkflowError {
  return err instanceof BulkflowError;
}

/** Error codes of a service that say "try again later", whatever the HTTP status. */
const RETRYABLE_SERVICE_CODES = new Set([
  'REQUEST_LIMIT_EXCEEDED',
  'UNABLE_TO_LOCK_ROW',
  'SERVER_UNAVAILABLE',
  'TooManyLockFailure',
  'Timeout',
  'InternalServerError',
  'INVALID_SESSION_ID',
  'InvalidSessionId',
  'SlowDown',
  'ServiceUnavailable',
  'RequestTimeout',
]);

/** HTTP statuses worth another try: the service's trouble, not the request's. */
const retryableStatus = (status: number | undefined) =>
  status !== undefined && (status >= 500 || status === 429 || status === 408);

/**
 * The retry table: whether trying again unchanged can help. Retryable: connection failures, expired sessions,
 * rate limits, 5xx / 429 / 408 answers and the service codes above, a Temporal server that did not answer, a
 * workflow not finished yet. Everything else (bad input, bad SOQL, refused credentials, 4xx, a job Salesforce
 * failed, results that do not add up) fails fast.
 */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof BulkflowError)) return false;
  switch (err.code) {
    case ErrorCode.SalesforceNetwork:
    case ErrorCode.StorageNetwork:
    case ErrorCode.InvalidSession:
    case ErrorCode.RequestLimit:
    case ErrorCode.TemporalUnreachable:
    case ErrorCode.NoWorker:
    case ErrorCode.NotFinished:
      return true;
    case ErrorCode.SalesforceHttp:
    case ErrorCode.StorageHttp:
      return (
        retryableStatus(err.statusCode) || (err.errorCode !== undefined && RETRYABLE_SERVICE_CODES.has(err.errorCode))
      );
    default:
      return false;
  }
}
