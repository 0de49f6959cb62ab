/** Activity proxies shared by bulkflow's workflows, with their timeouts and retry policy. */
import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { BulkActivities } from '../activities/index.js';
import type { ActivityTimeouts } from './contract.js';

/** Retries for Salesforce calls: transient errors back off; typed non-retryable ones fail fast. */
const RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20 };

/** Every activity heartbeats every 2 s while it runs (activities/keep-alive.ts): a dead worker is noticed by this. */
export const DEFAULT_HEARTBEAT_MS = 10_000;
/** The start-to-close limit of a single Salesforce call. */
export const DEFAULT_CALL_MS = 60_000;

/**
 * The activity proxies every workflow uses. All heartbeat, so a killed worker's step starts again on another
 * worker about `heartbeatMs` after the kill, whatever the step. An abort cancels the step in flight at once
 * (the workflow does not wait for it), except for `creates`.
 */
export function activityProxies(timeouts: ActivityTimeouts = {}) {
  const heartbeatTimeout = timeouts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const streaming = { startToCloseTimeout: '12 hours', heartbeatTimeout, retry: RETRY } as const;
  return {
    /** Single Salesforce calls (status, close, abort). */
    calls: proxyActivities<BulkActivities>({
      startToCloseTimeout: timeouts.callMs ?? DEFAULT_CALL_MS,
      heartbeatTimeout,
      retry: RETRY,
    }),
    /** Streaming or adopt-on-retry steps, which heartbeat their progress. */
    streams: proxyActivities<BulkActivities>(streaming),
    /**
     * Steps that make something in Salesforce (a job, a v1 batch). A cancelled one is waited for until its attempt
     * in flight ends, so that what it made is known and can be aborted; one waiting for its next retry is
     * cancelled at once.
     */
    creates: proxyActivities<BulkActivities>({
      ...streaming,
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    }),
    /** Bookkeeping that must not hold up a workflow's end: a few quick attempts, then the workflow goes on. */
    ledger: proxyActivities<BulkActivities>({
      startToCloseTimeout: timeouts.callMs ?? DEFAULT_CALL_MS,
      heartbeatTimeout,
      retry: { ...RETRY, maximumAttempts: 5, maximumInterval: '10 seconds' },
    }),
  };
}

/** What {@link activityProxies} returns. */
export type ActivityProxies = ReturnType<typeof activityProxies>;
