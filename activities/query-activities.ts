/**
 * Bulk query activities (Bulk 2.0, and v1 with PK chunking): create, status, abort, and the download of the
 * results as parts (`storage/query-download.ts`), heartbeated part by part so a retry fetches only what it lacks,
 * then joined into one CSV (`csv/join.ts`).
 */
import { activityInfo, log } from '@temporalio/activity';
import { InputError, ResultMismatchError } from '../common/errors.js';
import { extensionOf, QueryFormat, splitFileName } from '../common/query-output.js';
import type { ResultFileRef } from '../common/result-files.js';
import { StagingKeys } from '../common/staging-keys.js';
import { isBulk2Terminal, type BulkApi } from '../common/wire-values.js';
import { joinCsvParts } from '../csv/join.js';
import { writeQueryRecords } from '../csv/query-records.js';
import { isBulk1JobDone } from '../salesforce/bulk1/types.js';
import { Bulk1ContentType, type SalesforceClient } from '../salesforce/index.js';
import { openDestination } from '../storage/destinations.js';
import { downloadQueryParts, type QueryDownload, type QueryDownloadProgress } from '../storage/query-download.js';
import type { StagingStore } from '../storage/staging-store.js';
import { onExpiredJob } from './job-expiry.js';
import { atJobVersion } from './job-version.js';
import { heartbeat } from './keep-alive.js';
import type { JobCall } from './types.js';

export interface QueryJobRequest {
  soql: string;
  operation: 'query' | 'queryAll';
  api: BulkApi;
  /** Bulk v1 only: split the query by Id ranges of this many records. */
  pkChunking?: { chunkSize?: number; startRow?: string };
}

export interface QueryJobStatus {
  jobId: string;
  api: BulkApi;
  /**
   * The API version the job was created with; set by the create step, which the workflow keeps it from. A 2.0
   * query's results answer 409 at any other version.
   */
  apiVersion?: string;
  state: string;
  recordsProcessed: number;
  /** Salesforce has finished (successfully or not). */
  done: boolean;
  /** When it ended, by Salesforce (its systemModstamp once done). */
  endedAt?: string;
  /** Why the job failed, when it did. */
  errorMessage?: string;
}

/** Which parts to write, where, and how. */
export interface JoinQueryRequest {
  parts: ResultFileRef[];
  stagingPrefix: string;
  /** A `file://` or `s3://` URL; the staging store otherwise. */
  destinationUrl?: string;
  /** @default 'csv' */
  format?: QueryFormat;
  /** Records per file, the files then named by index; one file when absent. */
  splitRows?: number;
}

/** Where a query's records went: the file (the first, when split) and every file of a split. */
export interface QueryOutput extends ResultFileRef {
  files?: ResultFileRef[];
}

/** Which query's results to download, and how. */
export type DownloadQueryRequest = QueryDownload & Pick<JobCall, 'seen'>;

function objectOf(soql: string): string {
  const match = /\bfrom\s+([A-Za-z0-9_]+)/i.exec(soql);
  if (!match?.[1]) throw new InputError('The query has no FROM clause naming an object.');
  return match[1];
}

