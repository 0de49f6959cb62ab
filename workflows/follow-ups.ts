/**
 * The two steps around a load's jobs that are policy rather than plumbing: the daily allowance check before
 * any job exists, and the follow-up jobs for rows that failed with a transient error. Pure helpers here;
 * `bulk-ingest-workflow.ts` runs the activities and timers. Both steps are new since workflows were first
 * recorded, so each runs behind a `patched()` marker: histories without it replay unchanged.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { ErrorCode, ErrorSource, FailureType } from '../common/errors.js';
import { queryOutputProblem } from '../common/query-output.js';
import { ROWS_PER_BULK_BATCH, type BulkApi } from '../common/wire-values.js';
import type { LimitShortfall } from '../salesforce/org/limits.js';
import type { OrgLimitsPolicy, TransientRetryPolicy } from './contract.js';

/** `patched()` ids: they are recorded in histories, so they never change. */
export const Patch = {
  OrgLimits: 'bulkflow-org-limits-check',
  TransientRetry: 'bulkflow-transient-row-retry',
} as const;

/** Salesforce documents these per-record errors as worth sending again. */
export const TRANSIENT_ROW_ERRORS: readonly string[] = ['UNABLE_TO_LOCK_ROW'];

/** Polls budgeted per job: what the poll policy spends on a job of about an hour (see poll-policy.ts). */
const POLLS_PER_JOB = 20;

function invalid(option: string, rule: string, value: unknown): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.InvalidInput,
    message: `${option} ${rule}, got ${String(value)}`,
    nonRetryable: true,
  });
}

/** The input's retry policy with its defaults, or a non-retryable failure naming the bad option. */
export function resolveRetryPolicy(policy: TransientRetryPolicy = {}): Required<TransientRetryPolicy> {
  const resolved = {
    maxAttempts: policy.maxAttempts ?? 3,
    delayMs: policy.delayMs ?? 10_000,
    serialOnV1: policy.serialOnV1 ?? true,
    codes: policy.codes ?? [...TRANSIENT_ROW_ERRORS],
  };
  if (!Number.isInteger(resolved.maxAttempts) || resolved.maxAttempts < 1 || resolved.maxAttempts > 10) {
    throw invalid('transientRetry.maxAttempts', 'must be a whole number from 1 to 10', resolved.maxAttempts);
  }
  if (!Number.isInteger(resolved.delayMs) || resolved.delayMs < 0) {
    throw invalid('transientRetry.delayMs', 'must be a whole number of milliseconds ≥ 0', resolved.delayMs);
  }
  return resolved;
}

/** The query's output options, or a non-retryable failure naming the bad one. */
export function checkQueryOutput(format: unknown, splitRows: unknown): void {
  const problem = queryOutputProblem(format, splitRows);
  if (problem) {
    throw ApplicationFailure.create({ type: FailureType.InvalidInput, message: problem, nonRetryable: true });
  }
}

/** The input's limits policy with its defaults, or a non-retryable failure naming the bad option. */
export function resolveLimitsPolicy(policy: OrgLimitsPolicy = {}): Required<OrgLimitsPolicy> {
  const resolved = {
    check: policy.check ?? true,
    onShortfall: policy.onShortfall ?? 'fail',
    maxWaitMs: policy.maxWaitMs ?? 3_600_000,
    checkEveryMs: policy.checkEveryMs ?? 300_000,
    reserveFraction: policy.reserveFraction ?? 0.1,
  };
  if (resolved.onShortfall !== 'fail' && resolved.onShortfall !== 'wait') {
    throw invalid('limits.onShortfall', "must be 'fail' or 'wait'", resolved.onShortfall);
  }
  if (!(resolved.reserveFraction >= 0 && resolved.reserveFraction < 1)) {
    throw invalid('limits.reserveFraction', 'must be at least 0 and below 1', resolved.reserveFraction);
  }
  if (!(resolved.checkEveryMs >= 1000) || !(resolved.maxWaitMs >= 0)) {
    throw invalid('limits.checkEveryMs', 'must be at least 1000 (and maxWaitMs at least 0)', resolved.checkEveryMs);
  }
  return resolved;
}

/**
 * What a load will take from the org's daily allowances: a batch per 10,000 rows of each unit, and the API
 * calls of its jobs (2.0: create, upload, close, three result files, polls; v1: create, close, a batch and its
 * result list and file per unit, and polls that each read the job and its batches), plus this check.
 */
export function estimateNeeds(units: ReadonlyArray<{ rows: number }>, api: BulkApi) {
  const batchesNeeded = units.reduce((sum, unit) => sum + Math.ceil(unit.rows / ROWS_PER_BULK_BATCH), 0);
  const apiCallsNeeded =
    api === '2.0' ? units.length * (6 + POLLS_PER_JOB) + 1 : 2 + units.length * 3 + 2 * POLLS_PER_JOB + 1;
  return { batchesNeeded, apiCallsNeeded };
}

/**
 * What a query will take: a Bulk 2.0 query job and some of the day's query file storage (its size is unknown
 * before it runs, so at least 1 MB), or on v1 a batch (more with PK chunking); the create, polls and result
 * calls, and this check.
 */
export function estimateQueryNeeds(api: BulkApi) {
  return api === '2.0'
    ? { batchesNeeded: 0, queryJobsNeeded: 1, queryStorageMBNeeded: 1, apiCallsNeeded: 3 + POLLS_PER_JOB + 1 }
    : { batchesNeeded: 1, apiCallsNeeded: 5 + 2 * POLLS_PER_JOB + 1 };
}

/** The failure of a load (or query) the org has no room for: its type, the limits short, and by how much. */
export function insufficientLimits(
  shortfalls: LimitShortfall[],
  reserveFraction: number,
  what: 'load' | 'query' = 'load',
): ApplicationFailure {
  const detail = shortfalls
    .map((s) => `${s.limit}: needs ${s.needed}, ${s.remaining} of ${s.max} remaining`)
    .join('; ');
  const reserve = reserveFraction > 0 ? ` (${Math.round(reserveFraction * 100)} % of each kept for others)` : '';
  return ApplicationFailure.create({
    type: FailureType.InsufficientLimits,
    message: `Not enough Salesforce daily allowance left for this ${what}${reserve}: ${detail}`,
    nonRetryable: true,
    details: [{ code: ErrorCode.InsufficientLimits, source: ErrorSource.Salesforce, shortfalls }],
  });
}
