/** Activity proxies shared by bulkflow's workflows, with their timeouts and retry policy. */
import { proxyActivities } from '@temporalio/workflow';
import type { BulkActivities } from '../activities/index.js';
import type { ActivityTimeouts } from './contract.js';

/** Retries for Salesforce calls: transient errors back off; typed non-retryable ones fail fast. */
const RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20 };

/** The two activity proxies every workflow uses: short calls, and heartbeating streaming steps. */
export function activityProxies(timeouts: ActivityTimeouts = {}) {
  return {
    /** Single Salesforce calls (status, close, abort). */
    calls: proxyActivities<BulkActivities>({ startToCloseTimeout: timeouts.callMs ?? 60_000, retry: RETRY }),
    /** Streaming or adopt-on-retry steps, which heartbeat. */
    streams: proxyActivities<BulkActivities>({
      startToCloseTimeout: '12 hours',
      heartbeatTimeout: timeouts.heartbeatMs ?? 60_000,
      retry: RETRY,
    }),
  };
}

/** What {@link activityProxies} returns. */
export type ActivityProxies = ReturnType<typeof activityProxies>;
