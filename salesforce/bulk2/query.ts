/**
 * Bulk API 2.0 query jobs: create, inspect, abort, delete, list, and results streamed page by page into one
 * CSV, resumable from any page's locator.
 *
 * Results must be fetched with the API version the job was created with (else 409), so use the same client.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/queries.htm
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_get_job_results.htm
 */
import { Readable, type Writable } from 'node:stream';
import type { SalesforceHttp } from '../core/http.js';
import {
  CSV_RESULT_HEADERS,
  decodedBody,
  flushed,
  normalizeLocator,
  parseRecordCount,
  writePage,
} from './query-pages.js';
import type {
  CreateQueryJobRequest,
  JobListPage,
  ListJobsFilter,
  QueryJobInfo,
  QueryResultPage,
  StreamResultsResult,
} from './query-types.js';
import { readCsvRows } from '../../csv/csv.js';
import { jobListQuery, listAllJobs, listJobsPage } from './job-list.js';
import { InputError, ResultMismatchError } from '../../common/errors.js';

export interface StreamResultsOptions {
  jobId: string;
  /** Where the joined CSV goes. Ended when all pages are in, destroyed on failure (unless `end` is false). */
  sink: Writable;
  /**
   * Start at this page: the `nextLocator` of the last page whose `onPage` completed. @default undefined (first page)
   */
  fromLocator?: string;
  /** Rows per page (`maxRecords`); smaller pages mean less to redo after a crash. @default Salesforce's choice */
  maxRecords?: number;
  /** Write the header row before the rows. @default true when starting at the first page */
  writeHeader?: boolean;
  /**
   * Awaited after each page's bytes have reached the sink's resource and before the next page is asked for:
   * checkpoint `nextLocator` and `totalBytes` here. Resuming from that checkpoint loses and repeats nothing.
   * @default none
   */
  onPage?: (page: QueryResultPage) => void | Promise<void>;
  /** End (or, on failure, destroy) the sink when done. @default true */
  end?: boolean;
}

/** Bulk API 2.0 query jobs: create, poll, abort, and their result pages. `sf.bulk2Query`. */
export class Bulk2QueryClient {
  constructor(
    private readonly http: SalesforceHttp,
    private readonly apiVersion: string,
  ) {}

  private path(suffix = ''): string {
    return `/services/data/v${this.apiVersion}/jobs/query${suffix}`;
  }

  /** Whether this API version has `resultPages` (58.0 and later), for {@link resultPageLocators}. */
  get hasResultPages(): boolean {
    return Number(this.apiVersion) >= 58;
  }

  /** Creates a query job; Salesforce starts it at once (`UploadComplete`). */
  createJob(job: CreateQueryJobRequest): Promise<QueryJobInfo> {
    if (typeof job.query !== 'string' || job.query.trim() === '') {
      throw new InputError('query must be a SOQL statement');
    }
    return this.http.json<QueryJobInfo>({
      method: 'POST',
      path: this.path(),
      api: 'rest',
      headers: { 'content-type': 'application/json; charset=UTF-8' },
      body: JSON.stringify({
        operation: 'query',
        contentType: 'CSV',
        columnDelimiter: 'COMMA',
        lineEnding: 'LF',
        ...job,
      }),
    });
  }

  getJob(jobId: string): Promise<QueryJobInfo> {
    return this.http.json<QueryJobInfo>({ method: 'GET', path: this.path(`/${jobId}`), api: 'rest' });
  }

  abortJob(jobId: string): Promise<QueryJobInfo> {
    return this.http.json<QueryJobInfo>({
      method: 'PATCH',
      path: this.path(`/${jobId}`),
      api: 'rest',
      headers: { 'content-type': 'application/json; charset=UTF-8' },
      body: JSON.stringify({ state: 'Aborted' }),
    });
  }

  /** Deletes a finished or aborted job and its results. */
  async deleteJob(jobId: string): Promise<void> {
    const res = await this.http.send({ method: 'DELETE', path: this.path(`/${jobId}`), api: 'rest' });
    await res.body.dump();
  }

  /** One page of the job list; pass `nextRecordsUrl` of the previous page to get the next. */
  listJobs(filter: ListJobsFilter = {}, nextRecordsUrl?: string): Promise<JobListPage<QueryJobInfo>> {
    return listJobsPage<QueryJobInfo>(this.http, nextRecordsUrl ?? this.path(jobListQuery(filter)));
  }

  /** Every job, following `nextRecordsUrl` (one call per 1,000 jobs). */
  listAllJobs(filter: ListJobsFilter = {}): AsyncGenerator<QueryJobInfo> {
    return listAllJobs<QueryJobInfo>(this.http, this.path(jobListQuery(filter)));
  }

