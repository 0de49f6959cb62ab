import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { after, before, test } from 'node:test';
import { SalesforceHttpError, type SalesforceClient } from '../../../salesforce/index.js';
import { normalizeLocator, openResultFile } from '../../../salesforce/bulk2/query-pages.js';
import { type QueryResultPage } from '../../../salesforce/bulk2/query-types.js';
import { startEmulator } from '../../helpers/emulator.js';
import { clientFor, contactsCsv, ingest, MemorySink, parseCsv, waitForQuery } from '../../helpers/salesforce-client.js';
import { ErrorCode } from '../../../common/errors.js';

const ROWS = 2_500;
const emulator = await startEmulator({ after });
let sf: SalesforceClient;
let dir: string;

before(async () => {
  sf = clientFor(emulator.url);
  dir = mkdtempSync(join(tmpdir(), 'bulk2-query-'));
  const job = await ingest(sf, contactsCsv(ROWS, 'Page'));
  assert.equal(job.state, 'JobComplete');
  assert.equal(job.numberRecordsFailed, 0);
});

after(() => rmSync(dir, { recursive: true, force: true }));

async function completedQuery(soql = 'SELECT Id, LastName, Email FROM Contact'): Promise<string> {
  const job = await sf.bulk2Query.createJob({ query: soql });
  assert.equal(job.state, 'UploadComplete');
  const done = await waitForQuery(sf, job.id);
  assert.equal(done.state, 'JobComplete');
  assert.equal(done.numberRecordsProcessed, ROWS);
  return job.id;
}

test('Sforce-Locator: the literal null, empty and absent all mean "no next page"', () => {
  assert.equal(normalizeLocator('null'), undefined);
  assert.equal(normalizeLocator(''), undefined);
  assert.equal(normalizeLocator(undefined), undefined);
  assert.equal(normalizeLocator(['MTAwMA', 'x']), 'MTAwMA');
});

test('pages are joined into one CSV with one header, each page reported with its locators', async () => {
  const jobId = await completedQuery();
  const sink = new MemorySink();
  const pages: QueryResultPage[] = [];
  const result = await sf.bulk2Query.streamResults({
    jobId,
    sink,
    maxRecords: 1000,
    onPage: (p) => void pages.push(p),
  });
  assert.deepEqual(
    pages.map((p) => p.records),
    [1000, 1000, 500],
  );
  assert.equal(pages[0]?.locator, undefined);
  assert.equal(pages[1]?.locator, pages[0]?.nextLocator);
  assert.equal(pages[2]?.locator, pages[1]?.nextLocator);
  assert.equal(pages[2]?.nextLocator, undefined);
  assert.deepEqual(result.columns, ['Id', 'LastName', 'Email']);
  assert.equal(result.records, ROWS);
  assert.equal(result.bytes, Buffer.byteLength(sink.text));
  const rows = await parseCsv(sink.text);
  assert.deepEqual(rows[0], ['Id', 'LastName', 'Email']);
  assert.equal(rows.length, ROWS + 1);
  assert.equal(new Set(rows.slice(1).map((r) => r[1])).size, ROWS);
  assert.equal(sink.writableFinished, true, 'sink ended');
});

