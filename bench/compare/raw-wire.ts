/**
 * The baseline: the least code that does a Bulk 2.0 job on the wire, with undici and nothing else. Ingest:
 * login, create, one streamed PUT of the file, close, poll every 250 ms, stream the three result files to
 * disk. Query: login, create, poll every 250 ms, stream the result pages (following `Sforce-Locator`, page size
 * Salesforce's choice) into one file.
 *
 * Run by `bench/compare.ts`: `node --import tsx bench/compare/raw-wire.ts ingest|query <url> <file> <outDir>`.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { DEV_CREDENTIALS } from '../../emulator/auth/credentials.js';
import { API_VERSION, POLL_MS, reportFromChild, SOQL, type ChildReport } from './protocol.js';

interface JobInfo {
  id: string;
  state: string;
  numberRecordsProcessed?: number;
  numberRecordsFailed?: number;
  errorMessage?: string;
  totalProcessingTime?: number;
}

async function login(url: string): Promise<{ instanceUrl: string; token: string }> {
  const form = new URLSearchParams({
    grant_type: 'password',
    client_id: DEV_CREDENTIALS.clientId,
    client_secret: DEV_CREDENTIALS.clientSecret,
    username: DEV_CREDENTIALS.username,
    password: DEV_CREDENTIALS.password + DEV_CREDENTIALS.securityToken,
  });
  const res = await request(`${url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  const body = (await res.body.json()) as { access_token: string; instance_url: string };
  return { instanceUrl: body.instance_url, token: body.access_token };
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
  const { instanceUrl, token } = await login(url);
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
  const job = await json<JobInfo>('POST', '', { object: 'Contact', operation: 'insert', contentType: 'CSV' });
  step('login+create');
  const put = await request(`${base}/${job.id}/batches`, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'text/csv' },
    body: createReadStream(file),
  });
  if (put.statusCode !== 201) throw new Error(`PUT: ${put.statusCode} ${await put.body.text()}`);
  await put.body.dump();
  await json('PATCH', `/${job.id}`, { state: 'UploadComplete' });
  step('upload');
  const done = await waitForJob(job.id);
  step('waiting');
  for (const kind of ['successfulResults', 'failedResults', 'unprocessedrecords']) {
    await download(`/${job.id}/${kind}`, join(outDir, `raw-${job.id}-${kind}.csv`));
  }
  step('download');
  return {
    workMs: performance.now() - start,
    rows: done.numberRecordsProcessed ?? 0,
    failed: done.numberRecordsFailed ?? 0,
    maxRssKb: 0,
    stepsMs,
    ...(done.totalProcessingTime === undefined ? {} : { processingMs: done.totalProcessingTime }),
  };
}

const [, , mode = '', url = '', file = '', outDir = ''] = process.argv;
reportFromChild(async () => ({ ...(await run(mode, url, file, outDir)), maxRssKb: process.resourceUsage().maxRSS }));
