/**
 * Reading a workflow history for two-workers-s3.test.ts: which worker ran each activity and workflow
 * task (the `identity` Temporal records, by default `pid@host`), the child workflows started, and the
 * text of every payload, so a test can say where each step of a job ran and what travelled through history.
 */
import type { WorkflowHandle } from '@temporalio/client';

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;

/** One activity as its history records it: its type, the worker and attempt of the run that ended it. */
export interface ActivityRun {
  type: string;
  /** Identity on `ActivityTaskStarted`, written when the activity ends: the attempt that ended it. */
  identity: string;
  attempt: number;
  /** The first payload of its input, decoded (JSON), if any. */
  input: unknown;
  completed: boolean;
}

export interface HistorySummary {
  activities: ActivityRun[];
  /** Identities of the workers that completed workflow tasks, in order. */
  workflowTaskWorkers: string[];
  /** Workflow tasks that timed out, e.g. waiting on a dead worker's sticky queue. */
  workflowTaskTimeouts: number;
  /** Workflow ids of the children this run started. */
  children: string[];
  /** Every payload's data as UTF-8 text (inputs, results, signals, heartbeats). */
  payloadTexts: string[];
}

export async function summarizeHistory(handle: WorkflowHandle): Promise<HistorySummary> {
  return summarize(await handle.fetchHistory());
}

export function summarize(history: History): HistorySummary {
  const byScheduledId = new Map<string, ActivityRun>();
  const activities: ActivityRun[] = [];
  const workflowTaskWorkers: string[] = [];
  const children: string[] = [];
  let workflowTaskTimeouts = 0;
  for (const event of history.events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const run: ActivityRun = {
        type: scheduled.activityType?.name ?? '',
        identity: '',
        attempt: 0,
        input: decode(scheduled.input?.payloads?.[0]?.data),
        completed: false,
      };
      byScheduledId.set(String(event.eventId), run);
      activities.push(run);
    }
    const started = event.activityTaskStartedEventAttributes;
    const run = started && byScheduledId.get(String(started.scheduledEventId));
    if (started && run) {
      run.identity = started.identity ?? '';
      run.attempt = started.attempt ?? 0;
    }
    const completed = event.activityTaskCompletedEventAttributes;
    const done = completed && byScheduledId.get(String(completed.scheduledEventId));
    if (done) done.completed = true;
    const task = event.workflowTaskCompletedEventAttributes;
    if (task) workflowTaskWorkers.push(task.identity ?? '');
    if (event.workflowTaskTimedOutEventAttributes) workflowTaskTimeouts += 1;
    const child = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId;
    if (child) children.push(child);
  }
  return { activities, workflowTaskWorkers, workflowTaskTimeouts, children, payloadTexts: payloadTexts(history) };
}

function decode(data: Uint8Array | null | undefined): unknown {
  if (!data) return undefined;
  try {
    return JSON.parse(Buffer.from(data).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Every `data` byte array under the history (payloads wherever they sit), as text. */
function payloadTexts(history: History): string[] {
  const texts: string[] = [];
  const walk = (value: unknown, key: string): void => {
    if (value instanceof Uint8Array) {
      if (key === 'data') texts.push(Buffer.from(value).toString('utf8'));
    } else if (Array.isArray(value)) {
      for (const item of value) walk(item, key);
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    }
  };
  walk(history, '');
  return texts;
}
