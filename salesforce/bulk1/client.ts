/**
 * Bulk API v1 ("async") jobs: create, attach, close, abort; add batches (raw, from a CSV stream cut into
 * 10,000-record / 10 MB batches, or from record objects); list and inspect batches; read ingest results matched
 * to their input rows; stream query result files. Single calls only: polling belongs to the caller.
 *
 * Answers are parsed by their Content-Type, so XML, JSON and CSV jobs all read the same way.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_intro.htm
 */
import { Readable, Writable } from 'node:stream';
import type { SalesforceHttp, SalesforceResponse } from '../core/http.js';
import { BULK1_BATCH_LIMITS, splitCsv, type UploadLimits } from '../../csv/split.js';
import { parseBatchInfo, parseBatchInfoList, parseJobInfo, syntaxOf, type Bulk1Syntax } from './job-info.js';
import { recordBatchBodies, recordsToCsv } from './records.js';
import { matchBatchResults, readIngestResults, type Bulk1RowOutcome } from './results.js';
import { Bulk1QueryResults } from './query.js';
import { jobInfoXml } from './xml.js';
import {
  jobRef,
  type Bulk1AddedBatch,
  type Bulk1BatchInfo,
  type Bulk1ContentType,
  type Bulk1IngestResult,
  type Bulk1JobInfo,
  type Bulk1JobRef,
  type Bulk1Record,
  type CreateBulk1JobRequest,
  type PkChunkingOptions,
} from './types.js';

/** Request media types of each content type. */
const MEDIA_TYPE: Record<Bulk1ContentType, string> = {
  CSV: 'text/csv; charset=UTF-8',
  XML: 'application/xml; charset=UTF-8',
  JSON: 'application/json; charset=UTF-8',
};

/** Options of {@link Bulk1Client.addCsvBatches} and {@link Bulk1Client.addRecordBatches}. */
export interface AddBatchesOptions {
  /** @default BULK1_BATCH_LIMITS (10,000 records, 10 MB) */
  limits?: UploadLimits;
  /** Called as soon as each batch exists, e.g. to persist its id before the next upload starts. */
  onBatch?: (batch: Bulk1BatchInfo, index: number) => void | Promise<void>;
  /** CSV from records: the header; by default the first record's fields. */
  columns?: readonly string[];
}

/** The `Sforce-Enable-PKChunking` header value: `TRUE`, or `chunkSize=N; startRow=…; parent=…`. */
export function pkChunkingHeader(options: PkChunkingOptions): string {
  const parts: string[] = [];
  if (options.chunkSize !== undefined) parts.push(`chunkSize=${options.chunkSize}`);
  if (options.startRow !== undefined) parts.push(`startRow=${options.startRow}`);
  if (options.parent !== undefined) parts.push(`parent=${options.parent}`);
  return parts.length > 0 ? parts.join('; ') : 'TRUE';
}

/** Bulk API v1 (`/services/async`): jobs, batches, their results, and query batches. `sf.bulk1`. */
export class Bulk1Client {
  /** Query result files of query and queryAll jobs. */
  readonly query: Bulk1QueryResults;

  constructor(
    private readonly http: SalesforceHttp,
    private readonly apiVersion: string,
  ) {
    this.query = new Bulk1QueryResults(this);
  }

  /** `/services/async/{version}/job{suffix}` (a bare version, no `v`). */
  private path(suffix = ''): string {
    return `/services/async/${this.apiVersion}/job${suffix}`;
  }

  /** Sends a request about a job: JSON jobs speak JSON, the others XML. */
  private send(
    method: 'GET' | 'POST',
    suffix: string,
    contentType: Bulk1ContentType | undefined,
    body?: string | (() => Readable),
    mediaType?: string,
  ): Promise<SalesforceResponse> {
    const info = contentType === 'JSON' ? MEDIA_TYPE.JSON : MEDIA_TYPE.XML;
    const headers: Record<string, string> = { accept: info.split(';')[0] ?? info };
    if (body !== undefined || contentType === 'JSON') headers['content-type'] = mediaType ?? info;
    return this.http.send({ method, path: this.path(suffix), api: 'async', headers, ...(body ? { body } : {}) });
  }

