/**
 * Cleaning up orphaned ingest jobs: jobs bulkflow created that were left `Open` with no data. bulkflow can leave
 * one in a single window: Salesforce creates a job, and the worker dies before the job id reaches Temporal (see
 * CONTRIBUTING, "orphaned jobs"). A retry then creates another job, which receives the data; the first stays Open
 * and empty. The same holds for a Bulk v1 job, which then stays Open without batches.
 *
 * Only bulkflow's own jobs are touched: the caller names them (`ownJobs`, from the job records every create writes
 * to the staging store the moment Salesforce answers, `storage/run-ledger.ts`). Jobs of other tools and people in
 * the org, Open or not, are never aborted, however old.
 */
import type { SalesforceClient } from '../client.js';
import type { BulkApi } from '../../common/wire-values.js';

/** A job bulkflow created, as its record says. */
export interface OwnJob {
  /** The API version it was created with; calls on it use that version. */
  apiVersion?: string;
}

/** Which Open jobs a sweep aborts. */
export interface SweepOptions {
  /** Abort Open jobs created more than this long ago. */
  olderThanMs: number;
  /**
   * The jobs bulkflow created, by id (the staging store's job records: `recordedJobIndex`). Jobs not in it are
   * left alone, whoever made them.
   */
  ownJobs: ReadonlyMap<string, OwnJob>;
  /** List what would be aborted without aborting it. @default false */
  dryRun?: boolean;
  /** @default Date.now() */
  now?: number;
}

/** A job the sweep aborted (or would have, in a dry run). */
export interface SweptJob {
  id: string;
  /** `2.0` for a Bulk 2.0 ingest job, `1.0` for a Bulk v1 job. */
  api: BulkApi;
  object: string;
  operation: string;
  createdDate: string;
  aborted: boolean;
}

/**
 * Aborts bulkflow's ingest jobs left `Open` longer than the threshold: Bulk 2.0 jobs (an Open one holds no
 * processed data) and Bulk v1 jobs without batches (a v1 job that has batches is being fed, or was by a run whose
 * rerun reads what it loaded). Aborting them loses no data. Jobs not in `ownJobs` are never touched.
 */
export async function sweepOrphanedIngestJobs(sf: SalesforceClient, options: SweepOptions): Promise<SweptJob[]> {
  const cutoff = (options.now ?? Date.now()) - options.olderThanMs;
  const swept: SweptJob[] = [];
  // The ingest list holds Bulk 2.0 ingest jobs and every v1 job (`jobType: Classic`), as Salesforce documents.
  for await (const job of sf.bulk2Ingest.listAllJobs()) {
    const own = options.ownJobs.get(job.id);
    if (!own || job.state !== 'Open' || Date.parse(job.createdDate) > cutoff) continue;
    const at = own.apiVersion ? sf.atVersion(own.apiVersion) : sf;
    const api: BulkApi = (job as { jobType?: string }).jobType === 'Classic' ? '1.0' : '2.0';
    if (api === '1.0' && (await at.bulk1.getJob(job.id)).numberBatchesTotal > 0) continue;
    if (!options.dryRun) {
      if (api === '1.0') await at.bulk1.abortJob(job.id);
      else await at.bulk2Ingest.abortJob(job.id);
    }
    swept.push({
      id: job.id,
      api,
      object: job.object,
      operation: job.operation,
      createdDate: job.createdDate,
      aborted: !options.dryRun,
    });
  }
  return swept;
}
