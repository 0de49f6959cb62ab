/**
 * The Bulk 2.0 query download: pages listed by `resultPages` are fetched a few at a time, saved as parts in
 * page order, and a retry (heartbeat details of the pages already saved) fetches only the missing ones.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createQueryActivities, type DownloadQueryRequest } from '../../activities/query-activities.js';
import type { ResultFileRef } from '../../activities/types.js';
import { type SalesforceClient } from '../../salesforce/index.js';
import { FileStagingStore } from '../../storage/index.js';
import { startEmulator } from '../helpers/emulator.js';
import { eventually } from '../helpers/eventually.js';
import { emulatorStats, readCsvFile } from '../helpers/org.js';
import { clientFor, contactsCsv, ingest, parseCsv, waitForQuery } from '../helpers/salesforce-client.js';

const ROWS = 2_300;
const PAGE_ROWS = 300; // 8 pages: two resultPages responses of at most five links
const emulator = await startEmulator({ after }, { bulkV2ResultPageRows: PAGE_ROWS });
const dir = mkdtempSync(join(tmpdir(), 'query-download-'));
let sf: SalesforceClient;
let jobId: string;

before(async () => {
  sf = clientFor(emulator.url);
  assert.equal((await ingest(sf, contactsCsv(ROWS, 'Par'))).state, 'JobComplete');
  const job = await sf.bulk2Query.createJob({ query: 'SELECT Id, LastName FROM Contact' });
  assert.equal((await waitForQuery(sf, job.id)).state, 'JobComplete');
  jobId = job.id;
});

after(() => rmSync(dir, { recursive: true, force: true }));

function activities() {
  return createQueryActivities({ salesforce: sf, staging: new FileStagingStore(join(dir, 'staging')) });
}

/** Runs `downloadQueryParts` as an activity would, in `env` (heartbeat details, heartbeats). */
function download(env: MockActivityEnvironment, req: DownloadQueryRequest): Promise<ResultFileRef[]> {
  const acts = activities();
  return env.run<[DownloadQueryRequest], ResultFileRef[], typeof acts.downloadQueryParts>(
    (r) => acts.downloadQueryParts(r),
    req,
  );
}

async function pageGets(): Promise<number> {
  const { requests } = await emulatorStats(emulator.url);
  return Object.entries(requests)
    .filter(([route]) => route.startsWith('GET ') && route.endsWith('/results'))
    .reduce((n, [, count]) => n + count, 0);
}

const request = (prefix: string) => ({ jobId, api: '2.0' as const, stagingPrefix: prefix });

test('pages come from resultPages, several at once, and are saved in page order', async () => {
  const before = await pageGets();
  // The first page is held back: the pages after it are fetched meanwhile.
  emulator.faults.set({ type: 'latency', ms: 5_000, method: 'GET', path: '*/results', count: 1 });
  const env = new MockActivityEnvironment();
  const downloading = download(env, request('order'));
  await eventually(async () => (await pageGets()) - before >= 3, {
    timeoutMs: 4_000,
    what: 'pages 2 and 3 asked for while page 1 is held',
  });
  emulator.faults.clear();
  const parts = await downloading;
  assert.deepEqual(
    parts.map((p) => p.rows),
    [300, 300, 300, 300, 300, 300, 300, 200],
  );
  assert.equal((await pageGets()) - before, 8, 'each page once');
  const acts = activities();
  const joined: ResultFileRef = await new MockActivityEnvironment().run(
    (r: Parameters<typeof acts.joinQueryParts>[0]) => acts.joinQueryParts(r),
    {
      parts,
      stagingPrefix: 'order',
      destinationUrl: pathToFileURL(join(dir, 'order.csv')).href,
    },
  );
  assert.equal(joined.rows, ROWS);
  const rows = readCsvFile(join(dir, 'order.csv'));
  assert.equal(rows.length, ROWS);
  assert.equal(new Set(rows.map((r) => r.Id)).size, ROWS, 'no row twice');
  const whole = await sf.bulk2Query.openPage(jobId); // all rows in one page, in Salesforce's order
  const inOrder = (await parseCsv(await text(whole.body))).slice(1).map((r) => r[0]);
  assert.deepEqual(
    rows.map((r) => r.Id),
    inOrder,
    'parts joined in page order',
  );
});

test('a retry fetches only the pages the heartbeat does not name', async () => {
  const first = await download(new MockActivityEnvironment(), request('retry'));
  const before = await pageGets();
  const saved: Array<[number, number]> = [
    [0, 300],
    [1, 300],
    [4, 300],
    [7, 200],
  ];
  const env = new MockActivityEnvironment({ heartbeatDetails: { parts: [], pages: saved } });
  const heartbeats: unknown[] = [];
  env.on('heartbeat', (details: unknown) => heartbeats.push(details));
  const parts = await download(env, request('retry'));
  assert.deepEqual(parts, first, 'the same parts, in the same order');
  assert.equal((await pageGets()) - before, 4, 'pages 3, 4, 6 and 7 only');
  const last = heartbeats.at(-1) as { pages: Array<[number, number]> };
  assert.deepEqual(
    last.pages.map(([index]) => index).sort((a, b) => a - b),
    [0, 1, 2, 3, 4, 5, 6, 7],
    'the last heartbeat names every page',
  );
});

test('an explicit page size pages by locator, one page after another', async () => {
  const before = await pageGets();
  const parts = await download(new MockActivityEnvironment(), { ...request('locator'), maxRecords: 1_000 });
  assert.deepEqual(
    parts.map((p) => p.rows),
    [1_000, 1_000, 300],
  );
  assert.equal((await pageGets()) - before, 3);
});

test('a page that fails fails the download', async () => {
  emulator.faults.set({ type: 'serverError', status: 500, method: 'GET', path: '*/results', skip: 2, count: 1 });
  try {
    await assert.rejects(download(new MockActivityEnvironment(), request('fail')));
  } finally {
    emulator.faults.clear();
  }
});
