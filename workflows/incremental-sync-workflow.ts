/**
 * `incrementalSyncWorkflow`: an incremental export of one sObject. Each run waits until a cycle is due (its
 * timing, or `runSyncNow`), runs one cycle, and continues as new with the bookmark, so its history stays the
 * length of one cycle however long the sync lives.
 *
 * A cycle: a `bulkQueryWorkflow` child runs queryAll for the records changed after the bookmark (the tie-safe
 * predicate on SystemModstamp and Id, see `common/sync-window.ts`; the first cycle reads everything) and stages
 * the result; `writeSyncCycle` writes it to the destination as the cycle's files, tombstones apart, manifest last;
 * only then does the bookmark move, in workflow state. A worker killed anywhere in between is replaced and the
 * step retried: the child adopts its query job, the files are written again under the same names.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  executeChild,
  isCancellation,
  ParentClosePolicy,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { failureTypeOf, ErrorCode } from '../common/errors.js';
import {
  checkBookmark,
  checkSyncInput,
  compareBookmarks,
  cycleFolder,
  nextDueMs,
  syncSoql,
  type SyncBookmark,
} from '../common/sync-window.js';
import { activityProxies } from './activity-proxies.js';
import { bulkQueryWorkflow } from './bulk-query-workflow.js';
import { BulkflowState, SearchAttributes } from './contract.js';
import {
  pauseSyncSignal,
  resetSyncBookmarkUpdate,
  resumeSyncSignal,
  runSyncNowSignal,
  syncStatusQuery,
  type IncrementalSyncInput,
  type SyncCycleReport,
  type SyncStatus,
} from './sync-contract.js';

/** The `BulkflowOperation` of a sync, so operators list syncs beside jobs. */
export const SYNC_OPERATION = 'incrementalExport';
const DEFAULT_MAX_ROWS_PER_FILE = 500_000;

/** What a run carries to the next across continue-as-new. */
interface SyncState {
  nextCycle: number;
  bookmark?: SyncBookmark;
  paused: boolean;
  runNow: boolean;
  /** Epoch ms; absent before the first cycle, which runs at once. */
  nextDueAtMs?: number;
  lastCycle?: SyncCycleReport;
  totals: SyncStatus['totals'];
  /** A cycle that failed runs again under its number and date, so it writes the same names. */
  retry?: { cycle: number; startedAtMs: number; attempt: number };
}

type SyncRunInput = IncrementalSyncInput & { state?: SyncState };

/**
 * Exports the changes of `input.object` to `input.to`, one cycle at a time, forever (until cancelled or
 * terminated). Signals `pauseSync`, `resumeSync`, `runSyncNow`; update `resetSyncBookmark`; query `syncStatus`.
 */
export async function incrementalSyncWorkflow(input: IncrementalSyncInput): Promise<void> {
  const run = input as SyncRunInput;
  if (!run.state) checkInput(input);
  const state: SyncState = run.state ?? {
    nextCycle: 1,
    paused: false,
    runNow: false,
    totals: { completed: 0, failed: 0, changed: 0, deleted: 0 },
    ...(input.bookmark ? { bookmark: input.bookmark } : {}),
  };
  let running: { cycle: number; startedAtMs: number } | undefined;
  let resetDuringCycle = false;

  setHandler(pauseSyncSignal, () => void (state.paused = true));
  setHandler(resumeSyncSignal, () => void (state.paused = false));
  setHandler(runSyncNowSignal, () => void (state.runNow = true));
  setHandler(
    resetSyncBookmarkUpdate,
    ({ bookmark }) => {
      const previous = state.bookmark;
      if (bookmark) state.bookmark = bookmark;
      else delete state.bookmark;
      delete state.retry;
      if (running) resetDuringCycle = true;
      return previous ? { previous } : {};
    },
    {
      validator: (request: { bookmark?: SyncBookmark }) => {
        if (request.bookmark) checkBookmark(request.bookmark);
      },
    },
  );
  setHandler(syncStatusQuery, (): SyncStatus => ({
    object: input.object,
    paused: state.paused,
    nextCycle: state.retry?.cycle ?? state.nextCycle,
    ...(state.bookmark ? { bookmark: state.bookmark } : {}),
    ...(state.nextDueAtMs !== undefined && !state.paused
      ? { nextDueAt: new Date(state.nextDueAtMs).toISOString() }
      : {}),
    ...(running ? { running: { cycle: running.cycle, startedAt: new Date(running.startedAtMs).toISOString() } } : {}),
    ...(state.lastCycle ? { lastCycle: state.lastCycle } : {}),
    totals: { ...state.totals },
  }));

  if (!run.state) {
    upsertSearchAttributes([
      { key: SearchAttributes.object, value: input.object },
      { key: SearchAttributes.operation, value: SYNC_OPERATION },
      { key: SearchAttributes.state, value: BulkflowState.Processing },
    ]);
  }

  await waitUntilDue(state);
  state.runNow = false;
  const retry = state.retry;
  const attemptStartedMs = Date.now();
  // A retried cycle keeps its first start: its folder's date, so it writes the same names.
  running = { cycle: retry?.cycle ?? state.nextCycle, startedAtMs: retry?.startedAtMs ?? attemptStartedMs };
  const from = state.bookmark;
  const report = await runCycle(input, running, from, retry?.attempt ?? 1);
  state.lastCycle = report;
  if (report.state === 'Completed') {
    state.totals.completed++;
    state.totals.changed += report.counts.changed;
    state.totals.deleted += report.counts.deleted;
    delete state.retry;
    state.nextCycle = running.cycle + 1;
    if (!resetDuringCycle && report.to) state.bookmark = report.to;
  } else {
    state.totals.failed++;
    if (!resetDuringCycle) state.retry = { ...running, attempt: (retry?.attempt ?? 1) + 1 };
    else state.nextCycle = running.cycle + 1;
  }
  // From this attempt's start, not the cycle's first: a failing cycle waits its interval before the next try.
  state.nextDueAtMs = nextDueMs(input.timing, attemptStartedMs, Date.now());
  running = undefined;
  await condition(allHandlersFinished);
  return continueAsNew<typeof incrementalSyncWorkflow>({ ...input, state } as SyncRunInput);
}

