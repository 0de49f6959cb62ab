/**
 * Bulk API v1 ingest activities: one job, one batch per staged unit (≤10,000 rows, ≤10 MB), results
 * matched to input rows by position and written in the same three files as Bulk 2.0's.
 */
import { createHash } from 'node:crypto';
import { activityInfo, log } from '@temporalio/activity';
import { heartbeat } from './keep-alive.js';
import {
  Bulk1ContentType,
  type Bulk1BatchInfo,
  type Bulk1JobInfo,
  type SalesforceClient,
} from '../salesforce/index.js';
import { isBulk1JobDone } from '../salesforce/bulk1/types.js';
import { readCsvRows } from '../csv/csv.js';
import { StagingKeys } from '../common/staging-keys.js';
import { recordJob } from '../storage/run-ledger.js';
import type { StagingStore } from '../storage/staging-store.js';
import { apiUsageOf } from './api-usage.js';
import { openCsvSink } from './csv-sink.js';
import type { ApiUsageSnapshot, CreateIngestJobParams, IngestJobResults, ResultFileRef, StagedUnit } from './types.js';

export interface V1JobStatus {
  jobId: string;
  /** The v1 job state: Open, Closed, Aborted, Failed. */
  state: string;
  recordsProcessed: number;
  recordsFailed: number;
  /** Every batch has ended (Completed, Failed or NotProcessed) and the job is no longer Open. */
  done: boolean;
  apiUsage?: ApiUsageSnapshot;
}

function toStatus(job: Bulk1JobInfo, batches: Bulk1BatchInfo[]): V1JobStatus {
  return {
    jobId: job.id,
    state: job.state,
    recordsProcessed: job.numberRecordsProcessed,
    recordsFailed: job.numberRecordsFailed,
    done: isBulk1JobDone(job, batches),
  };
}

export function createIngestV1Activities({
  salesforce,
  staging,
}: {
  salesforce: SalesforceClient;
  staging: StagingStore;
}) {
  const v1 = salesforce.bulk1;

  async function status(jobId: string): Promise<V1JobStatus> {
    return toStatus(await v1.getJob(jobId), await v1.listBatches(jobId));
  }

  /** The batch whose original request (`/request`) has the unit's SHA-256: the unit, added before. */
  async function batchOf(jobId: string, unit: StagedUnit): Promise<string | undefined> {
    for (const batch of await v1.listBatches(jobId)) {
      const hash = createHash('sha256');
      for await (const chunk of await v1.openBatchRequest(jobId, batch.id)) hash.update(chunk as Buffer);
      if (hash.digest('hex') === unit.sha256) return batch.id;
    }
    return undefined;
  }

  return {
    /** Creates the v1 job, or adopts the one an earlier attempt created (its id is heartbeated at once). */
    async createV1IngestJob(params: CreateIngestJobParams): Promise<V1JobStatus> {
      const earlier = (activityInfo().heartbeatDetails as { jobId?: string } | undefined)?.jobId;
      if (earlier) {
        await recordJob(staging, params, earlier, '1.0');
        return status(earlier);
      }
      const job = await v1.createJob({
        object: params.object,
        operation: params.operation,
        contentType: Bulk1ContentType.CSV,
        ...(params.externalIdFieldName ? { externalIdFieldName: params.externalIdFieldName } : {}),
        ...(params.assignmentRuleId ? { assignmentRuleId: params.assignmentRuleId } : {}),
        ...(params.concurrencyMode ? { concurrencyMode: params.concurrencyMode } : {}),
      });
      heartbeat({ jobId: job.id });
      await recordJob(staging, params, job.id, '1.0');
      return toStatus(job, []);
    },

    /**
     * Adds one unit as a batch, exactly once: a retry first looks for a batch whose original request
     * (`/request`) has the unit's SHA-256, which is the batch a dead attempt created.
     */
    async addV1Batch({ jobId, unit }: { jobId: string; unit: StagedUnit }): Promise<{ batchId: string }> {
      if (activityInfo().attempt > 1) {
        const earlier = await batchOf(jobId, unit);
        if (earlier) {
          log.info('adopting the batch an earlier attempt created', { jobId, batchId: earlier });
          return { batchId: earlier };
        }
      }
      const batch = await v1.addBatch(jobId, () => staging.openRead(unit.url));
      return { batchId: batch.id };
    },

    /** The batch holding `unit`, if any: after an abort cancelled its add, it may or may not have arrived. */
    async findV1Batch({ jobId, unit }: { jobId: string; unit: StagedUnit }): Promise<{ batchId?: string }> {
      const batchId = await batchOf(jobId, unit);
      return batchId ? { batchId } : {};
    },

    async closeV1Job({ jobId }: { jobId: string }): Promise<V1JobStatus> {
      const job = await v1.getJob(jobId);
      if (job.state === 'Open') await v1.closeJob(jobId);
      return status(jobId);
    },

    async getV1JobStatus({ jobId }: { jobId: string }): Promise<V1JobStatus> {
      return { ...(await status(jobId)), ...apiUsageOf(salesforce) };
    },

    async abortV1Job({ jobId }: { jobId: string }): Promise<V1JobStatus> {
      const job = await v1.getJob(jobId);
      if (job.state === 'Open' || job.state === 'Closed') await v1.abortJob(jobId);
      return status(jobId);
    },

    /**
     * Matches a finished batch's results to its unit's rows by position and writes successful
     * (`sf__Id`, `sf__Created`), failed (`sf__Id`, `sf__Error`) and unprocessed rows, each with the
     * input columns. Rewriting the three files is idempotent, so a retry simply starts over.
     */
    async downloadV1BatchResults(req: {
      jobId: string;
      batchId: string;
      unit: StagedUnit;
      stagingPrefix: string;
    }): Promise<IngestJobResults> {
      const batch = await v1.getBatch(req.jobId, req.batchId);
      const rows = readCsvRows(staging.openRead(req.unit.url));
      const header = (await rows.next()).value as string[];
      const key = (kind: string) => StagingKeys.batchResults(req.stagingPrefix, req.jobId, req.batchId, kind);
      const out = {
        successful: openCsv(staging, key('successfulResults'), ['sf__Id', 'sf__Created', ...header]),
        failed: openCsv(staging, key('failedResults'), ['sf__Id', 'sf__Error', ...header]),
        unprocessed: openCsv(staging, key('unprocessedrecords'), header),
      };
      for await (const o of v1.batchOutcomes(req.jobId, batch, rows)) {
        if (o.status === 'success')
          await out.successful.write([o.result.id ?? '', String(o.result.created), ...o.input]);
        else if (o.status === 'failed') await out.failed.write([o.result.id ?? '', o.result.error, ...o.input]);
        else await out.unprocessed.write(o.input);
        if (o.index % 1000 === 0) heartbeat({ row: o.index });
      }
      return {
        successful: await out.successful.close(),
        failed: await out.failed.close(),
        unprocessed: await out.unprocessed.close(),
      };
    },
  };
}

export type IngestV1Activities = ReturnType<typeof createIngestV1Activities>;

/** A result file: rows are counted; the checksum is for upload units, not results. */
function openCsv(staging: StagingStore, key: string, header: string[]) {
  const sink = openCsvSink(staging, key, header);
  return {
    write: (values: string[]) => sink.write(values),
    close: async (): Promise<ResultFileRef> => {
      const { url, rows } = await sink.close();
      return { url, rows };
    },
  };
}
