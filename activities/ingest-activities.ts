/**
 * Bulk 2.0 ingest activities. Each is thin: it calls the Salesforce client, heartbeats while it
 * streams, and returns references and counts.
 */
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { heartbeat, log } from '@temporalio/activity';
import {
  BULK2_UPLOAD_LIMITS,
  countCsvRecords,
  IngestResultKind,
  SalesforceResultMismatchError,
  splitCsv,
  type SalesforceClient,
  type UploadLimits,
} from '../salesforce/index.js';
import { openSource } from './sources.js';
import type { StagingStore } from './staging.js';
import type {
  CreateIngestJobParams,
  DownloadIngestResultsRequest,
  IngestJobResults,
  IngestJobStatus,
  ResultFileRef,
  StagedInput,
  StageIngestInputRequest,
} from './types.js';

export interface IngestActivityDeps {
  salesforce: SalesforceClient;
  staging: StagingStore;
  /** Upload unit limits. @default BULK2_UPLOAD_LIMITS */
  uploadLimits?: UploadLimits;
}

export function createIngestActivities({
  salesforce,
  staging,
  uploadLimits = BULK2_UPLOAD_LIMITS,
}: IngestActivityDeps) {
  const ingest = salesforce.bulk2Ingest;

  return {
    /** Reads the input once, checks its shape, and writes upload units to the staging store. */
    async stageIngestInput({ sourceUrl, stagingPrefix }: StageIngestInputRequest): Promise<StagedInput> {
      const source = await openSource(sourceUrl);
      const unitKey = (i: number) => `${stagingPrefix}/input/unit-${String(i + 1).padStart(4, '0')}.csv`;
      const split = await splitCsv(source, {
        limits: uploadLimits,
        openUnit: (i) => staging.openWrite(unitKey(i)),
        onProgress: (rows) => heartbeat({ rows }),
      });
      log.info('staged ingest input', { rows: split.totalRows, units: split.units.length });
      return {
        columns: split.columns,
        totalRows: split.totalRows,
        units: split.units.map((u) => ({ ...u, url: staging.urlFor(unitKey(u.index)) })),
      };
    },

    async createIngestJob(params: CreateIngestJobParams): Promise<IngestJobStatus> {
      const job = await ingest.createJob({
        object: params.object,
        operation: params.operation,
        ...(params.externalIdFieldName ? { externalIdFieldName: params.externalIdFieldName } : {}),
      });
      log.info('created Salesforce ingest job', { jobId: job.id });
      return { jobId: job.id, state: job.state, recordsProcessed: 0, recordsFailed: 0 };
    },

    async uploadIngestData({ jobId, unitUrl }: { jobId: string; unitUrl: string }): Promise<void> {
      await ingest.upload(jobId, () => staging.openRead(unitUrl));
    },

    async closeIngestJob({ jobId }: { jobId: string }): Promise<IngestJobStatus> {
      return toStatus(await ingest.closeJob(jobId));
    },

    async getIngestJobStatus({ jobId }: { jobId: string }): Promise<IngestJobStatus> {
      return toStatus(await ingest.getJob(jobId));
    },

    /** Aborts the job unless it already ended; returns its state either way. */
    async abortIngestJob({ jobId }: { jobId: string }): Promise<IngestJobStatus> {
      const current = await ingest.getJob(jobId);
      if (current.state === 'JobComplete' || current.state === 'Failed' || current.state === 'Aborted') {
        return toStatus(current);
      }
      await ingest.abortJob(jobId);
      return toStatus(await ingest.getJob(jobId));
    },

    /** Streams the three result sets to staging and checks that they account for every row. */
    async downloadIngestResults(req: DownloadIngestResultsRequest): Promise<IngestJobResults> {
      const fetchOne = async (kind: IngestResultKind): Promise<ResultFileRef> => {
        const key = `${req.stagingPrefix}/results/${req.jobId}/${kind}.csv`;
        const rows = await saveAndCount(await ingest.openResults(req.jobId, kind), staging.openWrite(key));
        heartbeat({ kind, rows });
        return { url: staging.urlFor(key), rows };
      };
      const successful = await fetchOne(IngestResultKind.Successful);
      const failed = await fetchOne(IngestResultKind.Failed);
      const unprocessed = await fetchOne(IngestResultKind.Unprocessed);
      const total = successful.rows + failed.rows + unprocessed.rows;
      if (total !== req.expectedRows) {
        throw new SalesforceResultMismatchError(
          `Job ${req.jobId}: results account for ${total} rows (${successful.rows} successful, ${failed.rows} failed, ` +
            `${unprocessed.rows} unprocessed) but ${req.expectedRows} were uploaded`,
        );
      }
      return { successful, failed, unprocessed };
    },
  };
}

export type IngestActivities = ReturnType<typeof createIngestActivities>;

function toStatus(job: {
  id: string;
  state: IngestJobStatus['state'];
  numberRecordsProcessed?: number;
  numberRecordsFailed?: number;
  errorMessage?: string;
}): IngestJobStatus {
  return {
    jobId: job.id,
    state: job.state,
    recordsProcessed: job.numberRecordsProcessed ?? 0,
    recordsFailed: job.numberRecordsFailed ?? 0,
    ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
  };
}

/** Writes a stream to `sink` while counting its CSV records, in one pass. */
async function saveAndCount(body: Readable, sink: NodeJS.WritableStream): Promise<number> {
  const copy = new PassThrough();
  body.pipe(copy);
  const [, rows] = await Promise.all([pipeline(body, sink), countCsvRecords(copy)]);
  return rows;
}