  /** @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_jobs_create.htm */
  async createJob(request: CreateBulk1JobRequest): Promise<Bulk1JobInfo> {
    const contentType = request.contentType ?? 'CSV';
    const entries: Array<readonly [string, string | undefined]> = [
      ['operation', request.operation],
      ['object', request.object],
      ['externalIdFieldName', request.externalIdFieldName],
      ['concurrencyMode', request.concurrencyMode],
      ['contentType', contentType],
      ['assignmentRuleId', request.assignmentRuleId],
    ];
    const body =
      contentType === 'JSON'
        ? JSON.stringify(Object.fromEntries(entries.filter(([, v]) => v !== undefined)))
        : jobInfoXml(entries);
    const headers: Record<string, string> = { 'content-type': MEDIA_TYPE[contentType === 'JSON' ? 'JSON' : 'XML'] };
    if (request.pkChunking) headers['sforce-enable-pkchunking'] = pkChunkingHeader(request.pkChunking);
    if (request.disableBatchRetry) headers['sforce-disable-batch-retry'] = 'TRUE';
    const res = await this.http.send({ method: 'POST', path: this.path(), api: 'async', headers, body });
    return parseJobInfo(await res.body.text(), syntaxOf(res.headers['content-type']));
  }

  /** @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_jobs_get_details.htm */
  async getJob(job: Bulk1JobRef): Promise<Bulk1JobInfo> {
    const { id, contentType } = jobRef(job);
    const res = await this.send('GET', `/${id}`, contentType);
    return parseJobInfo(await res.body.text(), syntaxOf(res.headers['content-type']));
  }

  /** Re-attaches to a job created earlier (e.g. by a process that died), by id alone. */
  attachJob(jobId: string): Promise<Bulk1JobInfo> {
    return this.getJob(jobId);
  }

  /** No more batches; Salesforce finishes the queued ones. @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_jobs_close.htm */
  closeJob(job: Bulk1JobRef): Promise<Bulk1JobInfo> {
    return this.setState(job, 'Closed');
  }

  /** Queued batches become `NotProcessed`; running ones finish. @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_jobs_abort.htm */
  abortJob(job: Bulk1JobRef): Promise<Bulk1JobInfo> {
    return this.setState(job, 'Aborted');
  }

  private async setState(job: Bulk1JobRef, state: 'Closed' | 'Aborted'): Promise<Bulk1JobInfo> {
    const { id, contentType } = jobRef(job);
    const body = contentType === 'JSON' ? JSON.stringify({ state }) : jobInfoXml([['state', state]]);
    const res = await this.send('POST', `/${id}`, contentType, body);
    return parseJobInfo(await res.body.text(), syntaxOf(res.headers['content-type']));
  }

  /**
   * Adds one batch: its body in the job's content type (SOQL text for query jobs). A factory body is called
   * again if the session has to be renewed first.
   *
   * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_batches_create.htm
   */
  async addBatch(job: Bulk1JobRef, body: string | Buffer | (() => Readable)): Promise<Bulk1BatchInfo> {
    const { id, contentType } = jobRef(job);
    const send = Buffer.isBuffer(body) ? () => Readable.from([body]) : body;
    const res = await this.send('POST', `/${id}/batch`, contentType, send, MEDIA_TYPE[contentType ?? 'CSV']);
    return parseBatchInfo(await res.body.text(), syntaxOf(res.headers['content-type']));
  }

  /** Adds a query batch (query and queryAll jobs). @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_using_bulk_query.htm */
  addQueryBatch(job: Bulk1JobRef, soql: string): Promise<Bulk1BatchInfo> {
    return this.addBatch(job, soql);
  }

  /**
   * Cuts a CSV input into batches of at most 10,000 records and 10 MB (each repeating the header) and adds
   * them in order, one at a time: at most one batch is held in memory. If the input turns out to be invalid
   * part-way, the batches added so far stay in the job (abort it).
   */
  async addCsvBatches(job: Bulk1JobRef, input: Readable, options: AddBatchesOptions = {}): Promise<Bulk1AddedBatch[]> {
    const added: Array<{ batch: Bulk1BatchInfo; bytes: number }> = [];
    const split = await splitCsv(input, {
      limits: options.limits ?? BULK1_BATCH_LIMITS,
      openUnit: (index) => this.batchSink(job, index, options, added),
    });
    let firstRow = 0;
    return split.units.map((unit) => {
      const posted = added[unit.index];
      if (!posted) throw new Error(`batch ${unit.index} was cut but not added`);
      const result = { batch: posted.batch, index: unit.index, firstRow, rows: unit.rows, bytes: unit.bytes };
      firstRow += unit.rows;
      return result;
    });
  }