test('a crash between pages, resumed from the checkpoint, loses and repeats no row', async () => {
  const jobId = await completedQuery();
  const file = join(dir, 'resume.csv');
  let checkpoint: { nextLocator: string | undefined; totalBytes: number } | undefined;
  // First run: page 2's rows reach the file, then the process "dies" before page 2 is checkpointed.
  await assert.rejects(
    sf.bulk2Query.streamResults({
      jobId,
      sink: openResultFile(file),
      maxRecords: 700,
      onPage: (page) => {
        if (page.index === 1) throw new Error('simulated crash');
        checkpoint = { nextLocator: page.nextLocator, totalBytes: page.totalBytes };
      },
    }),
    /simulated crash/,
  );
  assert.ok(checkpoint?.nextLocator, 'page 1 was checkpointed');
  assert.ok(readFileSync(file).length > checkpoint.totalBytes, 'page 2 left bytes past the checkpoint');

  let resumedPages = 0;
  const resumed = await sf.bulk2Query.streamResults({
    jobId,
    sink: openResultFile(file, { resumeAtByte: checkpoint.totalBytes }),
    fromLocator: checkpoint.nextLocator,
    maxRecords: 700,
    onPage: () => void (resumedPages += 1),
  });
  assert.equal(resumedPages, 3, 'pages 2, 3 and 4 of 700 rows');
  assert.equal(resumed.records, ROWS - 700);
  const rows = await parseCsv(readFileSync(file, 'utf8'));
  assert.deepEqual(rows[0], ['Id', 'LastName', 'Email'], 'one header, at the top');
  const ids = rows.slice(1).map((r) => r[0]);
  assert.equal(ids.length, ROWS, 'no row lost or repeated');
  assert.equal(new Set(ids).size, ROWS);
  assert.equal(rows.filter((r) => r[0] === 'Id').length, 1, 'no second header');
});

test('resuming from the last page’s "null" locator does nothing', async () => {
  const jobId = await completedQuery();
  const sink = new MemorySink();
  const result = await sf.bulk2Query.streamResults({ jobId, sink, fromLocator: 'null' });
  assert.deepEqual([result.pages, result.records, sink.text], [0, 0, '']);
});

test('resultPages (API 58.0+) hands out locators that together cover every row once', async () => {
  const jobId = await completedQuery();
  const locators: Array<string | undefined> = [];
  for await (const locator of sf.bulk2Query.resultPageLocators(jobId)) locators.push(locator);
  assert.ok(locators.length >= 1);
  const seen = new Set<string>();
  for (const locator of locators) {
    const page = await sf.bulk2Query.openPage(jobId, locator === undefined ? {} : { locator });
    const rows = await parseCsv(await text(page.body));
    assert.equal(rows.length - 1, page.numberOfRecords);
    for (const row of rows.slice(1)) seen.add(row[0] ?? '');
  }
  assert.equal(seen.size, ROWS);
});

test('queryAll, list, abort and delete', async () => {
  const job = await sf.bulk2Query.createJob({ query: 'SELECT Id FROM Contact', operation: 'queryAll' });
  assert.equal(job.operation, 'queryAll');
  const listed = [];
  for await (const info of sf.bulk2Query.listAllJobs({ jobType: 'V2Query' })) listed.push(info.id);
  assert.ok(listed.includes(job.id));
  const page = await sf.bulk2Query.listJobs();
  assert.equal(page.done, true);
  assert.ok(page.records.some((info) => info.id === job.id));

  await waitForQuery(sf, job.id);
  await sf.bulk2Query.deleteJob(job.id);
  await assert.rejects(sf.bulk2Query.getJob(job.id), (err: unknown) => {
    assert.ok(err instanceof SalesforceHttpError);
    assert.equal(err.statusCode, 404);
    assert.equal(err.errorCode, 'NOT_FOUND');
    return true;
  });
});

test('abort stops a running query job', async (t) => {
  const slow = await startEmulator(t, { recordsPerSecond: 50 });
  const client = clientFor(slow.url);
  await ingest(client, contactsCsv(20, 'Slow'));
  const job = await client.bulk2Query.createJob({ query: 'SELECT Id FROM Contact' });
  const aborted = await client.bulk2Query.abortJob(job.id);
  assert.equal(aborted.state, 'Aborted');
  assert.equal((await client.bulk2Query.getJob(job.id)).state, 'Aborted');
});

test('bad options are refused before any request', async () => {
  const calls = sf.http.usage.calls;
  assert.throws(() => sf.bulk2Query.createJob({ query: ' ' }), { code: ErrorCode.InvalidInput });
  await assert.rejects(
    sf.bulk2Query.streamResults({ jobId: 'x', sink: new MemorySink(), maxRecords: 0 }),
    /maxRecords/,
  );
  assert.equal(sf.http.usage.calls, calls);
});
