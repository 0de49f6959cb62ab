/**
 * The one place where errors become Temporal `ApplicationFailure`s. Types are stable, dotted names
 * that callers can match on (`bulkflow.SF_INVALID_INPUT`); retryability comes from the Salesforce
 * client's table; `Retry-After` becomes `nextRetryDelay`.
 */
import { ApplicationFailure } from '@temporalio/common';
import { isRetryable, isSalesforceError, redact } from '../salesforce/index.js';

export const FAILURE_TYPE_PREFIX = 'bulkflow.';

export function toApplicationFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (isSalesforceError(err)) {
    return ApplicationFailure.create({
      message: err.message,
      type: `${FAILURE_TYPE_PREFIX}${err.code}`,
      nonRetryable: !isRetryable(err),
      details: [{ statusCode: err.statusCode, errorCode: err.errorCode }],
      ...(err.retryAfterMs !== undefined ? { nextRetryDelay: err.retryAfterMs } : {}),
    });
  }
  // Unknown errors (bugs, filesystem) stay retryable, but their messages are redacted too.
  if (err instanceof Error) {
    return ApplicationFailure.create({ message: redact(err.message), type: err.name, nonRetryable: false });
  }
  return err;
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
