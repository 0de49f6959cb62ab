/**
 * Event-loop benchmark of the emulator's background processing: an in-process emulator works a Bulk 2.0 insert
 * of N Contact rows, then Bulk 2.0 queries over them (plain and with ORDER BY), while this process polls job
 * info over a kept-alive connection. For each phase it records the event loop's maximum delay
 * (`perf_hooks.monitorEventLoopDelay`) from the request that starts the work until the job is complete, the
 * slowest job-info answer, and failed polls (e.g. ECONNRESET on a reused connection).
 *
 * Run: `node --max-old-space-size=8192 --import tsx bench/emulator-event-loop.ts [rows]` (default 1000000; a
 * million Contacts take about 3 GB of heap). Prints a table, then one JSON line with the figures.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createSalesforceEmulator, DEV_CREDENTIALS } from '../emulator/index.js';

const API = 'v62.0';
const POLL_MS = 100;

interface PhaseReport {
  phase: string;
  rows: number;
  seconds: number;
  maxDelayMs: number;
  p99DelayMs: number;
  polls: number;
  slowestPollMs: number;
  failedPolls: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Call = (path: string, init?: RequestInit) => Promise<Response>;

async function login(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: DEV_CREDENTIALS.clientId,
      client_secret: DEV_CREDENTIALS.clientSecret,
      username: DEV_CREDENTIALS.username,
      password: DEV_CREDENTIALS.password + DEV_CREDENTIALS.securityToken,
    }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

function client(baseUrl: string, token: string, kind: 'ingest' | 'query'): Call {
  const base = `${baseUrl}/services/data/${API}/jobs/${kind}`;
  return (path, init = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...init.headers },
    });
}

async function json<T>(res: Response): Promise<T> {
  if (res.status >= 300) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** About 75 bytes a row, one row in ten with a quoted cell. */
function contactsCsv(rows: number): Buffer {
  const parts = ['FirstName,LastName,Email,Phone,Title,Description\n'];
  for (let i = 0; i < rows; i++) {
    const note = i % 10 === 0 ? '"Says ""hi"", then leaves"' : 'Plain note';
    const phone = `+1 555 ${String(i % 10_000).padStart(4, '0')}`;
    parts.push(`First${i},Last${i},user${i}@example.com,${phone},Engineer,${note}\n`);
  }
  return Buffer.from(parts.join(''), 'utf8');
}

/**
 * Starts the work with `kickOff`, then polls the job every POLL_MS until it is final, measuring the event loop
 * delay the whole time.
 */
async function measure(phase: string, call: Call, kickOff: () => Promise<string>): Promise<PhaseReport> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  // The histogram's first sample only sets its baseline: let it take one before the work starts.
  await sleep(50);
  const started = performance.now();
  const jobId = await kickOff();
  let polls = 0;
  let failedPolls = 0;
  let slowestPollMs = 0;
  let rows: number | undefined;
  for (;;) {
    const sent = performance.now();
    try {
      const info = await json<{ state: string; numberRecordsProcessed: number; errorMessage?: string }>(
        await call(`/${jobId}`),
      );
      polls += 1;
      slowestPollMs = Math.max(slowestPollMs, performance.now() - sent);
      rows = info.numberRecordsProcessed;
      if (info.state === 'Failed' || info.state === 'Aborted') throw new Error(`${phase}: ${info.errorMessage}`);
      if (info.state === 'JobComplete') break;
    } catch (error) {
      if (error instanceof Error && error.message.startsWith(phase)) throw error;
      failedPolls += 1;
    }
    await sleep(POLL_MS);
  }
  const seconds = (performance.now() - started) / 1000;
  // One more sample, so that a stall that ended with the last answer is counted.
  await sleep(50);
  histogram.disable();
  return {
    phase,
    rows: rows ?? 0,
    seconds,
    maxDelayMs: histogram.max / 1e6,
    p99DelayMs: histogram.percentile(99) / 1e6,
    polls,
    slowestPollMs,
    failedPolls,
  };
}

async function runQuery(query: Call, soql: string): Promise<string> {
  const body = JSON.stringify({ operation: 'query', query: soql });
  return (await json<{ id: string }>(await query('', { method: 'POST', body }))).id;
}

function printTable(reports: PhaseReport[]): void {
  const header = ['phase', 'rows', 'seconds', 'max loop delay ms', 'p99 ms', 'polls', 'slowest poll ms', 'failed'];
  const lines = reports.map((r) => [
    r.phase,
    String(r.rows),
    r.seconds.toFixed(1),
    r.maxDelayMs.toFixed(0),
    r.p99DelayMs.toFixed(0),
    String(r.polls),
    r.slowestPollMs.toFixed(0),
    String(r.failedPolls),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const row = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i] ?? 0)).join(' | ')} |`;
  console.log(row(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const line of lines) console.log(row(line));
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 1_000_000);
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`rows must be a positive integer, got ${process.argv[2]}`);
  const emulator = await createSalesforceEmulator();
  try {
    const token = await login(emulator.url);
    const ingest = client(emulator.url, token, 'ingest');
    const query = client(emulator.url, token, 'query');
    const csv = contactsCsv(rows);
    const create = JSON.stringify({ object: 'Contact', operation: 'insert', contentType: 'CSV', lineEnding: 'LF' });
    const job = await json<{ id: string }>(await ingest('', { method: 'POST', body: create }));
    const upload = await ingest(`/${job.id}/batches`, {
      method: 'PUT',
      headers: { 'Content-Type': 'text/csv' },
      body: csv,
    });
    if (upload.status !== 201) throw new Error(`upload failed: ${upload.status} ${await upload.text()}`);
    const reports: PhaseReport[] = [];
    reports.push(
      await measure(`ingest ${(csv.length / 1e6).toFixed(0)} MB`, ingest, async () => {
        const close = JSON.stringify({ state: 'UploadComplete' });
        await json(await ingest(`/${job.id}`, { method: 'PATCH', body: close }));
        return job.id;
      }),
    );
    reports.push(
      await measure('query', query, () => runQuery(query, 'SELECT Id, FirstName, LastName, Email FROM Contact')),
    );
    reports.push(
      await measure('query ORDER BY', query, () =>
        runQuery(query, "SELECT Id, LastName FROM Contact WHERE Title = 'Engineer' ORDER BY Email DESC"),
      ),
    );
    printTable(reports);
    console.log(JSON.stringify({ rows, reports }));
  } finally {
    await emulator.close();
  }
}

await main();
