/**
 * The org's daily allowances before a load or a query: does it have the Bulk batches, query jobs, query storage and API calls the job needs, with
 * a reserve left for other integrations? Answers with the shortfalls instead of throwing, so the workflow
 * can choose to wait durably for the daily window to roll or to fail at once.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm
 */
import { type SalesforceClient } from '../salesforce/index.js';
import { findShortfalls, type LimitShortfall } from '../salesforce/org/limits.js';

export interface CheckOrgLimitsRequest {
  /** Bulk batches the load uses: one per 10,000 rows on either API. */
  batchesNeeded: number;
  /** API requests the load uses: job calls, polls, result files. */
  apiCallsNeeded: number;
  /** Bulk 2.0 query jobs the query creates. */
  queryJobsNeeded?: number;
  /** Megabytes of Bulk 2.0 query results the query stores. */
  queryStorageMBNeeded?: number;
  /** Share of each daily limit to leave to others, 0 ≤ x < 1. */
  reserveFraction: number;
}

export interface CheckOrgLimitsResult {
  /** Empty when there is room. */
  shortfalls: LimitShortfall[];
}

export function createLimitsActivities({ salesforce }: { salesforce: SalesforceClient }) {
  return {
    /** `GET /limits` (one API call) and the comparison; never throws for a shortfall. */
    async checkOrgLimits(request: CheckOrgLimitsRequest): Promise<CheckOrgLimitsResult> {
      return { shortfalls: findShortfalls(await salesforce.limits.getLimits(), request) };
    },
  };
}
