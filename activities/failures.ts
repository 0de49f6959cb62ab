/**
 * The one place where errors become Temporal `ApplicationFailure`s. Types are the stable, dotted names of
 * `common/errors.ts` (`bulkflow.SF_INVALID_INPUT`, `bulkflow.STORAGE_AUTH`) that callers match on;
 * retryability comes from the retry table there; `Retry-After` becomes `nextRetryDelay`.
 *
 * Everything a person needs to fix the cause travels in the failure's first detail ({@link FailureDetails}):
 * Temporal wraps the failure in `ActivityFailure`, `ChildWorkflowFailure` and `WorkflowFailedError` on its way
 * to the caller, and a message alone would not say which row or column.
 */
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { isBulkflowError, isRetryable, type BulkflowError, type FailureDetails } from '../common/errors.js';
import { isSalesforceError } from '../salesforce/core/errors.js';
import { redact } from '../salesforce/core/redact.js';

export function toApplicationFailure(err: unknown): unknown {
  // A cancellation leaves as one, so Temporal records the activity cancelled, not failed.
  if (err instanceof ApplicationFailure || err instanceof CancelledFailure) return err;
  if (isBulkflowError(err)) {
    return ApplicationFailure.create({
      message: redact(err.message),
      type: err.failureType,
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

/** The detail of a bulkflow error; absent facts are left out rather than sent as null. */
export function failureDetails(err: BulkflowError): FailureDetails {
  const details: FailureDetails = { code: err.problem ?? err.code, source: err.source };
  if (err.statusCode !== undefined) details.statusCode = err.statusCode;
  if (err.errorCode !== undefined) details.errorCode = err.errorCode;
  const salesforceMessage = isSalesforceError(err) ? messageInBody(err.body) : undefined;
  if (salesforceMessage) details.salesforceMessage = salesforceMessage;
  const location = err.location ?? {};
  for (const key of ['file', 'row', 'column', 'field', 'fields', 'byteOffset', 'option'] as const) {
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
