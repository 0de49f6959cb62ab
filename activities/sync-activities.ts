/**
 * The incremental export's own step: one cycle's query result (staged by `bulkQueryWorkflow`) written to the
 * sync's destination as deterministic files (`storage/sync-files.ts`). Salesforce's clock for the window's end
 * comes from the query job's creation time, one call.
 */
import type { SalesforceClient } from '../salesforce/index.js';
import type { StagingStore } from '../storage/staging-store.js';
import { writeSyncCycle, type SyncCycleWritten } from '../storage/sync-files.js';
import { stampMs, type SyncBookmark } from '../common/sync-window.js';

/** One cycle to write. */
export interface WriteSyncCycleRequest {
  /** The staged query result (`bulkQueryWorkflow`'s `results.records.url`). */
  recordsUrl: string;
  /** The Bulk 2.0 query job that produced it. */
  jobId: string;
  /** The cycle's folder at the destination. */
  folder: string;
  maxRowsPerFile: number;
  object: string;
  cycle: number;
  startedAt: string;
  from?: SyncBookmark;
}

export type { SyncCycleWritten };

export function createSyncActivities({ salesforce, staging }: { salesforce: SalesforceClient; staging: StagingStore }) {
  return {
    /** Writes the cycle's files and manifest; a retry writes the same names over an interrupted attempt's. */
    async writeSyncCycle(req: WriteSyncCycleRequest): Promise<SyncCycleWritten> {
      const job = await salesforce.bulk2Query.getJob(req.jobId);
      const cutoffMs = stampMs(job.createdDate);
      return writeSyncCycle(staging.openRead(req.recordsUrl), {
        folder: req.folder,
        maxRowsPerFile: req.maxRowsPerFile,
        cutoffMs,
        manifest: {
          object: req.object,
          cycle: req.cycle,
          startedAt: req.startedAt,
          queryJobId: req.jobId,
          windowEnd: new Date(Math.floor(cutoffMs / 1000) * 1000).toISOString(),
          ...(req.from ? { from: req.from } : {}),
        },
      });
    },
  };
}
