/**
 * Bulk query activities (Bulk 2.0, and v1 with PK chunking). Results are downloaded as parts (one per
 * 2.0 page or v1 result file) and heartbeated part by part, so a retry after a crash fetches only the parts
 * it lacks; a last step joins the parts into one CSV.
 *
 * Bulk 2.0 pages come from `resultPages` (API 58.0+), a few at a time in parallel, so that Salesforce writing
 * one page overlaps with this worker saving the one before; with an explicit page size (`maxRecords`), or an
 * older API version, they follow each other by `Sforce-Locator`.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { activityInfo, log } from '@temporalio/activity';
import { heartbeat } from './keep-alive.js';
import { Bulk1ContentType, ResultMismatchError, type Bulk1BatchInfo, type SalesforceClient } from '../salesforce/index.js';
import { StagingKeys } from '../common/staging-keys.js';
import type { StagingStore } from '../storage/staging-store.js';
import { countRecords, saveAndCount } from './heartbeat-streams.js';
import { forEachBounded } from './bounded-parallel.js';
import type { ResultFileRef } from './types.js';
import { InputError } from '../common/errors.js';

export interface QueryJobRequest {
  soql: string;
  operation: 'query' | 'queryAll';
  api: '2.0' | '1.0';
  /** Bulk v1 only: split the query by Id ranges of this many records. */
  pkChunking?: { chunkSize?: number };
}

export interface QueryJobStatus {
  jobId: string;
  api: '2.0' | '1.0';
  state: string;
  recordsProcessed: number;
  /** Salesforce has finished (successfully or not). */
  done: boolean;
  /** Why the job failed, when it did. */
  errorMessage?: string;
}

export interface DownloadQueryRequest {
  jobId: string;
  api: '2.0' | '1.0';
  stagingPrefix: string;
  /**
   * Bulk 2.0 rows per page, pages then fetched one after another by locator. @default Salesforce's page size,
   * pages fetched in parallel from `resultPages` (API 58.0+; by locator, 50,000 rows a page, before that)
   */
  maxRecords?: number;
}

interface DownloadProgress {
  parts: ResultFileRef[];
  /** Bulk 2.0 by locator: the locator of the next page; absent before the first page. */
  nextLocator?: string;
  finished?: boolean;
  /**
   * Bulk 2.0 from `resultPages`: `[page index, rows]` of each page saved so far, in any order. A page's part
   * key follows from its index, and Salesforce's locators are stable while the job exists, so a retry lists
   * the pages again and fetches only the missing ones.
   */
  pages?: Array<[number, number]>;
}

/** Pages fetched at once from `resultPages`: enough to overlap Salesforce's work with ours. */
const PARALLEL_PAGES = 3;
/** Rows per page when pages follow each other by locator and no size is asked for. */
const LOCATOR_PAGE_ROWS = 50_000;

