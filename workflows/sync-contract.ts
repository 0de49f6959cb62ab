/**
 * The public contract of `incrementalSyncWorkflow`: its input, the signals and update that steer it, and the
 * query that shows where it stands. Services, the CLI and operators' tools depend on these names.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { SyncBookmark, SyncTiming } from '../common/sync-window.js';
import type { ActivityTimeouts, PollPolicy } from './contract.js';

export type { SyncBookmark, SyncTiming };

/** Input of `incrementalSyncWorkflow`: what to export, where to, and when. No secrets: it is in history. */
export interface IncrementalSyncInput {
  /** The sObject, e.g. `Contact`. */
  object: string;
  /** Fields to export; `Id`, `SystemModstamp` and `IsDeleted` are always added. */
  fields: string[];
  /** Where cycles write their files: `s3://bucket/prefix` or `file:///folder`. */
  to: string;
  /** When cycles run: `{ everyMs }` or `{ cron }` (five fields, UTC). The first cycle runs at once. */
  timing: SyncTiming;
  /**
   * Read this much before the bookmark again, for changes whose transaction committed after a later stamp was
   * exported (those rows may then be in two cycles' files). @default 0
   */
  lookbackMs?: number;
  /** Rows per output file; a cycle's window takes as many files as it needs. @default 500000 */
  maxRowsPerFile?: number;
  /** Start from this bookmark instead of a full export. */
  bookmark?: SyncBookmark;
  pollPolicy?: PollPolicy;
  activityTimeouts?: ActivityTimeouts;
}

/** The counts of one cycle. */
export interface SyncCycleCounts {
  /** Live records changed in the window (inserted or updated), in `changes-*.csv`. */
  changed: number;
  /** Deleted records in the window, as tombstones in `deletes-*.csv`. */
  deleted: number;
  /** Rows stamped in the second the query started: left to the next cycle, whose window they fall in. */
  deferred: number;
}

/** One cycle, as the status query reports it. */
export interface SyncCycleReport {
  cycle: number;
  state: 'Completed' | 'Failed';
  startedAt: string;
  endedAt: string;
  /** The bookmark the window started after; absent for a full export. */
  from?: SyncBookmark;
  /** The bookmark after the cycle. */
  to?: SyncBookmark;
  counts: SyncCycleCounts;
  /** The folder of the cycle's files and its manifest. */
  folder?: string;
  files: Array<{ url: string; rows: number; kind: 'changes' | 'deletes' }>;
  /** The Salesforce query job. */
  jobId?: string;
  /** Why a failed cycle failed; the next one covers its window again. */
  failureMessage?: string;
}

/** What {@link syncStatusQuery} answers. */
export interface SyncStatus {
  object: string;
  paused: boolean;
  /** The number the next cycle gets (cycles count from 1). */
  nextCycle: number;
  /** Absent before the first cycle completes, and after a reset to a full export. */
  bookmark?: SyncBookmark;
  /** When the next cycle is due (ISO 8601), unless paused. */
  nextDueAt?: string;
  /** The cycle in flight, if any. */
  running?: { cycle: number; startedAt: string };
  lastCycle?: SyncCycleReport;
  /** Cycles completed and failed since the sync started. */
  totals: { completed: number; failed: number; changed: number; deleted: number };
}

/** Pause: no cycle starts until `resume` (a cycle in flight finishes). `runNow` still runs one. */
export const pauseSyncSignal = defineSignal('pauseSync');
/** Resume after `pause`; a cycle that fell due meanwhile runs at once. */
export const resumeSyncSignal = defineSignal('resumeSync');
/** Run a cycle now, outside the timing (after the one in flight, if any). */
export const runSyncNowSignal = defineSignal('runSyncNow');
/**
 * Replace the bookmark: `{}` for a full export at the next cycle, or a bookmark to start after. Answers the
 * bookmark it replaced. A cycle in flight does not move the new bookmark when it ends.
 */
export const resetSyncBookmarkUpdate = defineUpdate<{ previous?: SyncBookmark }, [{ bookmark?: SyncBookmark }]>(
  'resetSyncBookmark',
);
/** Query `syncStatus`: the bookmark, the next cycle, the last cycle and its counts, from workflow memory. */
export const syncStatusQuery = defineQuery<SyncStatus>('syncStatus');
