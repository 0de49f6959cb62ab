/**
 * The baseline: the least code that does Bulk 2.0 jobs on the wire, with undici and nothing else. Ingest:
 * login, then the file split at line ends into parts of at most 100 MiB of CSV (the practical limit of a job:
 * Salesforce takes 150 MB after base64 encoding), each with the header line, and every part at once: create,
 * one streamed PUT, close, poll every 250 ms, stream the three result files to disk. Query: login, create,
 * poll every 250 ms, stream the result pages (following `Sforce-Locator`, page size Salesforce's choice) into
 * one file.
 *
 * Run by `bench/compare.ts`: `node --import tsx bench/compare/raw-wire.ts ingest|query <url> <file> <outDir>`.
 */
import { createReadStream, createWriteStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { API_VERSION, passwordLogin, POLL_MS, reportFromChild, SOQL, type ChildReport } from './protocol.js';

interface JobInfo {
  id: string;
  state: string;
  numberRecordsProcessed?: number;
  numberRecordsFailed?: number;
  errorMessage?: string;
  totalProcessingTime?: number;
}

async function run(mode: string, url: string, file: string, outDir: string): Promise<ChildReport> {
  const start = performance.now();
  const stepsMs: Record<string, number> = {};
  let stepStart = start;
  const step = (name: string) => {
    const now = performance.now();
    stepsMs[name] = now - stepStart;
    stepStart = now;
  };
  const { instanceUrl, token } = await passwordLogin(url);
  const base = `${instanceUrl}/services/data/v${API_VERSION}/jobs/${mode === 'query' ? 'query' : 'ingest'}`;
  const auth = { authorization: `Bearer ${token}` };
  const json = async <T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T> => {
    const res = await request(`${base}${path}`, {
      method,
      headers: { ...auth, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${await res.body.text()}`);
    return (await res.body.json()) as T;
  };
  const waitForJob = async (id: string): Promise<JobInfo> => {
    for (;;) {
      await sleep(POLL_MS);
      const info = await json<JobInfo>('GET', `/${id}`);
      if (info.state === 'JobComplete') return info;
      if (info.state === 'Failed' || info.state === 'Aborted') throw new Error(`job ${id}: ${info.state}`);
    }
  };
  const download = async (path: string, out: string, flags = 'w'): Promise<string | undefined> => {
    const res = await request(`${base}${path}`, { headers: { ...auth, accept: 'text/csv' } });
    if (res.statusCode !== 200) throw new Error(`GET ${path}: ${res.statusCode} ${await res.body.text()}`);
    await pipeline(res.body, createWriteStream(out, { flags }));
    const locator = res.headers['sforce-locator'];
    return typeof locator === 'string' && locator !== 'null' ? locator : undefined;
  };

  if (mode === 'query') {
    const job = await json<JobInfo>('POST', '', { operation: 'query', query: SOQL });
    step('login+create');
    const done = await waitForJob(job.id);
    step('waiting');
    const out = join(outDir, `raw-query-${job.id}.csv`);
    let locator = await download(`/${job.id}/results`, out);
    while (locator) locator = await download(`/${job.id}/results?locator=${locator}`, out, 'a');
    step('download');
    return {
      workMs: performance.now() - start,
      rows: done.numberRecordsProcessed ?? 0,
      failed: 0,
      maxRssKb: 0,
      stepsMs,
      ...(done.totalProcessingTime === undefined ? {} : { processingMs: done.totalProcessingTime }),
    };
  }
  const parts = splitPoints(file, PART_BYTES);
  step('login+split');
  // Every part at once, each job on its own from create to results; the steps are the slowest part's.
  const partSteps: Array<Record<string, number>> = [];
  const ingestPart = async (part: Part): Promise<JobInfo> => {
    const times: Record<string, number> = {};
    let at = performance.now();
    const mark = (name: string) => {
      times[name] = performance.now() - at;
      at = performance.now();
    };
    const job = await json<JobInfo>('POST', '', { object: 'Contact', operation: 'insert', contentType: 'CSV' });
    const put = await request(`${base}/${job.id}/batches`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'text/csv' },
      body: partBody(file, part),
    });
    if (put.statusCode !== 201) throw new Error(`PUT: ${put.statusCode} ${await put.body.text()}`);
    await put.body.dump();
    await json('PATCH', `/${job.id}`, { state: 'UploadComplete' });
    mark('create+upload');
    const done = await waitForJob(job.id);
    mark('waiting');
    await Promise.all(
      ['successfulResults', 'failedResults', 'unprocessedrecords'].map((kind) =>
        download(`/${job.id}/${kind}`, join(outDir, `raw-${job.id}-${kind}.csv`)),
      ),
    );
    mark('download');
    partSteps.push(times);
    return done;
  };
  const jobs = await Promise.all(parts.map(ingestPart));
  for (const name of ['create+upload', 'waiting', 'download']) {
    stepsMs[`${name} (slowest of ${parts.length})`] = Math.max(...partSteps.map((t) => t[name] ?? 0));
  }
  const sum = (pick: (info: JobInfo) => number | undefined) => jobs.reduce((n, info) => n + (pick(info) ?? 0), 0);
  return {
    workMs: performance.now() - start,
    rows: sum((info) => info.numberRecordsProcessed),
    failed: sum((info) => info.numberRecordsFailed),
    maxRssKb: 0,
    stepsMs,
    processingMs: Math.max(...jobs.map((info) => info.totalProcessingTime ?? 0)),
    jobs: parts.length,
  };
}

/** The most CSV a job takes in practice (bulkflow splits at the same size). */
const PART_BYTES = 100 * 1024 * 1024;

/** A byte range of the input: the data lines of one part (the header line goes before each). */
interface Part {
  start: number;
  end: number;
}

/**
 * Where to cut the file: at line ends outside quotes, each part's lines plus the header line at most `maxBytes`.
 * Reads the file once, 1 MiB at a time.
 */
function splitPoints(file: string, maxBytes: number): Part[] {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  const parts: Part[] = [];
  let headerEnd = -1;
  let partStart = 0;
  let lastLineEnd = 0;
  let quoted = false;
  try {
    for (let position = 0; position < size;) {
      const read = readSync(fd, buffer, 0, buffer.length, position);
      for (let i = 0; i < read; i++) {
        const byte = buffer[i];
        if (byte === 0x22) quoted = !quoted;
        if (byte !== 0x0a || quoted) continue;
        const lineEnd = position + i + 1;
        if (headerEnd < 0) {
          headerEnd = partStart = lastLineEnd = lineEnd;
          continue;
        }
        if (headerEnd + (lineEnd - partStart) > maxBytes) {
          parts.push({ start: partStart, end: lastLineEnd });
          partStart = lastLineEnd;
        }
        lastLineEnd = lineEnd;
      }
      position += read;
    }
  } finally {
    closeSync(fd);
  }
  if (lastLineEnd > partStart || parts.length === 0) parts.push({ start: partStart, end: Math.max(lastLineEnd, size) });
  headerBytes = Math.max(0, headerEnd);
  return parts;
}

let headerBytes = 0;

/** The header line, then the part's lines, streamed from the file. */
function partBody(file: string, part: Part): Readable {
  return Readable.from(
    (async function* () {
      if (headerBytes > 0) yield* createReadStream(file, { start: 0, end: headerBytes - 1 });
      if (part.end > part.start) yield* createReadStream(file, { start: part.start, end: part.end - 1 });
    })(),
  );
}

const [, , mode = '', url = '', file = '', outDir = ''] = process.argv;
reportFromChild(async () => ({ ...(await run(mode, url, file, outDir)), maxRssKb: process.resourceUsage().maxRSS }));
