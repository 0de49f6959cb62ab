/**
 * What operators ask of a bulk workflow besides its progress: is a worker there to run it, which step is it on,
 * what went wrong with that step, and why did it end the way it did. All of it comes from Temporal (the
 * workflow's description, its pending activities and children's, the task queue's pollers), so it answers even
 * when no worker runs.
 */
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow/index.js';
import proto from '@temporalio/proto';
import type { BulkIngestResult, BulkProgress, BulkQueryResult } from '../workflows/contract.js';
import { progressQuery } from '../workflows/contract.js';
import { bulkflowErrorOf, type BulkflowErrorInfo } from './errors.js';

/** A poller seen this recently counts as a live worker (a worker's long poll lasts about a minute). */
const POLLER_FRESH_MS = 120_000;
/** How long a status asks the workflow's `progress` query before saying it did not answer. */
const QUERY_DEADLINE_MS = 5_000;

/** A protobuf timestamp; `seconds` is a Long (or a number) as protobufjs decodes it. */
type Timestamp = { seconds?: number | { toNumber(): number } | null; nanos?: number | null } | null | undefined;

function dateOf(ts: Timestamp): Date | undefined {
  const seconds = typeof ts?.seconds === 'number' ? ts.seconds : (ts?.seconds?.toNumber() ?? 0);
  if (!seconds && !ts?.nanos) return undefined;
  return new Date(seconds * 1000 + Math.floor((ts?.nanos ?? 0) / 1e6));
}

/** Whether a worker polls a task queue, from Temporal's description of it. */
export interface WorkerPresence {
  namespace: string;
  taskQueue: string;
  /** A worker polled within the last two minutes. */
  polling: boolean;
  /** The identities of the workers seen, newest first. */
  workers: Array<{ identity: string; lastPollAt?: string }>;
}

/** Asks Temporal which workers poll `taskQueue` (workflow tasks: every bulkflow worker polls them). */
export async function workerPresence(client: Client, taskQueue: string): Promise<WorkerPresence> {
  const namespace = client.options.namespace;
  const { TaskQueueKind, TaskQueueType } = proto.temporal.api.enums.v1;
  const { pollers } = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  const now = Date.now();
  const workers = (pollers ?? [])
    .map((p) => ({ identity: p.identity ?? '', at: dateOf(p.lastAccessTime) }))
    .sort((a, b) => (b.at?.getTime() ?? 0) - (a.at?.getTime() ?? 0));
  return {
    namespace,
    taskQueue,
    polling: workers.some((w) => w.at !== undefined && now - w.at.getTime() < POLLER_FRESH_MS),
    workers: workers.map((w) => ({ identity: w.identity, ...(w.at ? { lastPollAt: w.at.toISOString() } : {}) })),
  };
}

/** A step a running workflow (or one of its children) waits on: an activity, and how its attempts went. */
export interface PendingStep {
  /** The workflow whose step it is: the bulk workflow or one of its per-job children. */
  workflowId: string;
  /** The activity, e.g. `stageIngestInput`. */
  step: string;
  /** `Scheduled` (waiting for a worker, or for its next retry), `Started`, `CancelRequested`. */
  state: string;
  attempt: number;
  /** Why the last attempt failed, in the same form as a failed workflow's cause. */
  lastFailure?: BulkflowErrorInfo;
  /** When the next attempt starts, while it waits to be retried. */
  nextAttemptAt?: string;
  lastStartedAt?: string;
  lastHeartbeatAt?: string;
  /** The worker that ran the last attempt. */
  lastWorker?: string;
}

