/**
 * Memory benchmark of the streaming client: peak RSS of a process that ingests N generated Contact rows
 * (split → upload → results streamed to files) and then queries them back through Bulk 2.0 into a file.
 *
 * The emulator runs in its own child process (it keeps the org's rows in memory); every measured run is a
 * fresh child too, so `process.resourceUsage().maxRSS` is that run's own peak. An idle child that only loads
 * the client and logs in gives the baseline.
 *
 * Run: `npm run bench` (or `node --import tsx bench/stream-memory.ts [rows…]`, default 10000 1000000).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { runChild, type ChildReport } from './stream-memory-child.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SELF = fileURLToPath(import.meta.url);

async function startEmulator(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/bulkflow.js'), 'emulator', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    if (/^https?:\/\//.test(line.trim())) return { url: line.trim(), child };
  }
  throw new Error('the emulator exited before printing its URL');
}

/** Writes `rows` Contact rows, streaming. */
async function generateContacts(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('FirstName,LastName,Email,Phone,Title,Description\n');
  for (let i = 0; i < rows; i++) {
    const quoted = i % 10 === 0 ? '"Says ""hi"", then leaves"' : 'Plain note';
    await write(
      `First${i},Last${i},user${i}@example.com,+1 555 ${String(i % 10_000).padStart(4, '0')},Engineer,${quoted}\n`,
    );
  }
  out.end();
  await once(out, 'finish');
}

function runInChild(args: string[]): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--child', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: ROOT,
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code === 0) resolve(JSON.parse(line) as ChildReport);
      else reject(new Error(`benchmark child failed (exit ${code}): ${out}`));
    });
  });
}

const mb = (kb: number) => (kb / 1024).toFixed(1);

function printTable(idle: ChildReport, runs: ChildReport[]): void {
  const base = runs[0];
  const header = [
    'rows',
    'input MB',
    'ingest s',
    'query s',
    'rows back',
    'poll retries',
    'peak RSS MB',
    '× smallest',
    '× idle',
  ];
  const body = runs.map((r) => [
    r.rows.toLocaleString('en-US'),
    (r.inputBytes / 1024 / 1024).toFixed(1),
    (r.ingestMs / 1000).toFixed(1),
    (r.queryMs / 1000).toFixed(1),
    r.queryRows.toLocaleString('en-US'),
    String(r.pollRetries),
    mb(r.maxRssKb),
    base ? (r.maxRssKb / base.maxRssKb).toFixed(2) : '-',
    (r.maxRssKb / idle.maxRssKb).toFixed(2),
  ]);
  const all = [header, ['idle', '-', '-', '-', '-', '-', mb(idle.maxRssKb), '-', '1.00'], ...body];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  for (const row of all) console.log(row.map((cell, i) => cell.padStart(widths[i] ?? 0)).join('  '));
}

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number);
  const rowsList = sizes.length > 0 ? sizes : [10_000, 1_000_000];
  const dir = mkdtempSync(join(tmpdir(), 'bulkflow-bench-'));
  const { url, child } = await startEmulator();
  try {
    const idle = await runInChild(['idle', url, dir, '0']);
    const runs: ChildReport[] = [];
    for (const rows of rowsList) {
      const input = join(dir, `contacts-${rows}.csv`);
      await generateContacts(input, rows);
      const reset = await fetch(`${url}/__emulator/reset`, { method: 'POST' });
      if (reset.status !== 204) throw new Error(`emulator reset answered ${reset.status}`);
      const report = await runInChild(['run', url, dir, String(rows)]);
      report.inputBytes = statSync(input).size;
      runs.push(report);
      rmSync(input);
    }
    console.log(`Node ${process.version}, emulator in a separate process; peak RSS = process.resourceUsage().maxRSS`);
    printTable(idle, runs);
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  const [, , , mode, url, dir, rows] = process.argv;
  runChild(mode === 'run' ? 'run' : 'idle', url ?? '', dir ?? '', Number(rows)).then(
    (report) => console.log(JSON.stringify(report)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
} else {
  await main();
}
