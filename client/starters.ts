/**
 * Typed starters and handles for services that run bulk jobs.
 *
 * @example
 * const client = new Client({ connection: await Connection.connect() });
 * const handle = await startBulkIngest(client, {
 *   object: 'Contact', operation: 'insert', source: { url: 'file:///data/contacts.csv' },
 * }, { workflowId: 'contacts-2026-11-23' });
 * const result = await handle.result();
 */
import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { bulkIngestWorkflow } from '../workflows/bulk-ingest-workflow.js';
import type { bulkQueryWorkflow } from '../workflows/bulk-query-workflow.js';
import {
  abortSignal,
  DEFAULT_TASK_QUEUE,
  MAX_INLINE_BYTES,
  progressQuery,
  WorkflowType,
  type BulkIngestInput,
  type BulkQueryInput,
  type BulkProgress,
} from '../workflows/contract.js';

export interface StartOptions {
  /** Your business id for this job; starting the same id again returns the running workflow. */
  workflowId?: string;
  /** @default 'bulkflow' */
  taskQueue?: string;
}

export type BulkIngestHandle = WorkflowHandleWithFirstExecutionRunId<typeof bulkIngestWorkflow>;

/** Thrown before anything starts when inline records are too large for workflow history. */
export class InlineRecordsTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super(
      `Inline records are ${bytes} bytes as JSON; above ${MAX_INLINE_BYTES} bytes, write them to a file and pass its URL`,
    );
    this.name = 'InlineRecordsTooLargeError';
  }
}

export async function startBulkIngest(
  client: Client,
  input: BulkIngestInput,
  options: StartOptions = {},
): Promise<BulkIngestHandle> {
  if ('records' in input.source) {
    const bytes = Buffer.byteLength(JSON.stringify(input.source.records));
    if (bytes > MAX_INLINE_BYTES) throw new InlineRecordsTooLargeError(bytes);
  }
  return client.workflow.start<typeof bulkIngestWorkflow>(WorkflowType.BulkIngest, {
    args: [input],
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    workflowId: options.workflowId ?? `bulk-ingest-${input.object}-${randomUUID()}`,
    // A second start with the same business id attaches to the running job instead of starting another.
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

export type BulkQueryHandle = WorkflowHandleWithFirstExecutionRunId<typeof bulkQueryWorkflow>;

/** Starts a bulk query or queryAll; the same business id attaches to the running one. */
export async function startBulkQuery(
  client: Client,
  input: BulkQueryInput,
  options: StartOptions = {},
): Promise<BulkQueryHandle> {
  return client.workflow.start<typeof bulkQueryWorkflow>(WorkflowType.BulkQuery, {
    args: [input],
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    workflowId: options.workflowId ?? `bulk-query-${randomUUID()}`,
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

export function getProgress(client: Client, workflowId: string): Promise<BulkProgress> {
  return client.workflow.getHandle(workflowId).query(progressQuery);
}

export function requestAbort(client: Client, workflowId: string, reason: string): Promise<void> {
  return client.workflow.getHandle(workflowId).signal(abortSignal, { reason });
}
