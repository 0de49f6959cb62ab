/**
 * Typed starters and handles for services that run bulk jobs.
 *
 * @example
 * const client = new Client({ connection: await Connection.connect() });
 * const handle = await startBulkIngest(client, {
 *   object: 'Contact', operation: 'insert', source: { url: 'file:///data/contacts.csv' },
 * }, { workflowId: 'contacts-2026-11-23' });
 * const result = await handle.result().catch((err: unknown) => {
 *   const cause = bulkflowErrorOf(err); // { type: 'bulkflow.SF_INVALID_INPUT', code: 'SF_UNKNOWN_FIELD', field: 'Emial', … }
 *   throw new Error(`${cause.code}: ${cause.message}`);
 * });
 */
import { randomUUID } from 'node:crypto';
import {
  WorkflowExecutionAlreadyStartedError,
  type Client,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import type { bulkIngestWorkflow } from '../workflows/bulk-ingest-workflow.js';
import type { bulkAdoptWorkflow } from '../workflows/bulk-adopt-workflow.js';
import type { bulkQueryWorkflow } from '../workflows/bulk-query-workflow.js';
import {
  abortSignal,
  DEFAULT_TASK_QUEUE,
  MAX_INLINE_BYTES,
  progressQuery,
  WorkflowType,
  SearchAttributes,
  type BulkAdoptInput,
  type BulkIngestInput,
  type BulkQueryInput,
  type BulkProgress,
} from '../workflows/contract.js';
import { BulkflowError, ErrorCode, InputError } from '../common/errors.js';
import { queryOutputProblem } from '../common/query-output.js';
import { InlineRecordsTooLargeError } from './errors.js';

/** How a starter starts a workflow: its id and task queue. */
export interface StartOptions {
  /**
   * Your business id for this job. Starting it again attaches to its run while it runs, returns the completed
   * run when it completed, and otherwise (failed, aborted) starts a run that loads only what earlier ones did not.
   */
  workflowId?: string;
  /** @default 'bulkflow' */
  taskQueue?: string;
}

/** An earlier run of the business id that a start attached to instead of starting a new one. */
export interface AttachedRun {
  runId: string;
  /** `Completed`: its result is this start's result; nothing is loaded again. */
  status: 'Completed';
  startedAt: Date;
  closedAt?: Date;
}

/** What a start hands back: the workflow's handle, and whether it attached to an earlier completed run. */
export type StartedHandle<W extends typeof bulkIngestWorkflow | typeof bulkQueryWorkflow | typeof bulkAdoptWorkflow> =
  WorkflowHandleWithFirstExecutionRunId<W> & {
    /** Set when the business id had completed before: `result()` is that run's, and nothing ran again. */
    attachedTo?: AttachedRun;
  };

/** A started ingest: `result()` resolves to its `BulkIngestResult`. */
export type BulkIngestHandle = StartedHandle<typeof bulkIngestWorkflow>;

/**
 * Starts `bulkIngestWorkflow` under a business id, once. Inline records over {@link MAX_INLINE_BYTES} are refused
 * here; everything else is checked by the workflow before any job exists.
 *
 * Starting an id again: while its run runs, attaches to it; after it completed, returns that run (its result, and
 * `attachedTo`: nothing is loaded again); after it failed or was aborted, starts a new run, which loads only the
 * input rows earlier runs did not load. `input.ignoreEarlierRuns` starts a run that loads everything again.
 * A dry run (`input.dryRun`) runs under `<workflowId>/dry-run-<uuid>`, so it never stands for the business id.
 *
 * @example
 * const handle = await startBulkIngest(client, { object: 'Contact', operation: 'insert', source: { url } }, { workflowId: 'contacts-2026-11-23' });
 * const result = await handle.result();
 */
export async function startBulkIngest(
  client: Client,
  input: BulkIngestInput,
  options: StartOptions = {},
): Promise<BulkIngestHandle> {
  if ('records' in input.source) {
    const bytes = Buffer.byteLength(JSON.stringify(input.source.records));
    if (bytes > MAX_INLINE_BYTES) throw new InlineRecordsTooLargeError(bytes);
  }
  // A dry run never takes the business id: its completed run would otherwise be the id's result, with nothing loaded.
  const workflowId = input.dryRun
    ? `${options.workflowId ?? `bulk-ingest-${input.object}`}/dry-run-${randomUUID()}`
    : (options.workflowId ?? `bulk-ingest-${input.object}-${randomUUID()}`);
  return startOnce<typeof bulkIngestWorkflow>(client, WorkflowType.BulkIngest, input, {
    workflowId,
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
  });
}

/** A started query: `result()` resolves to its `BulkQueryResult`. */
export type BulkQueryHandle = StartedHandle<typeof bulkQueryWorkflow>;

/**
 * Starts a bulk query or queryAll, once per business id, as {@link startBulkIngest} does. A bad `format` or
 * `splitRows` throws `InputError` here, before anything starts.
 *
 * @example
 * await startBulkQuery(client, {
 *   soql: 'SELECT Id, Email FROM Contact',
 *   destination: { url: 's3://exports/contacts/contacts.jsonl' }, // contacts-00001.jsonl, contacts-00002.jsonl, …
 *   format: 'jsonl',
 *   splitRows: 100_000,
 * });
 */
export async function startBulkQuery(
  client: Client,
  input: BulkQueryInput,
  options: StartOptions = {},
): Promise<BulkQueryHandle> {
  const problem = queryOutputProblem(input.format, input.splitRows);
  if (problem) throw new InputError(problem);
  return startOnce<typeof bulkQueryWorkflow>(client, WorkflowType.BulkQuery, input, {
    workflowId: options.workflowId ?? `bulk-query-${randomUUID()}`,
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
  });
}

/** A started adoption: `result()` resolves to its `BulkAdoptResult`. */
export type BulkAdoptHandle = StartedHandle<typeof bulkAdoptWorkflow>;

/**
 * Follows a Bulk 2.0 ingest or query job created elsewhere (`750…`) to its end and saves its results, as bulkflow
 * does for its own. The workflow id is `bulk-adopt-<job id>` unless given: starting it again attaches to the run
 * following the job, or returns its completed result. A job that another bulkflow workflow is following (its
 * `BulkflowJobIds`) is refused with `BUSINESS_ID_IN_USE` naming that workflow.
 */
export async function startBulkAdopt(
  client: Client,
  input: BulkAdoptInput,
  options: StartOptions = {},
): Promise<BulkAdoptHandle> {
  if (!/^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/.test(input.jobId)) {
    throw new InputError(
      `A Salesforce job id is 15 or 18 letters and digits (750…), got ${JSON.stringify(input.jobId)}`,
    );
  }
  const workflowId = options.workflowId ?? `bulk-adopt-${input.jobId}`;
  const query = `${SearchAttributes.jobIds.name} = '${input.jobId}' AND ExecutionStatus = 'Running'`;
  for await (const running of client.workflow.list({ query })) {
    if (running.workflowId === workflowId) continue;
    throw new BulkflowError(
      ErrorCode.BusinessIdInUse,
      `Job ${input.jobId} is already followed by bulkflow workflow ${running.workflowId}: follow that one ` +
        `(bulkflow status ${running.workflowId}) rather than adopting the job a second time.`,
    );
  }
  return startOnce<typeof bulkAdoptWorkflow>(client, WorkflowType.BulkAdopt, input, {
    workflowId,
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
  });
}

/**
 * The start rule of a business id. Temporal alone would start a second run of a closed id (its default reuse
 * policy), loading every row again; so the first try refuses closed ids, and what happens next depends on how
 * the last run ended. Two starters racing meet at `USE_EXISTING`: one starts, the other attaches. (The workflow
 * itself checks the run ledger too, for ids whose runs Temporal no longer keeps.)
 */
async function startOnce<W extends typeof bulkIngestWorkflow | typeof bulkQueryWorkflow | typeof bulkAdoptWorkflow>(
  client: Client,
  type: string,
  input: Parameters<W>[0],
  { workflowId, taskQueue }: { workflowId: string; taskQueue: string },
): Promise<StartedHandle<W>> {
  const start = (workflowIdReusePolicy: 'REJECT_DUPLICATE' | 'ALLOW_DUPLICATE') =>
    client.workflow.start<W>(type, {
      args: [input] as Parameters<W>,
      taskQueue,
      workflowId,
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy,
    });
  try {
    return await start('REJECT_DUPLICATE');
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  const earlier = client.workflow.getHandle<W>(workflowId);
  const described = await earlier.describe();
  const ignoreEarlierRuns = (input as { ignoreEarlierRuns?: boolean }).ignoreEarlierRuns;
  if (!ignoreEarlierRuns && described.status.name === 'COMPLETED') {
    const result = (await earlier.result()) as Awaited<ReturnType<W>>;
    if (result.state === 'Completed') {
      const firstExecutionRunId = described.raw.workflowExecutionInfo?.firstRunId || described.runId;
      const handle = client.workflow.getHandle<W>(workflowId, undefined, { firstExecutionRunId });
      return Object.assign(handle, {
        firstExecutionRunId,
        attachedTo: {
          runId: firstExecutionRunId,
          status: 'Completed' as const,
          startedAt: described.startTime,
          ...(described.closeTime ? { closedAt: described.closeTime } : {}),
        },
      });
    }
  }
  // Failed, aborted, cancelled, terminated or timed out: a new run, which loads what the earlier ones did not.
  return start('ALLOW_DUPLICATE');
}

/** The `progress` query of a running (or finished) bulk workflow: state, jobs, record counts. */
export function getProgress(client: Client, workflowId: string): Promise<BulkProgress> {
  return client.workflow.getHandle(workflowId).query(progressQuery);
}

/** Sends the `abort` signal: the workflow aborts its Salesforce job(s) and still reports what was processed. */
export function requestAbort(client: Client, workflowId: string, reason: string): Promise<void> {
  return client.workflow.getHandle(workflowId).signal(abortSignal, { reason });
}