const ACTIVE_V1 = new Set(['Queued', 'InProgress']);

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
  const v2 = salesforce.bulk2Query;
  const v1 = salesforce.bulk1;

  async function v1Status(jobId: string): Promise<QueryJobStatus> {
    const job = await v1.getJob(jobId);
    const batches: Bulk1BatchInfo[] = await v1.listBatches(jobId);
    const failed = batches.find((b) => b.state === 'Failed');
    const done = job.state === 'Aborted' || (batches.length > 0 && !batches.some((b) => ACTIVE_V1.has(b.state)));
    return {
      jobId,
      api: '1.0',
      state: failed ? 'Failed' : job.state,
      recordsProcessed: job.numberRecordsProcessed,
      done,
      ...(failed?.stateMessage ? { errorMessage: failed.stateMessage } : {}),
    };
  }

  async function v2Status(jobId: string): Promise<QueryJobStatus> {
    const job = await v2.getJob(jobId);
    return {
      jobId,
      api: '2.0',
      state: job.state,
      recordsProcessed: job.numberRecordsProcessed ?? 0,
      done: job.state === 'JobComplete' || job.state === 'Failed' || job.state === 'Aborted',
      ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
    };
  }

  const partKey = (req: DownloadQueryRequest, i: number) => StagingKeys.queryPart(req.stagingPrefix, req.jobId, i);

  /** Saves one page as a part, checking its row count against `Sforce-NumberOfRecords`. */
  async function savePage(req: DownloadQueryRequest, index: number, locator: string | undefined, maxRecords?: number) {
    const page = await v2.openPage(req.jobId, {
      ...(locator ? { locator } : {}),
      ...(maxRecords ? { maxRecords } : {}),
    });
    const key = partKey(req, index);
    const rows = await saveAndCount(page.body, staging.openWrite(key));
    if (page.numberOfRecords !== undefined && page.numberOfRecords !== rows) {
      throw new ResultMismatchError(
        `Query job ${req.jobId} page ${index + 1} has ${rows} rows, Sforce-NumberOfRecords ${page.numberOfRecords}`,
      );
    }
    return { part: { url: staging.urlFor(key), rows }, nextLocator: page.nextLocator };
  }

  /** Pages one after another, each page's `Sforce-Locator` naming the next. */
  async function downloadPagesByLocator(req: DownloadQueryRequest, progress: DownloadProgress) {
    while (!progress.finished) {
      const { part, nextLocator } = await savePage(
        req,
        progress.parts.length,
        progress.nextLocator,
        req.maxRecords ?? LOCATOR_PAGE_ROWS,
      );
      progress.parts.push(part);
      if (nextLocator) progress.nextLocator = nextLocator;
      else progress.finished = true;
      heartbeat(progress);
    }
    return progress.parts;
  }

  /** Pages listed by `resultPages` and fetched a few at a time; pages an earlier attempt saved are kept. */
  async function downloadPagesInParallel(req: DownloadQueryRequest, saved: Array<[number, number]>) {
    const rowsOf = new Map(saved);
    const parts: ResultFileRef[] = [];
    await forEachBounded(v2.resultPageLocators(req.jobId), PARALLEL_PAGES, async (locator, index) => {
      const rows = rowsOf.get(index);
      const url = staging.urlFor(partKey(req, index));
      if (rows !== undefined && (await staging.exists(url))) {
        parts[index] = { url, rows };
        return;
      }
      parts[index] = (await savePage(req, index, locator)).part;
      rowsOf.set(index, parts[index].rows);
      heartbeat({ parts: [], pages: [...rowsOf] } satisfies DownloadProgress);
    });
    return parts;
  }

  return {
    /**
     * Creates the query job (v1: job, the one query batch, close), adopting what an earlier attempt
     * created: the job id and batch id are heartbeated the moment Salesforce answers.
     */
    async createQueryJob(req: QueryJobRequest): Promise<QueryJobStatus> {
      const earlier = (activityInfo().heartbeatDetails as { jobId?: string } | undefined)?.jobId;
      if (req.api === '2.0') {
        if (earlier) return v2Status(earlier);
        const job = await v2.createJob({ query: req.soql, operation: req.operation });
        heartbeat({ jobId: job.id });
        return v2Status(job.id);
      }
      let jobId = earlier;
      if (!jobId) {
        const job = await v1.createJob({
          operation: req.operation,
          object: objectOf(req.soql),
          contentType: Bulk1ContentType.CSV,
          ...(req.pkChunking ? { pkChunking: req.pkChunking } : {}),
        });
        jobId = job.id;
        heartbeat({ jobId });
      }
      if ((await v1.listBatches(jobId)).length === 0) await v1.addQueryBatch(jobId, req.soql);
      if ((await v1.getJob(jobId)).state === 'Open') await v1.closeJob(jobId);
      return v1Status(jobId);
    },

    async getQueryJobStatus({ jobId, api }: { jobId: string; api: '2.0' | '1.0' }): Promise<QueryJobStatus> {
      return api === '2.0' ? v2Status(jobId) : v1Status(jobId);
    },

    async abortQueryJob({ jobId, api }: { jobId: string; api: '2.0' | '1.0' }): Promise<QueryJobStatus> {
      const status = api === '2.0' ? await v2Status(jobId) : await v1Status(jobId);
      if (status.done) return status;
      if (api === '2.0') await v2.abortJob(jobId);
      else await v1.abortJob(jobId);
      return api === '2.0' ? v2Status(jobId) : v1Status(jobId);
    },

    /** Downloads every page (2.0) or result file (v1) as a part, resuming after the last finished one. */
    async downloadQueryParts(req: DownloadQueryRequest): Promise<ResultFileRef[]> {
      const progress: DownloadProgress = {
        parts: [],
        ...(activityInfo().heartbeatDetails as DownloadProgress | undefined),
      };
      const resumed = progress.parts.length + (progress.pages?.length ?? 0);
      if (resumed > 0) log.info('resuming a query download', { parts: resumed });
      if (req.api === '2.0') {
        // By locator when a page size is asked for, before API 58.0, or to go on with an attempt that did.
        const byLocator =
          progress.pages === undefined &&
          (req.maxRecords !== undefined || !v2.hasResultPages || progress.parts.length > 0);
        return byLocator ? downloadPagesByLocator(req, progress) : downloadPagesInParallel(req, progress.pages ?? []);
      }
      const files = await v1.query.files(req.jobId);
      for (const file of files.slice(progress.parts.length)) {
        const key = partKey(req, file.index);
        const sink = staging.openWrite(key);
        await v1.query.download(req.jobId, file.batchId, file.resultId, sink);
        // v1 result files are counted once saved (a file of "Records not found" is saved empty).
        const rows = await countRecords(staging.openRead(staging.urlFor(key)));
        progress.parts.push({ url: staging.urlFor(key), rows });
        heartbeat(progress);
      }
      return progress.parts;
    },

    /**
     * Joins parts into one CSV (the first part's header, then every part's rows) at `destinationUrl`
     * (a `file://` URL) or in staging. Rewrites the whole file, so a retry is harmless.
     */
    async joinQueryParts(req: {
      parts: ResultFileRef[];
      stagingPrefix: string;
      destinationUrl?: string;
    }): Promise<ResultFileRef> {
      const key = StagingKeys.queryResult(req.stagingPrefix);
      const sink = req.destinationUrl ? openFileUrl(req.destinationUrl) : staging.openWrite(key);
      let wroteHeader = false;
      for (const part of req.parts) {
        let skipping = wroteHeader; // every part repeats the header line; keep the first only
        for await (const chunk of staging.openRead(part.url) as AsyncIterable<Buffer>) {
          let data = chunk;
          if (skipping) {
            const newline = data.indexOf(0x0a);
            if (newline < 0) continue;
            data = data.subarray(newline + 1);
            skipping = false;
          }
          if (data.length > 0) {
            wroteHeader = true;
            if (!sink.write(data)) await once(sink, 'drain');
          }
        }
        heartbeat({ joined: part.url });
      }
      sink.end();
      await once(sink, 'finish');
      const rows = req.parts.reduce((n, p) => n + p.rows, 0);
      return { url: req.destinationUrl ?? staging.urlFor(key), rows };
    },
  };
}

export type QueryActivities = ReturnType<typeof createQueryActivities>;

function openFileUrl(url: string) {
  if (!url.startsWith('file://'))
    throw new InputError(`Query output must be a file:// URL, got ${url.split(':')[0]}:…`);
  const file = fileURLToPath(url);
  mkdirSync(path.dirname(file), { recursive: true });
  return createWriteStream(file);
}