/** Everything `bulkflow status` shows of a bulk workflow. */
export interface BulkWorkflowStatus {
  workflowId: string;
  runId: string;
  /** `bulkIngestWorkflow` or `bulkQueryWorkflow`. */
  type: string;
  /** Temporal's status: `Running`, `Completed`, `Failed`, `Canceled`, `Terminated`, `TimedOut`, `ContinuedAsNew`. */
  status: string;
  taskQueue: string;
  startedAt: string;
  closedAt?: string;
  /** Live state and counts of a running workflow (absent when no worker answered the query). */
  progress?: BulkProgress;
  /** The result of a completed workflow. */
  result?: BulkIngestResult | BulkQueryResult;
  /** Why a workflow failed, timed out or was terminated: its root cause. */
  error?: BulkflowErrorInfo;
  /** Running: the steps it waits on, its children's included. */
  steps: PendingStep[];
  /** Running: whether a worker polls its task queue. */
  worker?: WorkerPresence;
}

const STATUS: Record<string, string> = {
  RUNNING: 'Running',
  COMPLETED: 'Completed',
  FAILED: 'Failed',
  CANCELLED: 'Canceled',
  TERMINATED: 'Terminated',
  TIMED_OUT: 'TimedOut',
  CONTINUED_AS_NEW: 'ContinuedAsNew',
};

const PENDING_STATE: Record<number, string> = {
  1: 'Scheduled',
  2: 'Started',
  3: 'CancelRequested',
  4: 'Paused',
  5: 'PauseRequested',
};

async function pendingSteps(client: Client, workflowId: string, description: WorkflowExecutionDescription) {
  const converter = client.options.loadedDataConverter;
  return Promise.all(
    (description.raw.pendingActivities ?? []).map(async (a): Promise<PendingStep> => {
      const failure = await decodeOptionalFailureToOptionalError(converter, a.lastFailure).catch(() => undefined);
      const next = dateOf(a.nextAttemptScheduleTime);
      const started = dateOf(a.lastStartedTime);
      const beat = dateOf(a.lastHeartbeatTime);
      return {
        workflowId,
        step: a.activityType?.name ?? 'unknown',
        state: PENDING_STATE[Number(a.state)] ?? 'Unknown',
        attempt: a.attempt ?? 1,
        ...(failure ? { lastFailure: bulkflowErrorOf(failure) } : {}),
        ...(next ? { nextAttemptAt: next.toISOString() } : {}),
        ...(started ? { lastStartedAt: started.toISOString() } : {}),
        ...(beat ? { lastHeartbeatAt: beat.toISOString() } : {}),
        ...(a.lastWorkerIdentity ? { lastWorker: a.lastWorkerIdentity } : {}),
      };
    }),
  );
}

/**
 * The status of a bulk workflow: Temporal's, and bulkflow's on top (the step in flight with its attempts and
 * last failure, the result or the root cause). Asks the workflow's `progress` query only when a worker polls,
 * with a short deadline, so it answers in seconds whatever the state of the workers.
 */
export async function describeBulkWorkflow(client: Client, workflowId: string): Promise<BulkWorkflowStatus> {
  const handle = client.workflow.getHandle(workflowId);
  const description = await handle.describe();
  const base = {
    workflowId,
    runId: description.runId,
    type: description.type,
    status: STATUS[description.status.name] ?? description.status.name,
    taskQueue: description.taskQueue,
    startedAt: description.startTime.toISOString(),
    ...(description.closeTime ? { closedAt: description.closeTime.toISOString() } : {}),
  };
  if (description.status.name === 'RUNNING') {
    const children = description.raw.pendingChildren ?? [];
    const childSteps = await Promise.all(
      children.map(async (child) => {
        const id = child.workflowId ?? '';
        const d = await client.workflow
          .getHandle(id)
          .describe()
          .catch(() => undefined);
        return d ? pendingSteps(client, id, d) : [];
      }),
    );
    const steps = [...(await pendingSteps(client, workflowId, description)), ...childSteps.flat()];
    const worker = await workerPresence(client, description.taskQueue);
    const progress = worker.polling
      ? await client
          .withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(progressQuery))
          .catch(() => undefined)
      : undefined;
    return { ...base, steps, worker, ...(progress ? { progress } : {}) };
  }
  try {
    const result = (await handle.result()) as BulkIngestResult | BulkQueryResult;
    return { ...base, steps: [], result };
  } catch (err) {
    return { ...base, steps: [], error: bulkflowErrorOf(err) };
  }
}
