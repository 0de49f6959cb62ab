/**
 * Bulk API 2.0 ingest jobs: create, upload once, close or abort, inspect, stream results.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/walkthrough_upload_data.htm
 */
import { pipeline, type Readable, type Writable } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { SalesforceHttp } from '../core/http.js';
import type { CreateIngestJobRequest, IngestJobInfo, IngestResultKind } from './types.js';
import { jobListQuery, listAllJobs, listJobsPage } from './job-list.js';
import type { JobListPage, ListJobsFilter } from './query-types.js';
import { CSV_RESULT_HEADERS, decodedBody } from './query-pages.js';
import { InputError } from '../../common/errors.js';

/** Uploads compressed at zlib's fastest level: CSV shrinks about fivefold at a small cost in CPU. */
const UPLOAD_GZIP_LEVEL = 1;

/** The stream compressed; a failure or an early end of either side destroys the other (no open file left). */
function gzipped(source: Readable): Readable {
  return pipeline(source, createGzip({ level: UPLOAD_GZIP_LEVEL }), () => {});
}

/** Bulk API 2.0 ingest jobs: create, upload, close, poll, abort, and their three result files. `sf.bulk2Ingest`. */
export class Bulk2IngestClient {
  constructor(
    private readonly http: SalesforceHttp,
    private readonly apiVersion: string,
    private readonly options: { gzipUploads?: boolean } = {},
  ) {}

  private path(suffix = ''): string {
    return `/services/data/v${this.apiVersion}/jobs/ingest${suffix}`;
  }

  createJob(job: CreateIngestJobRequest): Promise<IngestJobInfo> {
    return this.http.json<IngestJobInfo>({
      method: 'POST',
      path: this.path(),
      api: 'rest',
      headers: { 'content-type': 'application/json; charset=UTF-8' },
      body: JSON.stringify({ contentType: 'CSV', lineEnding: 'LF', columnDelimiter: 'COMMA', ...job }),
    });
  }

  getJob(jobId: string): Promise<IngestJobInfo> {
    return this.http.json<IngestJobInfo>({ method: 'GET', path: this.path(`/${jobId}`), api: 'rest' });
  }

  /**
   * Uploads the job's only CSV payload. `body` is a factory so that the upload can be sent again
   * if the session has to be renewed first. Salesforce accepts one upload per job.
   */
  async upload(jobId: string, body: () => Readable): Promise<void> {
    const gzip = this.options.gzipUploads === true;
    const res = await this.http.send({
      method: 'PUT',
      path: this.path(`/${jobId}/batches`),
      api: 'rest',
      headers: { 'content-type': 'text/csv; charset=UTF-8', ...(gzip ? { 'content-encoding': 'gzip' } : {}) },
      body: gzip ? () => gzipped(body()) : body,
    });
    await res.body.dump();
  }

  /** Marks the upload complete so Salesforce queues the job for processing. */
  closeJob(jobId: string): Promise<IngestJobInfo> {
    return this.setState(jobId, 'UploadComplete');
  }

  abortJob(jobId: string): Promise<IngestJobInfo> {
    return this.setState(jobId, 'Aborted');
  }

  private setState(jobId: string, state: 'UploadComplete' | 'Aborted'): Promise<IngestJobInfo> {
    return this.http.json<IngestJobInfo>({
      method: 'PATCH',
      path: this.path(`/${jobId}`),
      api: 'rest',
      headers: { 'content-type': 'application/json; charset=UTF-8' },
      body: JSON.stringify({ state }),
    });
  }

  /** Opens one result set (CSV, with Salesforce's `sf__` columns) as a stream; asked for gzipped, read as CSV. */
  async openResults(jobId: string, kind: IngestResultKind): Promise<Readable> {
    const res = await this.http.send({
      method: 'GET',
      path: this.path(`/${jobId}/${kind}`),
      api: 'rest',
      headers: CSV_RESULT_HEADERS,
    });
    return decodedBody(res);
  }

  /** Streams one result set into `sink`. */
  async downloadResults(jobId: string, kind: IngestResultKind, sink: Writable): Promise<void> {
    await pipelineAsync(await this.openResults(jobId, kind), sink);
  }

  /**
   * Picks up a job created earlier (by a process that crashed, or another tool) by id: its current info.
   * Throws when the id names a job that is not a Bulk 2.0 ingest job.
   */
  async attachJob(jobId: string): Promise<IngestJobInfo> {
    const info = await this.getJob(jobId);
    const jobType = (info as IngestJobInfo & { jobType?: string }).jobType;
    if (jobType !== undefined && jobType !== 'V2Ingest') {
      throw new InputError(`Job ${jobId} is a ${jobType} job, not a Bulk API 2.0 ingest job`);
    }
    return info;
  }

  /**
   * One page (up to 1,000 jobs) of the org's ingest jobs; pass the previous page's `nextRecordsUrl` for the next.
   * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/get_all_jobs.htm
   */
  listJobs(filter: ListJobsFilter = {}, nextRecordsUrl?: string): Promise<JobListPage<IngestJobInfo>> {
    return listJobsPage<IngestJobInfo>(this.http, nextRecordsUrl ?? this.path(jobListQuery(filter)));
  }

  /** Every ingest job, following `nextRecordsUrl`; e.g. to find jobs a crashed process left open. */
  listAllJobs(filter: ListJobsFilter = {}): AsyncGenerator<IngestJobInfo> {
    return listAllJobs<IngestJobInfo>(this.http, this.path(jobListQuery(filter)));
  }

  async deleteJob(jobId: string): Promise<void> {
    const res = await this.http.send({ method: 'DELETE', path: this.path(`/${jobId}`), api: 'rest' });
    await res.body.dump();
  }
}
