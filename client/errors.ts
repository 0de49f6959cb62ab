/**
 * The root cause of a failed bulk job as a person or a program reads it ({@link bulkflowErrorOf}), and the errors
 * a start raises before any workflow exists. The taxonomy itself (codes, sources, failure types, the retry table)
 * is `common/errors.ts`.
 */
import { ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure } from '@temporalio/client';
import {
  BulkflowError,
  FAILURE_TYPE_PREFIX,
  InputError,
  InputProblem,
  isRetryable,
  sourceOfCode,
  type ErrorSource,
  type FailureDetails,
  type InputLocation,
  type JobFacts,
} from '../common/errors.js';
import { MAX_INLINE_BYTES } from '../workflows/contract.js';

/**
 * A failure's root cause as plain data: the deepest `ApplicationFailure` under `WorkflowFailedError` →
 * `ChildWorkflowFailure` → `ActivityFailure`, with the details bulkflow put in it, or a {@link BulkflowError}.
 */
export interface BulkflowErrorInfo extends InputLocation {
  /**
   * The failure type: `bulkflow.SF_INVALID_INPUT`, `bulkflow.SF_AUTH`, `bulkflow.STORAGE_AUTH`, …; for failures
   * bulkflow did not raise, Temporal's class (`TimeoutFailure`, `TerminatedFailure`) or the error's name.
   */
  type: string;
  /** The most specific code: `SF_UNKNOWN_FIELD`, `SF_RAGGED_ROW`, `SF_AUTH`, `TIMEOUT`, `TERMINATED`, `ERROR`, … */
  code: string;
  /** Where it came from: `salesforce`, `input`, `storage`, `temporal`; absent for failures bulkflow did not raise. */
  source?: ErrorSource;
  message: string;
  /** The service's own error code (`MALFORMED_QUERY`, `invalid_grant`, S3's `AccessDenied`), when it answered. */
  errorCode?: string;
  /** Salesforce's error code and message, when Salesforce answered. */
  salesforceErrorCode?: string;
  salesforceMessage?: string;
  statusCode?: number;
  /** False when trying again unchanged cannot help (bad input, bad credentials, bad SOQL). */
  retryable: boolean;
  /** The Salesforce job the failure is about and what is known of it (`SF_JOB_EXPIRED`: when it ended, its rows). */
  job?: JobFacts;
}

/** Thrown before anything starts when inline records are too large for workflow history. */
export class InlineRecordsTooLargeError extends InputError {
  constructor(readonly bytes: number) {
    super(
      `Inline records are ${bytes} bytes as JSON; above ${MAX_INLINE_BYTES} bytes, write them to a file and pass its URL`,
      { problem: InputProblem.InlineTooLarge },
    );
    this.name = 'InlineRecordsTooLargeError';
  }
}

const TEMPORAL_CODES: ReadonlyArray<[new (...args: never[]) => Error, string]> = [
  [TimeoutFailure, 'TIMEOUT'],
  [TerminatedFailure, 'TERMINATED'],
  [CancelledFailure, 'CANCELLED'],
];

/**
 * The root cause of `err` (a `WorkflowFailedError` from `handle.result()`, an error a start raised, or any error)
 * as a {@link BulkflowErrorInfo}. Never throws.
 */
export function bulkflowErrorOf(err: unknown): BulkflowErrorInfo {
  if (err instanceof BulkflowError) return fromBulkflowError(err);
  const chain: Error[] = [];
  for (let e: unknown = err; e instanceof Error && chain.length < 32; e = e.cause) chain.push(e);
  const failure = chain.filter((e): e is ApplicationFailure => e instanceof ApplicationFailure).pop();
  if (failure) return fromApplicationFailure(failure);
  const deepest = chain[chain.length - 1];
  if (!deepest) return { type: 'Error', code: 'ERROR', message: String(err), retryable: true };
  const code = TEMPORAL_CODES.find(([cls]) => deepest instanceof cls)?.[1] ?? 'ERROR';
  return { type: deepest.name, code, message: deepest.message, retryable: code !== 'TERMINATED' };
}

function fromBulkflowError(err: BulkflowError): BulkflowErrorInfo {
  return withFacts(
    {
      type: err.failureType,
      code: err.problem ?? err.code,
      source: err.source,
      message: err.message,
      retryable: isRetryable(err),
    },
    { statusCode: err.statusCode, errorCode: err.errorCode, job: err.job, ...err.location },
  );
}

function fromApplicationFailure(failure: ApplicationFailure): BulkflowErrorInfo {
  const type = failure.type ?? 'ApplicationFailure';
  const details = (failure.details?.[0] ?? {}) as Partial<FailureDetails>;
  const code = type.startsWith(FAILURE_TYPE_PREFIX) ? type.slice(FAILURE_TYPE_PREFIX.length) : undefined;
  const source = details.source ?? (code ? sourceOfCode(code) : undefined);
  const { code: detailCode, source: _source, ...facts } = details;
  return withFacts(
    {
      type,
      code: detailCode ?? code ?? 'ERROR',
      ...(source ? { source } : {}),
      message: failure.message,
      retryable: !failure.nonRetryable,
    },
    facts,
  );
}

/** Adds the facts that are known (absent ones are left out, not sent as undefined). */
function withFacts(
  info: BulkflowErrorInfo,
  facts: Omit<Partial<FailureDetails>, 'code' | 'source'>,
): BulkflowErrorInfo {
  // Salesforce answered unless a storage service did (input errors from a describe carry Salesforce's code).
  const fromSalesforce = info.source !== 'storage';
  const known = Object.entries({
    ...facts,
    ...(fromSalesforce && facts.errorCode !== undefined ? { salesforceErrorCode: facts.errorCode } : {}),
  }).filter(([, value]) => value !== undefined);
  return Object.assign(info, Object.fromEntries(known));
}
