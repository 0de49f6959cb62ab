/**
 * The emulator holding a large org (issue "Ten million rows"): Contacts are loaded through Bulk 2.0 insert jobs
 * of at most `--job-rows` rows (2,000,000 rows ≈ 88 MB of CSV, under Salesforce's 100 MB advice), `--parallel`
 * jobs at a time, into an emulator in a process of its own (`bench/scale/emulator-host.ts`). At each checkpoint
 * of `--rows` (e.g. 1000000,5000000,10000000) it prints the emulator's RSS; at the end it runs a Bulk 2.0 query
 * of every record (pages streamed and counted, as a client takes them) and, unless `--no-admin`, streams
 * `GET /__emulator/sobjects/Contact/records?format=jsonl`, each with the RSS after it.
 *
 * Run: `node --import tsx bench/emulator-scale.ts --rows 1000000,5000000,10000000 [--emulator path/to/index.ts]
 * [--options '{"dataDir":"/tmp/x"}'] [--no-admin] [--no-query] [--profile DIR] [--heap MB]`; `--profile` writes the
 * emulator's `--cpu-prof` profile to DIR, `--heap` raises its heap limit (`--max-old-space-size`), which an
 * emulator holding millions of records in memory needs. `--emulator` runs another checkout's emulator (before/after).
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Agent, request, setGlobalDispatcher } from 'undici';
import { passwordLogin } from './compare/protocol.js';
import type { HostMemory } from './scale/emulator-host.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Building a part's CSV takes seconds: an idle kept-alive socket must not outlive the server's 5 s timeout.
setGlobalDispatcher(new Agent({ keepAliveTimeout: 1000 }));
const { values: flags } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    'job-rows': { type: 'string', default: '2000000' },
    parallel: { type: 'string', default: '1' },
    emulator: { type: 'string', default: `${ROOT}emulator/index.ts` },
    options: { type: 'string', default: '{}' },
    'no-admin': { type: 'boolean', default: false },
    'no-query': { type: 'boolean', default: false },
    profile: { type: 'string' },
    heap: { type: 'string' },
  },
});
const checkpoints = (flags.rows ?? '').split(',').map((s) => Number(s.replace(/_/g, '')));
const jobRows = Number(flags['job-rows']);
const parallel = Number(flags.parallel);
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

const host = fork(
  fileURLToPath(new URL('./scale/emulator-host.ts', import.meta.url)),
  [flags.emulator ?? '', flags.options ?? '{}'],
  {
    execArgv: [
      '--import',
      'tsx',
      // Only for an emulator that needs more heap than Node's default to survive (today's, before the disk store).
      ...(flags.heap ? [`--max-old-space-size=${flags.heap}`] : []),
      ...(flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${flags.profile}`] : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  },
);
const [{ url }] = (await once(host, 'message')) as [{ url: string }];

async function memory(): Promise<HostMemory> {
  const reply = once(host, 'message') as Promise<[{ memory: HostMemory }]>;
  host.send('memory');
  return (await reply)[0].memory;
}

const auth = { authorization: `Bearer ${(await passwordLogin(url)).token}` };
const api = `${url}/services/data/v62.0/jobs`;

async function call<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT',
  path: string,
  body?: string | AsyncIterable<Buffer>,
): Promise<T> {
  const type = typeof body === 'string' ? 'application/json' : 'text/csv';
  const res = await request(`${api}${path}`, {
    method,
    headers: { ...auth, 'content-type': type },
    body: body === undefined ? null : typeof body === 'string' ? body : Readable.from(body),
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${text}`);
  return (text === '' ? {} : JSON.parse(text)) as T;
}

async function waitFor(kind: 'ingest' | 'query', id: string): Promise<Record<string, unknown>> {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const info = await call<Record<string, unknown>>('GET', `/${kind}/${id}`);
    if (info['state'] === 'JobComplete') return info;
    if (info['state'] === 'Failed' || info['state'] === 'Aborted')
      throw new Error(`${kind} ${id}: ${JSON.stringify(info)}`);
  }
}

/** The CSV of Contacts [from, to), made 10,000 lines at a time as the upload takes it (no long pause). */
async function* contacts(from: number, to: number): AsyncGenerator<Buffer> {
  yield Buffer.from('FirstName,LastName,Email\n');
  for (let start = from; start < to; start += 10_000) {
    let block = '';
    for (let i = start; i < Math.min(to, start + 10_000); i++) block += `First${i},Last${i},user${i}@example.com\n`;
    yield Buffer.from(block);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function ingestJob(from: number, to: number): Promise<void> {
  const job = await call<{ id: string }>(
    'POST',
    '/ingest',
    JSON.stringify({ object: 'Contact', operation: 'insert', contentType: 'CSV' }),
  );
  await call('PUT', `/ingest/${job.id}/batches`, contacts(from, to));
  await call('PATCH', `/ingest/${job.id}`, JSON.stringify({ state: 'UploadComplete' }));
  const info = await waitFor('ingest', job.id);
  if (info['numberRecordsFailed'] !== 0) throw new Error(`job ${job.id} failed rows: ${JSON.stringify(info)}`);
}

/** Streams a body to its end, counting bytes and newlines. */
async function drain(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ bytes: number; lines: number; locator?: string }> {
  const res = await request(path, { headers: { ...auth, ...headers } });
  if (res.statusCode !== 200) throw new Error(`GET ${path}: ${res.statusCode} ${await res.body.text()}`);
  let bytes = 0;
  let lines = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines += 1;
  }
  const locator = res.headers['sforce-locator'];
  return { bytes, lines, ...(typeof locator === 'string' && locator !== 'null' ? { locator } : {}) };
}

async function queryAll(): Promise<number> {
  const job = await call<{ id: string }>(
    'POST',
    '/query',
    JSON.stringify({ operation: 'query', query: 'SELECT Id, FirstName, LastName, Email FROM Contact' }),
  );
  const info = await waitFor('query', job.id);
  console.log(
    `| (query processing, as the job reports it) | ${(Number(info['totalProcessingTime']) / 1000).toFixed(1)} | | | | | |`,
  );
  let rows = 0;
  let page = await drain(`${api}/query/${job.id}/results?maxRecords=50000`);
  rows += page.lines - 1;
  while (page.locator) {
    page = await drain(`${api}/query/${job.id}/results?maxRecords=50000&locator=${page.locator}`);
    rows += page.lines - 1;
  }
  return rows;
}

function line(what: string, seconds: number, m: HostMemory): void {
  console.log(
    `| ${what} | ${seconds.toFixed(1)} | ${mb(m.peakRssKb)} | ${mb(m.peakAnonKb)} | ${mb(m.peakFileKb)} | ${mb(m.rssKb)} | ${mb(m.rssAnonKb)} | ${mb(m.rssFileKb)} | ${mb(m.heapUsedKb)} |`,
  );
}

console.log(`emulator ${flags.emulator}, options ${flags.options}, jobs of ${jobRows} rows, ${parallel} at a time\n`);
console.log('| step | seconds | peak RSS | peak anon | peak file | RSS | anon | file | heap used |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
line('started', 0, await memory());
let loaded = 0;
const started = performance.now();
try {
  for (const target of checkpoints) {
    const stepStart = performance.now();
    const parts: Array<[number, number]> = [];
    for (let from = loaded; from < target; from += jobRows) parts.push([from, Math.min(target, from + jobRows)]);
    for (let i = 0; i < parts.length; i += parallel) {
      await Promise.all(parts.slice(i, i + parallel).map(([from, to]) => ingestJob(from, to)));
    }
    loaded = target;
    const seconds = (performance.now() - stepStart) / 1000;
    line(
      `${target.toLocaleString('en-US')} loaded (${((target - (parts[0]?.[0] ?? 0)) / seconds).toFixed(0)} rows/s)`,
      seconds,
      await memory(),
    );
  }
  if (!flags['no-query']) {
    const t = performance.now();
    const rows = await queryAll();
    line(`query of all: ${rows.toLocaleString('en-US')} rows`, (performance.now() - t) / 1000, await memory());
  }
  if (!flags['no-admin']) {
    const t = performance.now();
    const out = await drain(`${url}/__emulator/sobjects/Contact/records?format=jsonl`);
    line(
      `admin jsonl: ${out.lines.toLocaleString('en-US')} records, ${(out.bytes / 1e6).toFixed(0)} MB`,
      (performance.now() - t) / 1000,
      await memory(),
    );
  }
} finally {
  console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s`);
  host.send('close');
  await once(host, 'exit');
}
