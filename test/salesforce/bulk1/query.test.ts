import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { before, describe, test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import Papa from 'papaparse';
import { DEV_CREDENTIALS } from '../../../emulator/index.js';
import {
  createSalesforceClient,
  OAuthPasswordAuthenticator,
  SalesforceJobFailedError,
  type Bulk1BatchInfo,
  type Bulk1ContentType,
  type Bulk1JobInfo,
  type CreateBulk1JobRequest,
  type SalesforceClient,
} from '../../../salesforce/index.js';
import { TERMINAL_BULK1_BATCH_STATES } from '../../../salesforce/bulk1/types.js';
import { useEmulator } from '../../helpers/emulator.js';
import { eventually } from '../../helpers/eventually.js';

/** Every batch of a job is final (the job may still be open: these tests add batches to open jobs). */
const batchesEnded = (batches: readonly Bulk1BatchInfo[]) =>
  batches.length > 0 && batches.every((b) => TERMINAL_BULK1_BATCH_STATES.includes(b.state));

/** Polls the batch list until every batch is final (the condition), failing after `ms`. */
function waitForBatches(sf: SalesforceClient, job: Bulk1JobInfo, ms = 15_000): Promise<Bulk1BatchInfo[]> {
  return eventually(() => sf.bulk1.listBatches(job), {
    until: (batches) => batchesEnded(batches),
    timeoutMs: ms,
    intervalMs: 10,
    what: `every batch of job ${job.id} to finish`,
  });
}

/** A sink that keeps what it is given (tests only: the client never buffers files). */
function memorySink(into: string[]): Writable {
  const chunks: Buffer[] = [];
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
    final(callback) {
      into.push(Buffer.concat(chunks).toString('utf8'));
      callback();
    },
  });
}

const xmlParser = new XMLParser({ parseTagValue: false, removeNSPrefix: true, isArray: (name) => name === 'records' });

/** The Names in one result file, whatever its format. */
function namesIn(file: string, contentType: Bulk1ContentType): string[] {
  if (file === '') return [];
  if (contentType === 'CSV') {
    const rows = Papa.parse<Record<string, string>>(file, { header: true, skipEmptyLines: true }).data;
    return rows.map((r) => r['Name'] ?? '');
  }
  if (contentType === 'JSON') return (JSON.parse(file) as Array<{ Name: string }>).map((r) => r.Name);
  const doc = xmlParser.parse(file) as { queryResult?: { records?: Array<{ Name: string }> } };
  return (doc.queryResult?.records ?? []).map((r) => r.Name);
}

describe('Bulk v1 query and queryAll against the emulator', () => {
  const emulator = useEmulator({ bulkV1QueryRowsPerFile: 2 });
  let sf: SalesforceClient;
  let ids: string[] = [];
  before(async () => {
    // Two rows per result file: five records make three files.
    sf = createSalesforceClient({
      auth: new OAuthPasswordAuthenticator({ loginUrl: emulator.url, ...DEV_CREDENTIALS }),
    });
    const job = await sf.bulk1.createJob({ operation: 'insert', object: 'Account' });
    const csv = 'Name\n' + ['A0', 'A1', 'A2', 'A3', 'A4', 'Gone'].join('\n');
    const [added] = await sf.bulk1.addCsvBatches(job, Readable.from([csv]));
    const [batch] = await waitForBatches(sf, job);
    assert.ok(added && batch);
    for await (const result of sf.bulk1.ingestResults(job, batch.id)) ids.push(result.id ?? '');
    await sf.bulk1.closeJob(job);
    const del = await sf.bulk1.createJob({ operation: 'delete', object: 'Account', contentType: 'JSON' });
    await sf.bulk1.addRecordBatches(del, [{ Id: ids[5] }]);
    await waitForBatches(sf, del);
    ids = ids.slice(0, 5);
  });

  async function run(request: CreateBulk1JobRequest, soql: string): Promise<{ job: Bulk1JobInfo; files: string[] }> {
    const job = await sf.bulk1.createJob(request);
    await sf.bulk1.addQueryBatch(job, soql);
    await sf.bulk1.closeJob(job);
    await waitForBatches(sf, job);
    const files: string[] = [];
    const downloaded = await sf.bulk1.query.downloadAll(job, () => memorySink(files));
    assert.deepEqual(
      downloaded.map((f) => f.index),
      files.map((_, i) => i),
    );
    assert.deepEqual(
      downloaded.map((f) => f.bytes),
      files.map((f) => Buffer.byteLength(f)),
    );
    return { job, files };
  }

  for (const contentType of ['CSV', 'XML', 'JSON'] as const) {
    test(`${contentType}: query and queryAll stream several result files in order`, async () => {
      const soql = 'SELECT Id, Name FROM Account ORDER BY Name';
      const query = await run({ operation: 'query', object: 'Account', contentType }, soql);
      assert.equal(query.files.length, 3, 'three result files');
      assert.deepEqual(
        query.files.flatMap((f) => namesIn(f, contentType)),
        ['A0', 'A1', 'A2', 'A3', 'A4'],
      );
      const all = await run({ operation: 'queryAll', object: 'Account', contentType }, soql);
      assert.deepEqual(
        all.files.flatMap((f) => namesIn(f, contentType)),
        ['A0', 'A1', 'A2', 'A3', 'A4', 'Gone'],
      );
    });
  }

  test('PK chunking: the original batch is skipped, chunk batches are read in order', async () => {
    const request = {
      operation: 'query',
      object: 'Account',
      contentType: 'CSV',
      pkChunking: { chunkSize: 2 },
    } as const;
    const { job, files } = await run(request, 'SELECT Id, Name FROM Account');
    const batches = await sf.bulk1.listBatches(job);
    assert.equal(batches[0]?.state, 'NotProcessed');
    assert.deepEqual(
      batches.slice(1).map((b) => b.state),
      ['Completed', 'Completed', 'Completed'],
    );
    const files2 = await sf.bulk1.query.files(job);
    assert.deepEqual(
      files2.map((f) => f.batchId),
      batches.slice(1).map((b) => b.id),
    );
    assert.deepEqual(
      files.flatMap((f) => namesIn(f, 'CSV')),
      ['A0', 'A1', 'A2', 'A3', 'A4'],
    );
  });

  test('PK chunking from a start row', async () => {
    const request = {
      operation: 'query',
      object: 'Account',
      contentType: 'JSON',
      pkChunking: { chunkSize: 250_000, startRow: ids[3] },
    } as const;
    const { files } = await run(request, 'SELECT Name FROM Account');
    assert.deepEqual(
      files.flatMap((f) => namesIn(f, 'JSON')),
      ['A3', 'A4'],
    );
  });

  test('a query that matches nothing writes an empty CSV file, not the "no records" text', async () => {
    const { files } = await run(
      { operation: 'query', object: 'Account', contentType: 'CSV' },
      "SELECT Id FROM Account WHERE Name = 'nobody'",
    );
    assert.deepEqual(files, ['']);
  });

  test('a failed query batch is a typed failure with its exception code', async () => {
    const job = await sf.bulk1.createJob({ operation: 'query', object: 'Account', contentType: 'XML' });
    await sf.bulk1.addQueryBatch(job, 'SELECT NoSuchField__c FROM Account');
    const [batch] = await waitForBatches(sf, job);
    assert.equal(batch?.state, 'Failed');
    assert.equal(batch?.failure?.exceptionCode, 'InvalidBatch');
    const err = await sf.bulk1.query.files(job).catch((e: unknown) => e);
    assert.ok(err instanceof SalesforceJobFailedError, String(err));
    assert.equal(err.errorCode, 'InvalidBatch');
  });
});
