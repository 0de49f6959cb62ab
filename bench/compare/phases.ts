/**
 * Where a bulkflow workflow's time went, from its history and its children's: each activity's run (started to
 * completed, so queueing is left out), the poll timers, and what the run did besides (workflow tasks, task
 * queue latency). Times are the Temporal server's wall clock, on this machine.
 */
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Timestamp = NonNullable<HistoryEvent['eventTime']>;

/** One stretch of a workflow's time: an activity attempt, or a timer. */
export interface PhaseWindow {
  /** The activity type (`stageIngestInput`), or `timer` for a poll wait. */
  name: string;
  workflowId: string;
  startMs: number;
  endMs: number;
}

function ms(ts: Timestamp | null | undefined): number {
  if (!ts) return 0;
  return Number(ts.seconds ?? 0) * 1000 + (ts.nanos ?? 0) / 1e6;
}

/** The windows of a workflow and, recursively, of its child workflows. */
export async function workflowPhases(client: Client, workflowId: string): Promise<PhaseWindow[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const byId = new Map<string, HistoryEvent>();
  for (const event of events) byId.set(String(event.eventId), event);
  const windows: PhaseWindow[] = [];
  const children: string[] = [];
  for (const event of events) {
    const completed =
      event.activityTaskCompletedEventAttributes ??
      event.activityTaskFailedEventAttributes ??
      event.activityTaskTimedOutEventAttributes;
    if (completed) {
      const started = byId.get(String(completed.startedEventId));
      const scheduled = byId.get(String(completed.scheduledEventId));
      const name = scheduled?.activityTaskScheduledEventAttributes?.activityType?.name ?? 'activity';
      windows.push({ name, workflowId, startMs: ms(started?.eventTime), endMs: ms(event.eventTime) });
    }
    const fired = event.timerFiredEventAttributes;
    if (fired) {
      const started = byId.get(String(fired.startedEventId));
      windows.push({ name: 'timer', workflowId, startMs: ms(started?.eventTime), endMs: ms(event.eventTime) });
    }
    const child = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId;
    if (child) children.push(child);
  }
  for (const child of children) windows.push(...(await workflowPhases(client, child)));
  return windows;
}

/** Seconds per phase name, summed over windows, in order of first appearance. */
export function phaseTotals(windows: readonly PhaseWindow[]): Array<{ name: string; count: number; ms: number }> {
  const totals = new Map<string, { name: string; count: number; ms: number }>();
  for (const w of windows) {
    const t = totals.get(w.name) ?? { name: w.name, count: 0, ms: 0 };
    t.count += 1;
    t.ms += w.endMs - w.startMs;
    totals.set(w.name, t);
  }
  return [...totals.values()];
}

/** How a phase's windows lie in time: summed, the wall time they cover together, and how many ran at once. */
export interface PhaseOverlap {
  name: string;
  count: number;
  /** Durations added up. */
  summedMs: number;
  /** Wall time covered by at least one window. */
  coveredMs: number;
  /** Most windows open at one moment. */
  maxAtOnce: number;
  /** First start and last end, from the first window of any phase. */
  fromMs: number;
  toMs: number;
}

/**
 * Per phase name, across the child workflows of runs: whether its windows ran one after another (covered ≈
 * summed, at most 1 at once) or side by side. Times are relative to the earliest window.
 */
export function phaseOverlaps(windows: readonly PhaseWindow[]): PhaseOverlap[] {
  const origin = Math.min(...windows.map((w) => w.startMs));
  const byName = new Map<string, PhaseWindow[]>();
  for (const w of windows) byName.set(w.name, [...(byName.get(w.name) ?? []), w]);
  return [...byName.entries()].map(([name, list]) => {
    const edges = list.flatMap((w) => [
      { at: w.startMs, delta: 1 },
      { at: w.endMs, delta: -1 },
    ]);
    edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
    let open = 0;
    let maxAtOnce = 0;
    let coveredMs = 0;
    let since = 0;
    for (const edge of edges) {
      if (open > 0) coveredMs += edge.at - since;
      open += edge.delta;
      since = edge.at;
      maxAtOnce = Math.max(maxAtOnce, open);
    }
    return {
      name,
      count: list.length,
      summedMs: list.reduce((n, w) => n + (w.endMs - w.startMs), 0),
      coveredMs,
      maxAtOnce,
      fromMs: Math.min(...list.map((w) => w.startMs)) - origin,
      toMs: Math.max(...list.map((w) => w.endMs)) - origin,
    };
  });
}