/** Refuses an input no cycle could run, before anything runs. */
function checkInput(input: IncrementalSyncInput): void {
  try {
    checkSyncInput(input);
  } catch (err) {
    throw ApplicationFailure.nonRetryable((err as Error).message, failureTypeOf(ErrorCode.InvalidInput));
  }
}

/** Waits, on durable timers, until a cycle is due: its time has come (not paused), or `runSyncNow`. */
async function waitUntilDue(state: SyncState): Promise<void> {
  const due = () => state.runNow || (!state.paused && Date.now() >= (state.nextDueAtMs ?? 0));
  while (!due()) {
    if (state.paused) await condition(() => state.runNow || !state.paused);
    else await condition(() => state.runNow || state.paused, Math.max((state.nextDueAtMs ?? 0) - Date.now(), 1));
  }
}

/** One cycle: the query as a child, then the files; a failure is reported, and the cycle runs again next time. */
async function runCycle(
  input: IncrementalSyncInput,
  cycle: { cycle: number; startedAtMs: number },
  from: SyncBookmark | undefined,
  attempt: number,
): Promise<SyncCycleReport> {
  const startedAt = new Date(cycle.startedAtMs).toISOString();
  const folder = cycleFolder(input.to, input.object, cycle.cycle, cycle.startedAtMs);
  const base = { cycle: cycle.cycle, startedAt, ...(from ? { from } : {}) };
  let jobId: string | undefined;
  try {
    const query = await executeChild(bulkQueryWorkflow, {
      workflowId: `${workflowInfo().workflowId}/cycle-${cycle.cycle}${attempt > 1 ? `-attempt-${attempt}` : ''}`,
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      args: [
        {
          soql: syncSoql({
            object: input.object,
            fields: input.fields,
            ...(from ? { bookmark: from } : {}),
            ...(input.lookbackMs ? { lookbackMs: input.lookbackMs } : {}),
          }),
          operation: 'queryAll',
          api: '2.0',
          ...(input.pollPolicy ? { pollPolicy: input.pollPolicy } : {}),
          ...(input.activityTimeouts ? { activityTimeouts: input.activityTimeouts } : {}),
        },
      ],
    });
    jobId = query.jobs[0]?.id;
    const records = query.results.records;
    if (query.state !== BulkflowState.Completed || !records || !jobId) {
      throw new Error(query.failureMessage ?? `the cycle's query ended ${query.state}`);
    }
    const written = await activityProxies(input.activityTimeouts).streams.writeSyncCycle({
      recordsUrl: records.url,
      jobId,
      folder,
      maxRowsPerFile: input.maxRowsPerFile ?? DEFAULT_MAX_ROWS_PER_FILE,
      object: input.object,
      cycle: cycle.cycle,
      startedAt,
      ...(from ? { from } : {}),
    });
    // With a lookback the window may end before the bookmark: it never moves back.
    const to = written.last && (!from || compareBookmarks(written.last, from) > 0) ? written.last : from;
    return {
      ...base,
      state: 'Completed',
      endedAt: new Date(Date.now()).toISOString(),
      ...(to ? { to } : {}),
      counts: written.counts,
      folder,
      files: written.files,
      jobId,
    };
  } catch (err) {
    if (isCancellation(err)) throw err;
    return {
      ...base,
      state: 'Failed',
      endedAt: new Date(Date.now()).toISOString(),
      counts: { changed: 0, deleted: 0, deferred: 0 },
      files: [],
      ...(jobId ? { jobId } : {}),
      failureMessage: rootMessage(err),
    };
  }
}

/** The message of a failure's root cause: a child's activity failure wraps Salesforce's own error twice. */
function rootMessage(err: unknown): string {
  let current = err as { message?: string; cause?: unknown };
  while (current.cause && typeof current.cause === 'object') current = current.cause;
  return current.message ?? String(err);
}
