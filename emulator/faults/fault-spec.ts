/**
 * The fault scenarios the emulator can play, as JSON (`POST /__emulator/faults`) or in-process
 * (`emulator.faults.set(...)`). Each fault picks its targets deterministically: requests (or rows, or jobs)
 * it sees are counted, and {@link Selection} decides which of them it hits.
 */

/** Fault types. */
export const FaultType = {
  ServerError: 'serverError',
  Latency: 'latency',
  ConnectionReset: 'connectionReset',
  RateLimit: 'rateLimit',
  ExpireSessions: 'expireSessions',
  UnableToLockRow: 'unableToLockRow',
  JobFailure: 'jobFailure',
  SlowProcessing: 'slowProcessing',
} as const;
export type FaultType = (typeof FaultType)[keyof typeof FaultType];

/**
 * Which of the candidates a fault hits, all optional: the first `skip` are spared; then every `every`-th, or a
 * seeded random `rate` of them, or (with neither) all; at most `count` in total.
 */
export interface Selection {
  /** Candidates to let through first. @default 0 */
  skip?: number;
  /** Hit every n-th candidate after the skipped ones (1 = all). */
  every?: number;
  /** Hit this fraction of candidates (0..1), decided by a PRNG seeded with `seed`. */
  rate?: number;
  /** Seed of the PRNG behind `rate`. @default 1 */
  seed?: number;
  /** Hit at most this many candidates. @default unlimited */
  count?: number;
}

/** Which requests a request fault applies to; both optional. */
export interface RouteFilter {
  /** HTTP method, e.g. `PUT`. @default any */
  method?: string;
  /** A path: with `*` a pattern over the whole path (`*` = any characters), else a substring. @default any */
  path?: string;
}

/** Answer with a 5xx error instead of handling the request. */
export interface ServerErrorFault extends RouteFilter, Selection {
  type: typeof FaultType.ServerError;
  /** @default 500 */
  status?: number;
}

/** Delay the request before it is handled. */
export interface LatencyFault extends RouteFilter, Selection {
  type: typeof FaultType.Latency;
  ms: number;
}

/** Read part of the request body, then destroy the connection. */
export interface ConnectionResetFault extends RouteFilter, Selection {
  type: typeof FaultType.ConnectionReset;
  /** Body bytes to read before the reset. @default 0 */
  afterBytes?: number;
}

/** Answer REQUEST_LIMIT_EXCEEDED with a Retry-After header. */
export interface RateLimitFault extends RouteFilter, Selection {
  type: typeof FaultType.RateLimit;
  /** 403 as Salesforce answers the REST API, or 429. @default 403 */
  status?: 403 | 429;
  /** @default 1 */
  retryAfterSeconds?: number;
  /** @default 'TotalRequests Limit exceeded.' */
  message?: string;
}

/** End sessions: all of them now, or every session alive at `at`. */
export interface ExpireSessionsFault {
  type: typeof FaultType.ExpireSessions;
  /** ISO date-time or epoch milliseconds. @default now */
  at?: string | number;
}

/** Fail rows with UNABLE_TO_LOCK_ROW instead of writing them. Candidates are the rows of matching jobs. */
export interface UnableToLockRowFault extends Selection {
  type: typeof FaultType.UnableToLockRow;
  /** Only rows of jobs on this object. @default any */
  object?: string;
}

/** Fail whole jobs. Candidates are the jobs that start processing. */
export interface JobFailureFault extends Selection {
  type: typeof FaultType.JobFailure;
  /** @default 'InternalServerError : Retried more than 10 times' */
  errorMessage?: string;
  /** Rows written before the job fails. @default 0 */
  afterRecords?: number;
  /** Only jobs on this object. @default any */
  object?: string;
}

/** Process jobs at this speed, overriding the `recordsPerSecond` option. */
export interface SlowProcessingFault {
  type: typeof FaultType.SlowProcessing;
  recordsPerSecond: number;
}

/** Any fault. */
export type FaultSpec =
  | ServerErrorFault
  | LatencyFault
  | ConnectionResetFault
  | RateLimitFault
  | ExpireSessionsFault
  | UnableToLockRowFault
  | JobFailureFault
  | SlowProcessingFault;

/** Raised for a malformed fault, naming the offending field. */
export class FaultSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultSpecError';
  }
}