  /** Opens one page of results: its body, the next page's locator and Salesforce's row count. */
  async openPage(
    jobId: string,
    options: { locator?: string; maxRecords?: number } = {},
  ): Promise<{ body: Readable; nextLocator: string | undefined; numberOfRecords: number | undefined }> {
    const params = new URLSearchParams();
    if (options.locator !== undefined) params.set('locator', options.locator);
    if (options.maxRecords !== undefined) params.set('maxRecords', String(checkMaxRecords(options.maxRecords)));
    const query = params.size > 0 ? `?${params.toString()}` : '';
    const res = await this.http.send({
      method: 'GET',
      path: this.path(`/${jobId}/results${query}`),
      api: 'rest',
      headers: CSV_RESULT_HEADERS,
    });
    return {
      body: decodedBody(res),
      nextLocator: normalizeLocator(res.headers['sforce-locator']),
      numberOfRecords: parseRecordCount(res.headers['sforce-numberofrecords']),
    };
  }

  /**
   * Streams every page from `fromLocator` on into `sink` as one CSV with a single header row, one page in
   * memory chunk by chunk. After each page, `onPage` gets the page's locators and counts.
   *
   * Durable use: checkpoint `{ nextLocator, totalBytes }` in `onPage`; after a crash, reopen the file with
   * `openResultFile(path, { resumeAtByte })` and call again with `fromLocator: nextLocator`.
   */
  async streamResults(options: StreamResultsOptions): Promise<StreamResultsResult> {
    const { jobId, sink, onPage, end = true } = options;
    const maxRecords = options.maxRecords === undefined ? undefined : checkMaxRecords(options.maxRecords);
    const fromLocator = options.fromLocator === undefined ? undefined : normalizeLocator(options.fromLocator);
    const done = options.fromLocator !== undefined && fromLocator === undefined;
    let writeHeader = options.writeHeader ?? options.fromLocator === undefined;
    const result: StreamResultsResult = { pages: 0, records: 0, bytes: 0, columns: undefined };
    try {
      let locator = fromLocator;
      let firstHeader: string | undefined;
      while (!done) {
        const page = await this.openPage(jobId, {
          ...(locator ? { locator } : {}),
          ...(maxRecords ? { maxRecords } : {}),
        });
        const outcome = await writePage(page.body, sink, writeHeader);
        if (outcome.header !== '') {
          writeHeader = false;
          firstHeader ??= outcome.header;
          if (outcome.header !== firstHeader) throw pageMismatch(jobId, locator, `header "${outcome.header}"`);
        }
        if (page.numberOfRecords !== undefined && page.numberOfRecords !== outcome.records) {
          throw pageMismatch(jobId, locator, `${outcome.records} rows, Sforce-NumberOfRecords ${page.numberOfRecords}`);
        }
        await flushed(sink);
        result.pages += 1;
        result.records += outcome.records;
        result.bytes += outcome.bytes;
        await onPage?.({
          locator,
          nextLocator: page.nextLocator,
          records: outcome.records,
          bytes: outcome.bytes,
          index: result.pages - 1,
          totalRecords: result.records,
          totalBytes: result.bytes,
        });
        if (page.nextLocator === undefined) break;
        locator = page.nextLocator;
      }
      result.columns = firstHeader === undefined ? undefined : await headerColumns(firstHeader);
    } catch (err) {
      if (end) sink.destroy();
      throw err;
    }
    if (end) await endSink(sink);
    return result;
  }

  /**
   * Locators of the job's result pages for parallel download (API 58.0+; up to 5 per call, following
   * `nextRecordsUrl`). Each can be passed to `openPage` or `streamResults`.
   * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_get_parallel_results.htm
   */
  async *resultPageLocators(jobId: string): AsyncGenerator<string | undefined> {
    let next: string | null = this.path(`/${jobId}/resultPages`);
    while (next) {
      const res: ResultPagesResponse = await this.http.json<ResultPagesResponse>({
        method: 'GET',
        path: next,
        api: 'rest',
      });
      for (const page of res.resultPages ?? []) {
        yield normalizeLocator(new URL(page.resultUrl, 'https://x.invalid').searchParams.get('locator') ?? undefined);
      }
      next = res.done ? null : (res.nextRecordsUrl ?? res.nextRecordUrl ?? null);
    }
  }
}

interface ResultPagesResponse {
  resultPages?: Array<{ resultUrl: string }>;
  nextRecordsUrl?: string | null;
  /** Spelling in one table of Salesforce's docs. */
  nextRecordUrl?: string | null;
  done?: boolean;
}

function checkMaxRecords(value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new InputError(`maxRecords must be a positive integer, got ${value}`);
  }
  return value;
}

function pageMismatch(jobId: string, locator: string | undefined, what: string): ResultMismatchError {
  return new ResultMismatchError(
    `Query job ${jobId} page ${locator ?? '(first)'} does not match the rest of the result: ${what}`,
  );
}

async function headerColumns(header: string): Promise<string[] | undefined> {
  for await (const row of readCsvRows(Readable.from([header]))) return row;
  return undefined;
}

async function endSink(sink: Writable): Promise<void> {
  if (sink.writableFinished) return;
  const finished = new Promise<void>((resolve, reject) => {
    sink.once('finish', resolve);
    sink.once('error', reject);
  });
  sink.end();
  await finished;
}
