/**
 * Bulk API 2.0 ingest jobs: create, upload once, close or abort, inspect, stream results.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/walkthrough_upload_data.htm
 */
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SalesforceHttp } from './http.js';
import type { CreateIngestJobRequest, IngestJobInfo, IngestResultKind } from './bulk2-types.js';

export class Bulk2IngestClient {
  constructor(
    private readonly http: SalesforceHttp,
    private readonly apiVersion: string,
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
    const res = await this.http.send({
      method: 'PUT',
      path: this.path(`/${jobId}/batches`),
      api: 'rest',
      headers: { 'content-type': 'text/csv; charset=UTF-8' },
      body,
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

  /** Opens one result set (CSV, with Salesforce's `sf__` columns) as a stream. */
  async openResults(jobId: string, kind: IngestResultKind): Promise<Readable> {
    const res = await this.http.send({
      method: 'GET',
      path: this.path(`/${jobId}/${kind}`),
      api: 'rest',
      headers: { accept: 'text/csv' },
    });
    return res.body;
  }

  /** Streams one result set into `sink`. */
  async downloadResults(jobId: string, kind: IngestResultKind, sink: Writable): Promise<void> {
    await pipeline(await this.openResults(jobId, kind), sink);
  }

  async deleteJob(jobId: string): Promise<void> {
    const res = await this.http.send({ method: 'DELETE', path: this.path(`/${jobId}`), api: 'rest' });
    await res.body.dump();
  }
}
