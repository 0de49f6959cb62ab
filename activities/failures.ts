/**
 * The one place where errors become Temporal `ApplicationFailure`s. Types are stable, dotted names
 * that callers can match on (`bulkflow.SF_INVALID_INPUT`); retryability comes from the Salesforce
 * client's table; `Retry-After` becomes `nextRetryDelay`.
 *
 * Everything a person needs to fix the cause travels in the failure's first detail ({@link FailureDetails}):
 * Temporal wraps the failure in `ActivityFailure`, `ChildWorkflowFailure` and `WorkflowFailedError` on its way
 * to the caller, and a message alone would not say which row or column.
 */
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import {
  isRetryable,
  isSalesforceError,
  redact,
  type InputLocation,
  type SalesforceError,
} from '../salesforce/index.js';

export const FAILURE_TYPE_PREFIX = 'bulkflow.';

/**
 * The first detail of every bulkflow failure. `statusCode` and `errorCode` are Salesforce's HTTP status and
 * error code (`MALFORMED_QUERY`, `INVALIDJOB`, `invalid_grant`); the rest locates bad input.
 */
export interface FailureDetails extends InputLocation {
  /** The most specific bulkflow code: the input problem (`SF_UNKNOWN_FIELD`) or the error's code (`SF_HTTP`). */
  code: string;
  statusCode?: number;
  errorCode?: string;
  /** Salesforce's own message, without bulkflow's account of the request. */
  salesforceMessage?: string;
}

export function toApplicationFailure(err: unknown): unknown {
  // A cancellation leaves as one, so Temporal records the activity cancelled, not failed.
  if (err instanceof ApplicationFailure || err instanceof CancelledFailure) return err;
  if (isSalesforceError(err)) {
    return ApplicationFailure.create({
      message: err.message,
      type: `${FAILURE_TYPE_PREFIX}${err.code}`,
      nonRetryable: !isRetryable(err),
      details: [failureDetails(err)],
      ...(err.retryAfterMs !== undefined ? { nextRetryDelay: err.retryAfterMs } : {}),
    });
  }
  // Unknown errors (bugs, filesystem) stay retryable, but their messages are redacted too.
  if (err instanceof Error) {
    return ApplicationFailure.create({ message: redact(err.message), type: err.name, nonRetryable: false });
  }
  return err;
}

/** The detail of a Salesforce error; absent facts are left out rather than sent as null. */
export function failureDetails(err: SalesforceError): FailureDetails {
  const details: FailureDetails = { code: err.problem ?? err.code };
  if (err.statusCode !== undefined) details.statusCode = err.statusCode;
  if (err.errorCode !== undefined) details.errorCode = err.errorCode;
  const salesforceMessage = messageInBody(err.body);
  if (salesforceMessage) details.salesforceMessage = salesforceMessage;
  const location = err.location ?? {};
  for (const key of ['file', 'row', 'column', 'field', 'fields', 'byteOffset'] as const) {
    if (location[key] !== undefined) Object.assign(details, { [key]: location[key] });
  }
  return details;
}

/**
 * Salesforce's message in an error body: REST `[{"errorCode","message"}]`, Bulk v1 JSON `{"exceptionMessage"}`
 * or XML `<exceptionMessage>`, OAuth `{"error_description"}`. Bodies are redacted excerpts; a cut one yields
 * nothing rather than half a message.
 */
function messageInBody(body: string | undefined): string | undefined {
  if (!body) return undefined;
  try {
    const parsed = JSON.parse(body) as unknown;
    const first = (Array.isArray(parsed) ? parsed[0] : parsed) as Record<string, unknown> | undefined;
    const message = first?.['message'] ?? first?.['exceptionMessage'] ?? first?.['error_description'];
    return typeof message === 'string' ? message : undefined;
  } catch {
    return /<(?:\w+:)?exceptionMessage>([^<]*)<\/(?:\w+:)?exceptionMessage>/.exec(body)?.[1];
  }
}

/** Wraps every function of an activities object so that errors leave it through `toApplicationFailure`. */
export function withFailureMapping<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        throw toApplicationFailure(err);
      }
    };
  }
  return wrapped as T;
}
