/**
 * What `ingest` and `query` share between building their input and printing their summary: a worker check before
 * anything starts (a job nobody runs would wait in silence), the start itself, and the wait with progress.
 */
import type { Client } from '@temporalio/client';
import { BulkflowError, ErrorCode } from '../common/errors.js';
import type { BulkIngestHandle, BulkQueryHandle } from '../client/starters.js';
import type { CompletedBefore } from '../workflows/contract.js';

/** How `ingest` and `query` start and wait. */
export interface StartFlags {
  wait: boolean;
  json?: boolean;
  waitForWorker?: boolean;
  taskQueue?: string;
}

/** The task queue a command starts on: `--task-queue`, `BULKFLOW_TASK_QUEUE`, else bulkflow's default. */
export function taskQueueOf(flags: { taskQueue?: string }): string {
  return flags.taskQueue ?? (process.env.BULKFLOW_TASK_QUEUE || 'bulkflow');
}

/**
 * Refuses to start (before any workflow exists) when no worker polls the task queue, unless the command was told
 * to wait for one or not to wait at all; then it says so on stderr and goes on.
 */
export async function ensureWorker(client: Client, taskQueue: string, flags: StartFlags): Promise<void> {
  const { workerPresence } = await import('../client/inspect.js');
  const presence = await workerPresence(client, taskQueue);
  if (presence.polling) return;
  const where = `task queue "${taskQueue}" in namespace "${presence.namespace}"`;
  if (flags.waitForWorker || !flags.wait) {
    process.stderr.write(
      `bulkflow: no worker polls ${where}; the job ${flags.wait ? 'waits' : 'will wait'} until one does ` +
        '(start one with `bulkflow worker`).\n',
    );
    return;
  }
  throw new BulkflowError(
    ErrorCode.NoWorker,
    `No worker polls ${where}, so nothing would run the job. Start one with \`bulkflow worker\` (same ` +
      'TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and BULKFLOW_TASK_QUEUE), or pass --wait-for-worker to start the job ' +
      'now and wait for one.',
  );
}

/** The `completedBefore` a start that attached to a completed run adds to its result. */
export function attachedBefore(handle: BulkIngestHandle | BulkQueryHandle): { completedBefore?: CompletedBefore } {
  const run = handle.attachedTo;
  if (!run) return {};
  return { completedBefore: { runId: run.runId, completedAt: (run.closedAt ?? run.startedAt).toISOString() } };
}
