/**
 * Query results of Bulk v1 `query` / `queryAll` jobs: each batch has a list of result ids, each id one file
 * (CSV, JSON or XML as the job's content type). Files are streamed to the caller's sinks, never held in
 * memory. With PK chunking the original batch ends `NotProcessed` and is skipped; the chunk batches are read
 * in the order Salesforce lists them.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_bulk_query_results.htm
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/async_api_headers_enable_pk_chunking.htm
 */
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SalesforceResponse } from '../core/http.js';
import { SalesforceJobFailedError } from '../core/errors.js';
import { parseResultIdList, type Bulk1Syntax } from './job-info.js';
import { jobRef, type Bulk1BatchInfo, type Bulk1JobInfo, type Bulk1JobRef } from './types.js';
import { InputError } from '../../common/errors.js';

/** The calls of `Bulk1Client` that reading query results needs (an interface, so the two files do not import each other). */
export interface Bulk1QueryCalls {
  getJob(job: Bulk1JobRef): Promise<Bulk1JobInfo>;
  listBatches(job: Bulk1JobRef): Promise<Bulk1BatchInfo[]>;
  open(job: Bulk1JobRef, suffix: string): Promise<{ body: SalesforceResponse['body']; syntax: Bulk1Syntax }>;
}

/** What a CSV result file holds instead of a header when the query matched nothing. */
export const NO_RECORDS_CSV = 'Records not found for this query';

/** One query result file. */
export interface Bulk1QueryResultFile {
  batchId: string;
  resultId: string;
  /** 0-based position of the file among all the job's files. */
  index: number;
}

/** A file that was written to its sink. */
export interface Bulk1DownloadedFile extends Bulk1QueryResultFile {
  bytes: number;
}

/** Drops a CSV file's whole body when it is Salesforce's "no records" text, so sinks only ever get CSV. */
async function* withoutNoRecordsText(body: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const head: Buffer[] = [];
  let headBytes = 0;
  let decided = false;
  for await (const chunk of body) {
    if (decided) {
      yield chunk;
      continue;
    }
    head.push(chunk);
    headBytes += chunk.length;
    if (headBytes > NO_RECORDS_CSV.length + 16) {
      decided = true;
      yield* head;
    }
  }
  if (!decided && Buffer.concat(head).toString('utf8').trim() !== NO_RECORDS_CSV) yield* head;
}

async function* counted(body: AsyncIterable<Buffer>, total: { bytes: number }): AsyncGenerator<Buffer> {
  for await (const chunk of body) {
    total.bytes += chunk.length;
    yield chunk;
  }
}

export class Bulk1QueryResults {
  constructor(private readonly client: Bulk1QueryCalls) {}

  /** A query batch's result ids (several when the results are large). */
  async resultIds(job: Bulk1JobRef, batchId: string): Promise<string[]> {
    const { body, syntax } = await this.client.open(job, `/batch/${batchId}/result`);
    return parseResultIdList(await body.text(), syntax);
  }

  /** One result file as a stream, with the syntax its Content-Type declares. */
  open(job: Bulk1JobRef, batchId: string, resultId: string): Promise<{ body: Readable; syntax: Bulk1Syntax }> {
    return this.client.open(job, `/batch/${batchId}/result/${resultId}`);
  }

  /**
   * Streams one result file into `sink` (which is ended). A CSV file of a query that matched nothing is
   * written as nothing at all. Returns the bytes written.
   */
  async download(job: Bulk1JobRef, batchId: string, resultId: string, sink: Writable): Promise<number> {
    const { body, syntax } = await this.open(job, batchId, resultId);
    const chunks = body as AsyncIterable<Buffer>;
    const total = { bytes: 0 };
    await pipeline(counted(syntax === 'csv' ? withoutNoRecordsText(chunks) : chunks, total), sink);
    return total.bytes;
  }

  /**
   * The batches whose results make up the job's answer, in order. Throws if the job was aborted, a batch
   * failed (`SalesforceJobFailedError` with the batch's exception code), or a batch is still running.
   */
  async resultBatches(job: Bulk1JobRef): Promise<Bulk1BatchInfo[]> {
    const info = await this.client.getJob(job);
    const { id } = jobRef(job);
    if (info.state === 'Aborted') throw new SalesforceJobFailedError(`Query job ${id} was aborted.`);
    const batches = await this.client.listBatches({ id, contentType: info.contentType });
    const failed = batches.find((b) => b.state === 'Failed');
    if (failed) {
      throw new SalesforceJobFailedError(`Query batch ${failed.id} failed: ${failed.stateMessage ?? ''}`, {
        ...(failed.failure ? { errorCode: failed.failure.exceptionCode } : {}),
      });
    }
    if (batches.some((b) => b.state === 'Queued' || b.state === 'InProgress')) {
      throw new InputError(`Query job ${id} still has batches running: wait until they finish.`);
    }
    // The only NotProcessed batch of a job that was not aborted is a PK-chunked job's original batch.
    return batches.filter((b) => b.state === 'Completed');
  }

  /** Every result file of a finished query job, in order: batch by batch, file by file. */
  async files(job: Bulk1JobRef): Promise<Bulk1QueryResultFile[]> {
    const files: Bulk1QueryResultFile[] = [];
    for (const batch of await this.resultBatches(job)) {
      for (const resultId of await this.resultIds(job, batch.id)) {
        files.push({ batchId: batch.id, resultId, index: files.length });
      }
    }
    return files;
  }

  /** Streams every result file of a finished query job to the sink `openSink` gives for it, one at a time. */
  async downloadAll(
    job: Bulk1JobRef,
    openSink: (file: Bulk1QueryResultFile) => Writable,
  ): Promise<Bulk1DownloadedFile[]> {
    const done: Bulk1DownloadedFile[] = [];
    for (const file of await this.files(job)) {
      const bytes = await this.download(job, file.batchId, file.resultId, openSink(file));
      done.push({ ...file, bytes });
    }
    return done;
  }
}
