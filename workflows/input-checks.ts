/**
 * A workflow's input checked at its start: a bad option fails the workflow at once, not retried, with the same
 * failure type and details an activity's input error has (`bulkflowErrorOf` reads them alike).
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { InputError } from '../common/errors.js';

/** Runs `check` (one of `common/job-options.ts`); its `InputError` becomes a non-retryable failure. */
export function failOnBadInput(check: () => void): void {
  try {
    check();
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    throw ApplicationFailure.create({
      type: err.failureType,
      message: err.message,
      nonRetryable: true,
      details: [{ code: err.problem ?? err.code, source: err.source, ...err.location }],
    });
  }
}
