/** The org's daily API usage from the last answer that carried `Sforce-Limit-Info`, for status results. */
import type { SalesforceClient } from '../salesforce/index.js';
import type { ApiUsageSnapshot } from './types.js';

/** `{ apiUsage }` when Salesforce has reported it, else nothing: spread it into a status. */
export function apiUsageOf(salesforce: SalesforceClient): { apiUsage?: ApiUsageSnapshot } {
  const { used, limit } = salesforce.http.usage;
  return used !== undefined && limit !== undefined ? { apiUsage: { used, limit } } : {};
}
