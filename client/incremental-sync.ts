/**
 * Incremental exports: a long-lived `incrementalSyncWorkflow` per sObject and destination, and a handle to steer
 * it (pause, resume, run now, reset the bookmark) and to read where it stands.
 *
 * @example
 * const sync = await createIncrementalSync(client, {
 *   object: 'Contact', fields: ['FirstName', 'LastName', 'Email'], to: 's3://exports/crm', timing: { everyMs: 3_600_000 },
 * });
 * console.log((await sync.status()).bookmark);
 */
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { checkSyncInput } from '../common/sync-window.js';
import { DEFAULT_TASK_QUEUE, WorkflowType } from '../workflows/contract.js';
import type { incrementalSyncWorkflow } from '../workflows/incremental-sync-workflow.js';
import {
  pauseSyncSignal,
  resetSyncBookmarkUpdate,
  resumeSyncSignal,
  runSyncNowSignal,
  syncStatusQuery,
  type IncrementalSyncInput,
  type SyncBookmark,
  type SyncStatus,
} from '../workflows/sync-contract.js';

/** Where a sync runs: its id (one sync per id) and task queue. */
export interface SyncStartOptions {
  /** @default `incremental-export-<object>` */
  workflowId?: string;
  /** @default 'bulkflow' */
  taskQueue?: string;
}

/** A running sync. */
export interface IncrementalSyncHandle {
  workflowId: string;
  /** The Temporal handle, e.g. to `cancel()` (stops the sync; a cycle in flight aborts its query). */
  workflow: WorkflowHandle<typeof incrementalSyncWorkflow>;
  /** Whether this call started it (`createIncrementalSync` attaches to a running sync of the id). */
  started: boolean;
  /** No cycle starts until {@link resume}; a cycle in flight finishes. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Runs a cycle now, outside the timing. */
  runNow(): Promise<void>;
  /** Replaces the bookmark (none: a full export next); answers the bookmark it replaced. */
  resetBookmark(bookmark?: SyncBookmark): Promise<{ previous?: SyncBookmark }>;
  /** The bookmark, the last cycle and its counts, the next due time. */
  status(): Promise<SyncStatus>;
}

/** A handle to the sync running under `workflowId`. */
export function getIncrementalSync(client: Client, workflowId: string, started = false): IncrementalSyncHandle {
  const workflow = client.workflow.getHandle<typeof incrementalSyncWorkflow>(workflowId);
  return {
    workflowId,
    workflow,
    started,
    pause: () => workflow.signal(pauseSyncSignal),
    resume: () => workflow.signal(resumeSyncSignal),
    runNow: () => workflow.signal(runSyncNowSignal),
    resetBookmark: (bookmark) =>
      workflow.executeUpdate(resetSyncBookmarkUpdate, { args: [bookmark ? { bookmark } : {}] }),
    status: () => workflow.query(syncStatusQuery),
  };
}

async function start(
  client: Client,
  input: IncrementalSyncInput,
  options: SyncStartOptions,
): Promise<IncrementalSyncHandle> {
  checkSyncInput(input);
  const workflowId = options.workflowId ?? defaultSyncId(input.object);
  await client.workflow.start<typeof incrementalSyncWorkflow>(WorkflowType.IncrementalSync, {
    args: [input],
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    workflowId,
    workflowIdConflictPolicy: 'FAIL',
  });
  return getIncrementalSync(client, workflowId, true);
}

const defaultSyncId = (object: string) => `incremental-export-${object}`;

/**
 * Starts an incremental export: a full export at once, then the changes since the last cycle at each due time.
 * Refuses an id whose sync is running (`WorkflowExecutionAlreadyStartedError`).
 */
export function startIncrementalExport(
  client: Client,
  input: IncrementalSyncInput,
  options: SyncStartOptions = {},
): Promise<IncrementalSyncHandle> {
  return start(client, input, options);
}

/**
 * The sync of an id, started if it is not running: what a deploy script calls on every release. A running sync
 * keeps its input and bookmark (`started: false`); to change what it exports, cancel it and start it again with
 * `bookmark` from its status.
 */
export async function createIncrementalSync(
  client: Client,
  input: IncrementalSyncInput,
  options: SyncStartOptions = {},
): Promise<IncrementalSyncHandle> {
  const workflowId = options.workflowId ?? defaultSyncId(input.object);
  try {
    return await start(client, input, options);
  } catch (err) {
    // Running (or started by a racing caller meanwhile): attach.
    if (err instanceof WorkflowExecutionAlreadyStartedError) return getIncrementalSync(client, workflowId);
    throw err;
  }
}
