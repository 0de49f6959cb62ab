/**
 * Cleaning up orphaned ingest jobs: jobs left `Open` with no data. bulkflow can leave one in a single
 * window: Salesforce creates a job, and the worker dies before the job id reaches Temporal (see
 * CONTRIBUTING, "orphaned jobs"). A retry then creates another job, which receives the data; the
 * first stays Open and empty. Any job still Open long after creation is abandoned, whoever made it.
 */
import type { SalesforceClient } from '../client.js';

/** Which Open jobs a sweep aborts. */
export interface SweepOptions {
  /** Abort Open jobs created more than this long ago. */
  olderThanMs: number;
  /** List what would be aborted without aborting it. @default false */
  dryRun?: boolean;
  /** @default Date.now() */
  now?: number;
}

/** A job the sweep aborted (or would have, in a dry run). */
export interface SweptJob {
  id: string;
  object: string;
  operation: string;
  createdDate: string;
  aborted: boolean;
}

/**
 * Aborts Bulk 2.0 ingest jobs left `Open` longer than the threshold: jobs whose creator died before uploading
 * (see CONTRIBUTING, "Orphaned jobs"). An Open job never processes anything, so aborting it loses no data.
 */
export async function sweepOrphanedIngestJobs(sf: SalesforceClient, options: SweepOptions): Promise<SweptJob[]> {
  const cutoff = (options.now ?? Date.now()) - options.olderThanMs;
  const swept: SweptJob[] = [];
  for await (const job of sf.bulk2Ingest.listAllJobs({ jobType: 'V2Ingest' })) {
    if (job.state !== 'Open' || Date.parse(job.createdDate) > cutoff) continue;
    if (!options.dryRun) await sf.bulk2Ingest.abortJob(job.id);
    swept.push({
      id: job.id,
      object: job.object,
      operation: job.operation,
      createdDate: job.createdDate,
      aborted: !options.dryRun,
    });
  }
  return swept;
}