export function createQueryActivities({
  salesforce,
  staging,
}: {
  salesforce: SalesforceClient;
  staging: StagingStore;
}) {
  const at = (apiVersion: string | undefined) => atJobVersion(salesforce, apiVersion);

  async function v1Status(jobId: string, apiVersion: string | undefined): Promise<QueryJobStatus> {
    const v1 = at(apiVersion).bulk1;
    const job = await v1.getJob(jobId);
    const batches = await v1.listBatches(jobId);
    const failed = batches.find((b) => b.state === 'Failed');
    const done = isBulk1JobDone(job, batches);
    return {
      jobId,
      api: '1.0',
      state: failed ? 'Failed' : job.state,
      recordsProcessed: job.numberRecordsProcessed,
      done,
      ...(done && job.systemModstamp ? { endedAt: job.systemModstamp } : {}),
      ...(failed?.stateMessage ? { errorMessage: failed.stateMessage } : {}),
    };
  }

  async function v2Status(jobId: string, apiVersion: string | undefined): Promise<QueryJobStatus> {
    const job = await at(apiVersion).bulk2Query.getJob(jobId);
    return {
      jobId,
      api: '2.0',
      state: job.state,
      recordsProcessed: job.numberRecordsProcessed ?? 0,
      done: isBulk2Terminal(job.state),
      ...(isBulk2Terminal(job.state) && job.systemModstamp ? { endedAt: job.systemModstamp } : {}),
      ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
    };
  }

  return {
    /**
     * Creates the query job at the worker's API version (v1: job, the one query batch, close), adopting what an
     * earlier attempt created: the job id and its version are heartbeated the moment Salesforce answers. Returns
     * the version, which every later call on the job uses.
     */
    async createQueryJob(req: QueryJobRequest): Promise<QueryJobStatus> {
      const earlier = activityInfo().heartbeatDetails as { jobId?: string; apiVersion?: string } | undefined;
      const apiVersion = (earlier?.jobId ? earlier.apiVersion : undefined) ?? salesforce.apiVersion;
      const withVersion = (status: QueryJobStatus): QueryJobStatus => ({ ...status, apiVersion });
      if (req.api === '2.0') {
        if (earlier?.jobId) return withVersion(await v2Status(earlier.jobId, apiVersion));
        const job = await salesforce.bulk2Query.createJob({ query: req.soql, operation: req.operation });
        heartbeat({ jobId: job.id, apiVersion });
        return withVersion(await v2Status(job.id, apiVersion));
      }
      const v1 = at(apiVersion).bulk1;
      let jobId = earlier?.jobId;
      if (!jobId) {
        const job = await v1.createJob({
          operation: req.operation,
          object: objectOf(req.soql),
          contentType: Bulk1ContentType.CSV,
          ...(req.pkChunking ? { pkChunking: req.pkChunking } : {}),
        });
        jobId = job.id;
        heartbeat({ jobId, apiVersion });
      }
      if ((await v1.listBatches(jobId)).length === 0) await v1.addQueryBatch(jobId, req.soql);
      if ((await v1.getJob(jobId)).state === 'Open') await v1.closeJob(jobId);
      return withVersion(await v1Status(jobId, apiVersion));
    },

    async getQueryJobStatus({ jobId, api, apiVersion, seen }: JobCall & { api: BulkApi }): Promise<QueryJobStatus> {
      return onExpiredJob(jobId, seen, () =>
        api === '2.0' ? v2Status(jobId, apiVersion) : v1Status(jobId, apiVersion),
      );
    },

    async abortQueryJob({ jobId, api, apiVersion }: JobCall & { api: BulkApi }): Promise<QueryJobStatus> {
      const statusOf = () => (api === '2.0' ? v2Status(jobId, apiVersion) : v1Status(jobId, apiVersion));
      const status = await statusOf();
      if (status.done) return status;
      if (api === '2.0') await at(apiVersion).bulk2Query.abortJob(jobId);
      else await at(apiVersion).bulk1.abortJob(jobId);
      return statusOf();
    },

    /** Downloads every page (2.0) or result file (v1) as a part, resuming after the last finished one. */
    async downloadQueryParts(req: DownloadQueryRequest): Promise<ResultFileRef[]> {
      const progress: QueryDownloadProgress = {
        parts: [],
        ...(activityInfo().heartbeatDetails as QueryDownloadProgress | undefined),
      };
      const resumed = progress.parts.length + (progress.pages?.length ?? 0);
      if (resumed > 0) log.info('resuming a query download', { parts: resumed });
      return onExpiredJob(req.jobId, req.seen, () =>
        downloadQueryParts(at(req.apiVersion), staging, req, progress, (saved) => heartbeat(saved)),
      );
    },

    /**
     * Joins parts into one CSV (the first part's header, then every part's rows) at `destinationUrl` (a `file://`
     * or `s3://` URL) or in staging; or, with `format: 'jsonl'` or `splitRows`, writes them in that format and
     * split into files named by index (`splitFileName`). Rewrites every file whole, so a retry is harmless.
     */
    async joinQueryParts(req: JoinQueryRequest): Promise<QueryOutput> {
      const parts = req.parts.map((part) => () => staging.openRead(part.url));
      const rows = req.parts.reduce((n, p) => n + p.rows, 0);
      const onPart = (index: number) => heartbeat({ joined: req.parts[index]?.url });
      const format = req.format ?? QueryFormat.Csv;
      if (format === QueryFormat.Csv && req.splitRows === undefined) {
        const key = StagingKeys.queryResult(req.stagingPrefix);
        const sink = req.destinationUrl ? openDestination(req.destinationUrl) : staging.openWrite(key);
        await joinCsvParts(parts, sink, onPart);
        return { url: req.destinationUrl ?? staging.urlFor(key), rows };
      }
      const split = req.splitRows !== undefined;
      const extension = extensionOf(format);
      const urlOf = (index: number) => {
        if (req.destinationUrl) return split ? splitFileName(req.destinationUrl, index) : req.destinationUrl;
        return staging.urlFor(StagingKeys.queryOutput(req.stagingPrefix, extension, split ? index : undefined));
      };
      const open = (index: number) =>
        req.destinationUrl
          ? openDestination(urlOf(index))
          : staging.openWrite(StagingKeys.queryOutput(req.stagingPrefix, extension, split ? index : undefined));
      const counts = await writeQueryRecords(
        parts,
        open,
        { format, ...(split ? { splitRows: req.splitRows } : {}) },
        onPart,
      );
      const written = counts.reduce((n, c) => n + c, 0);
      if (written !== rows) {
        throw new ResultMismatchError(`The query's parts hold ${rows} records, but ${written} were written`);
      }
      const files = counts.map((count, index) => ({ url: urlOf(index), rows: count }));
      return split ? { url: files[0]?.url ?? urlOf(0), rows, files } : { url: urlOf(0), rows };
    },
  };
}

export type QueryActivities = ReturnType<typeof createQueryActivities>;