  private batchSink(
    job: Bulk1JobRef,
    index: number,
    options: AddBatchesOptions,
    added: Array<{ batch: Bulk1BatchInfo; bytes: number }>,
  ): Writable {
    const chunks: Buffer[] = [];
    return new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        chunks.push(chunk);
        callback();
      },
      final: (callback) => {
        const body = Buffer.concat(chunks);
        this.addBatch(job, body)
          .then(async (batch) => {
            added[index] = { batch, bytes: body.length };
            await options.onBatch?.(batch, index);
          })
          .then(() => callback(), callback);
      },
    });
  }

  /**
   * Serialises record objects in the job's content type and adds them as batches of at most 10,000 records
   * and 10 MB, in order. Nulls become `#N/A` (CSV), `xsi:nil="true"` (XML) or `null` (JSON).
   */
  async addRecordBatches(
    job: Pick<Bulk1JobInfo, 'id' | 'contentType'>,
    records: AsyncIterable<Bulk1Record> | Iterable<Bulk1Record>,
    options: AddBatchesOptions = {},
  ): Promise<Bulk1AddedBatch[]> {
    if (job.contentType === 'CSV') return this.addCsvBatches(job, recordsToCsv(records, options.columns), options);
    const limits = options.limits ?? BULK1_BATCH_LIMITS;
    const out: Bulk1AddedBatch[] = [];
    let firstRow = 0;
    for await (const unit of recordBatchBodies(records, job.contentType === 'JSON' ? 'json' : 'xml', limits)) {
      const batch = await this.addBatch(job, unit.body);
      await options.onBatch?.(batch, out.length);
      out.push({ batch, index: out.length, firstRow, rows: unit.rows, bytes: unit.body.length });
      firstRow += unit.rows;
    }
    return out;
  }

  /** @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_batches_get_info.htm */
  async getBatch(job: Bulk1JobRef, batchId: string): Promise<Bulk1BatchInfo> {
    const { id, contentType } = jobRef(job);
    const res = await this.send('GET', `/${id}/batch/${batchId}`, contentType);
    return parseBatchInfo(await res.body.text(), syntaxOf(res.headers['content-type']));
  }

  /** The job's batches in the order Salesforce lists them (creation order). @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_batches_get_info_all.htm */
  async listBatches(job: Bulk1JobRef): Promise<Bulk1BatchInfo[]> {
    const { id, contentType } = jobRef(job);
    const res = await this.send('GET', `/${id}/batch`, contentType);
    return parseBatchInfoList(await res.body.text(), syntaxOf(res.headers['content-type']));
  }

  /** The batch's original payload, as a stream. */
  async openBatchRequest(job: Bulk1JobRef, batchId: string): Promise<Readable> {
    const { id, contentType } = jobRef(job);
    return (await this.send('GET', `/${id}/batch/${batchId}/request`, contentType)).body;
  }

  /** Raw GET of a path under the job (results and result files), with the answer's syntax. */
  async open(job: Bulk1JobRef, suffix: string): Promise<{ body: SalesforceResponse['body']; syntax: Bulk1Syntax }> {
    const { id, contentType } = jobRef(job);
    const res = await this.send('GET', `/${id}${suffix}`, contentType);
    return { body: res.body, syntax: syntaxOf(res.headers['content-type']) };
  }

  /** A completed (or failed) ingest batch's results, in input order, streamed. */
  async *ingestResults(job: Bulk1JobRef, batchId: string): AsyncGenerator<Bulk1IngestResult> {
    const { body, syntax } = await this.open(job, `/batch/${batchId}/result`);
    try {
      yield* readIngestResults(body, syntax);
    } finally {
      // A caller that stops early must not leave the connection half read.
      body.destroy();
    }
  }

  /**
   * Every input row of a finished batch with what became of it; see {@link matchBatchResults}. A batch that
   * was never run (`NotProcessed`) or failed before processing anything has no results to fetch: all its rows
   * are `unprocessed`.
   */
  async *batchOutcomes<T>(
    job: Bulk1JobRef,
    batch: Bulk1BatchInfo,
    inputs: AsyncIterable<T> | Iterable<T>,
  ): AsyncGenerator<Bulk1RowOutcome<T>> {
    const nothing = batch.state === 'NotProcessed' || (batch.state === 'Failed' && batch.numberRecordsProcessed === 0);
    const results = nothing ? [] : this.ingestResults(job, batch.id);
    yield* matchBatchResults(batch, inputs, results);
  }
}
