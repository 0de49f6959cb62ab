/**
 * The org's daily allowances (`GET /services/data/vXX.X/limits`) and a pre-flight check that refuses work the
 * org cannot finish today, before any job exists, instead of failing halfway with `REQUEST_LIMIT_EXCEEDED`.
 *
 * Bulk ingest uses `DailyBulkApiBatches` (a 2.0 job one per 10,000 rows, shared with v1 batches; 15,000 per
 * rolling 24 h); every REST call, polls included, uses `DailyApiRequests`. A Bulk 2.0 query uses one
 * `DailyBulkV2QueryJobs` (10,000 per 24 h) and `DailyBulkV2QueryFileStorageMB` for its results (1 TB per 24 h).
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm
 * @see https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_bulkapi.htm
 */
import { SalesforceError, SalesforceErrorCode, type SalesforceErrorOptions } from '../core/errors.js';
import type { SalesforceHttp } from '../core/http.js';
import { InputError } from '../../common/errors.js';
import { ROWS_PER_BULK_BATCH } from '../../common/wire-values.js';

/** Names of the limits the client reads. */
export const LimitName = {
  DailyApiRequests: 'DailyApiRequests',
  DailyBulkApiBatches: 'DailyBulkApiBatches',
  DailyBulkV2QueryJobs: 'DailyBulkV2QueryJobs',
  DailyBulkV2QueryFileStorageMB: 'DailyBulkV2QueryFileStorageMB',
} as const;
export type LimitName = (typeof LimitName)[keyof typeof LimitName];

/** One limit as Salesforce reports it. */
export interface LimitValue {
  Max: number;
  Remaining: number;
}

/** The limits resource: every limit the org reports, by name. */
export type OrgLimits = Partial<Record<string, LimitValue>>;

/** Rows per internal Bulk batch: a 2.0 ingest job uses one `DailyBulkApiBatches` per 10,000 rows. */

/** Batches a Bulk 2.0 ingest of `rows` rows uses. */
export function batchesForRows(rows: number): number {
  return Math.ceil(Math.max(0, rows) / ROWS_PER_BULK_BATCH);
}

export interface BulkCapacityRequest {
  /** Bulk batches the work will use (see {@link batchesForRows}). @default 0 */
  batchesNeeded?: number;
  /** API requests the work will use (polls: see `simulatePolls` in `common/poll-policy.ts`). @default 0 */
  apiCallsNeeded?: number;
  /** Bulk 2.0 query jobs the work will create. @default 0 */
  queryJobsNeeded?: number;
  /** Megabytes of Bulk 2.0 query results the work will store. @default 0 */
  queryStorageMBNeeded?: number;
  /** Share of each daily limit to leave for other integrations, 0–1. @default 0 */
  reserveFraction?: number;
}

/** One limit found short. */
export interface LimitShortfall {
  limit: LimitName;
  needed: number;
  remaining: number;
  max: number;
}

/** The org lacks the daily headroom for the work; retrying soon will not help, so it is not retryable. */
export class SalesforceLimitError extends SalesforceError {
  readonly shortfalls: LimitShortfall[];

  constructor(message: string, shortfalls: LimitShortfall[], options: SalesforceErrorOptions = {}) {
    super(SalesforceErrorCode.InsufficientLimits, message, options);
    this.name = 'SalesforceLimitError';
    this.shortfalls = shortfalls;
  }
}

function checkCount(value: number | undefined, option: string): number {
  const n = value ?? 0;
  if (!Number.isInteger(n) || n < 0) {
    throw new InputError(`${option} must be a non-negative integer, got ${n}`);
  }
  return n;
}

/** Fills in defaults and checks the request; a bad value throws an error naming the option. */
export function capacityWithDefaults(request: BulkCapacityRequest): Required<BulkCapacityRequest> {
  const reserveFraction = request.reserveFraction ?? 0;
  if (!(reserveFraction >= 0 && reserveFraction < 1)) {
    throw new InputError(`reserveFraction must be at least 0 and below 1, got ${reserveFraction}`);
  }
  return {
    batchesNeeded: checkCount(request.batchesNeeded, 'batchesNeeded'),
    apiCallsNeeded: checkCount(request.apiCallsNeeded, 'apiCallsNeeded'),
    queryJobsNeeded: checkCount(request.queryJobsNeeded, 'queryJobsNeeded'),
    queryStorageMBNeeded: checkCount(request.queryStorageMBNeeded, 'queryStorageMBNeeded'),
    reserveFraction,
  };
}

/** The limits that cannot cover the request (pure; empty when all can). Unreported limits are skipped. */
export function findShortfalls(limits: OrgLimits, request: BulkCapacityRequest): LimitShortfall[] {
  const { batchesNeeded, apiCallsNeeded, queryJobsNeeded, queryStorageMBNeeded, reserveFraction } =
    capacityWithDefaults(request);
  const out: LimitShortfall[] = [];
  const check = (limit: LimitName, needed: number) => {
    const value = limits[limit];
    if (!value || needed === 0) return;
    const usable = value.Remaining - Math.ceil(value.Max * reserveFraction);
    if (needed > usable) out.push({ limit, needed, remaining: value.Remaining, max: value.Max });
  };
  check(LimitName.DailyBulkApiBatches, batchesNeeded);
  check(LimitName.DailyApiRequests, apiCallsNeeded);
  check(LimitName.DailyBulkV2QueryJobs, queryJobsNeeded);
  check(LimitName.DailyBulkV2QueryFileStorageMB, queryStorageMBNeeded);
  return out;
}

/** Reads the org's limits and checks the work against them. */
export class LimitsClient {
  constructor(
    private readonly http: SalesforceHttp,
    private readonly apiVersion: string,
  ) {}

  /** `GET /limits`. The call itself uses one API request. */
  getLimits(): Promise<OrgLimits> {
    return this.http.json<OrgLimits>({ method: 'GET', path: `/services/data/v${this.apiVersion}/limits`, api: 'rest' });
  }

  /**
   * Throws `SalesforceLimitError` (code `SF_INSUFFICIENT_LIMITS`, not retryable) when the org lacks headroom.
   * Returns the limits read, so a caller can log them.
   */
  async checkBulkCapacity(request: BulkCapacityRequest): Promise<OrgLimits> {
    capacityWithDefaults(request);
    const limits = await this.getLimits();
    const shortfalls = findShortfalls(limits, request);
    if (shortfalls.length > 0) {
      const detail = shortfalls
        .map((s) => `${s.limit}: need ${s.needed}, ${s.remaining} of ${s.max} remaining`)
        .join('; ');
      throw new SalesforceLimitError(`Not enough Salesforce daily limit left for this job: ${detail}`, shortfalls);
    }
    return limits;
  }
}
