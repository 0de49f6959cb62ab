/**
 * bulkflow against its baselines, in one run on one emulator (issue 10): for N generated Contacts
 * (FirstName, LastName, Email), a Bulk 2.0 insert and a Bulk 2.0 query of them back, each by
 *
 * - **raw**: the least undici code that does the job on the wire (`bench/compare/raw-wire.ts`);
 * - **jsforce** 3.10: `bulk2.loadAndWaitForResults` and `bulk2.query` (`bench/compare/jsforce-client.ts`);
 * - **bulkflow**: the `bulkflow ingest` / `bulkflow query` command against a `bulkflow worker` process and a
 *   Temporal dev server (`bench/compare/bulkflow-stack.ts`), measured after a warm-up run (workflow bundle,
 *   JIT, connections).
 *
 * The emulator runs unthrottled in a process of its own, and so does each raw and jsforce run. Per run: wall
 * time of the candidate's process, its own work time (bulkflow: the workflow's duration), API calls (the
 * emulator's request counts), bytes on the wire (counted at the emulator's sockets) and the peak RSS of the
 * process doing the work (bulkflow: the worker, whose peak is reset before each run). Rounds interleave the
 * candidates; the emulator is reset before each insert, and each query reads the rows just inserted.
 *
 * Run: `npm run bench:compare -- [--rows 1000000[,100000…]] [--runs 3] [--profile DIR]`. With `--profile` the
 * worker runs under `node --cpu-prof` and the self time of each bulkflow phase is printed.
 *
 * Inputs over 100 MiB of CSV (about 2,200,000 rows) take several Bulk 2.0 jobs: raw splits the file and sends
 * the parts at once; jsforce's `bulk2.loadAndWaitForResults` does not split, so its ingest is "n/a" there; a
 * candidate that fails a run is shown as "n/a" with the reason, and the others go on. Per input size it also
 * prints the emulator's peak RSS, and how bulkflow's phases lie in time across its child jobs (one after
 * another, or side by side).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BulkflowStack } from './compare/bulkflow-stack.js';
import { writeContacts } from './compare/contacts.js';
import { diff, EmulatorProcess } from './compare/emulator-client.js';
import { phaseOverlaps, phaseTotals, workflowPhases, type PhaseWindow } from './compare/phases.js';
import { clockAnchor, formatPhaseProfiles, profilePhases, readNewestProfile } from './compare/profile.js';
import {
  lastJsonLine,
  peakRssKb,
  resetPeakRss,
  rssKb,
  runNode,
  type ChildReport,
  type Direction,
} from './compare/protocol.js';
import {
  CANDIDATES,
  formatRawSteps,
  formatRoutes,
  formatRuns,
  formatTable,
  type Candidate,
  type Measurement,
} from './compare/report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD: Record<'raw' | 'jsforce', string> = {
  raw: join(ROOT, 'bench/compare/raw-wire.ts'),
  jsforce: join(ROOT, 'bench/compare/jsforce-client.ts'),
};

const { values: flags } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    profile: { type: 'string' },
  },
});
const sizes = (flags.rows ?? '').split(',').map((s) => Number(s.replace(/_/g, '')));
const runs = Number(flags.runs);
/** jsforce sends the whole file as one job; Salesforce takes 150 MB base64-encoded, 100 MiB of CSV in practice. */
const JSFORCE_MAX_BYTES = 100 * 1024 * 1024;
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !(runs >= 1)) {
  throw new Error('usage: --rows N[,N…] --runs R [--profile DIR]');
}

class Comparison {
  readonly measurements: Measurement[] = [];
  /** The windows of every measured bulkflow run, by input size. */
  readonly bulkflowPhases: Array<PhaseWindow & { rows: number; runIndex: number }> = [];
  /** The worker's RSS once it polls (bundle built), before any job, kilobytes. */
  workerIdleRssKb = 0;
  /** The emulator's peak RSS per input size, kilobytes. */
  readonly emulatorPeakKb = new Map<number, number>();

  constructor(
    private readonly emulator: EmulatorProcess,
    private readonly bulkflow: BulkflowStack,
    private readonly dir: string,
  ) {}

  /** One candidate, one operation: `ingest` resets the org first; `query` reads what the last ingest left. */
  async measure(candidate: Candidate, op: Direction, rows: number, input: string, record = true): Promise<void> {
    if (candidate === 'jsforce' && op === 'ingest' && statSync(input).size > JSFORCE_MAX_BYTES) {
      const notApplicable = "jsforce's bulk2 does not split inputs over 100 MB";
      this.measurements.push({ ...NOT_MEASURED, candidate, op, rows, notApplicable });
      return;
    }
    try {
      await this.#measure(candidate, op, rows, input, record);
    } catch (error) {
      if (candidate === 'bulkflow' || !record) throw error;
      const notApplicable = `failed: ${failureReason(error)}`;
      process.stderr.write(`# ${rows} ${op} ${candidate}: ${notApplicable}\n`);
      this.measurements.push({ ...NOT_MEASURED, candidate, op, rows, notApplicable });
    }
  }

  async #measure(candidate: Candidate, op: Direction, rows: number, input: string, record: boolean): Promise<void> {
    if (op === 'ingest') await this.emulator.reset();
    const before = await this.emulator.snapshot();
    const out = join(this.dir, `out-${candidate}-${op}`);
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out);
    let wallMs: number;
    let workMs: number;
    let peakRssKbOf: number;
    let done: { rows: number; failed: number };
    let steps: Pick<Measurement, 'stepsMs' | 'processingMs'> = {};
    if (candidate === 'bulkflow') {
      const pid = this.bulkflow.worker.pid ?? -1;
      resetPeakRss(pid);
      const run = op === 'ingest' ? await this.bulkflow.ingest(input) : await this.bulkflow.query(join(out, 'q.csv'));
      peakRssKbOf = peakRssKb(pid);
      ({ wallMs, workflowMs: workMs } = run);
      done = run;
      if (record) {
        const windows = await workflowPhases(this.bulkflow.client, run.workflowId);
        const runIndex = this.measurements.filter(
          (m) => m.candidate === 'bulkflow' && m.rows === rows && m.op === op,
        ).length;
        const named = windows.map((w) => ({
          ...w,
          rows,
          runIndex,
          name: w.name === 'timer' ? `${op} poll timer` : w.name,
        }));
        this.bulkflowPhases.push(...named);
      }
    } else {
      const child = await runNode(
        ['--import', 'tsx', CHILD[candidate], op, this.emulator.url, input, out],
        process.env,
        ROOT,
      );
      const report = lastJsonLine<ChildReport>(child.stdout);
      ({ wallMs } = child);
      ({ workMs, maxRssKb: peakRssKbOf } = report);
      done = report;
      steps = {
        ...(report.stepsMs ? { stepsMs: report.stepsMs } : {}),
        ...(report.processingMs === undefined ? {} : { processingMs: report.processingMs }),
      };
    }
    const wire = diff(before, await this.emulator.snapshot());
    rmSync(out, { recursive: true, force: true });
    if (done.rows !== rows || done.failed !== 0) {
      throw new Error(`${candidate} ${op}: ${done.rows} rows (${done.failed} failed), expected ${rows}`);
    }
    if (record) this.measurements.push({ candidate, op, rows, wallMs, workMs, wire, peakRssKb: peakRssKbOf, ...steps });
    process.stderr.write(`# ${rows} ${op} ${candidate}: ${(wallMs / 1000).toFixed(2)} s\n`);
  }
}

/** The telling line of a child's failure (its error or fatal message), not the command line. */
function failureReason(error: unknown): string {
  const lines = String(error instanceof Error ? error.message : error)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const telling = lines.find((line) => /FATAL|heap out of memory|Error:|ERR_/i.test(line)) ?? lines.at(-1) ?? '';
  return telling.slice(0, 200);
}

const NOT_MEASURED = {
  wallMs: NaN,
  workMs: NaN,
  peakRssKb: 0,
  wire: { requests: 0, byRoute: {}, requestBytes: 0, responseBytes: 0 },
};

const loadAtStart = loadavg();

function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head} + uncommitted changes` : head;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bulkflow-compare-'));
  const profileDir = flags.profile ? resolve(flags.profile) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const emulator = await EmulatorProcess.start();
  const staging = join(dir, 'staging');
  mkdirSync(staging);
  const bulkflow = await BulkflowStack.start({
    emulatorUrl: emulator.url,
    stagingDir: staging,
    ...(profileDir ? { cpuProfileDir: profileDir } : {}),
  });
  const anchor = clockAnchor();
  const comparison = new Comparison(emulator, bulkflow, dir);
  comparison.workerIdleRssKb = rssKb(bulkflow.worker.pid ?? -1);
  try {
    for (const [i, rows] of sizes.entries()) {
      const input = join(dir, `contacts-${rows}.csv`);
      await writeContacts(input, rows);
      process.stderr.write(`# ${rows} rows: ${(statSync(input).size / 1e6).toFixed(1)} MB of CSV\n`);
      resetPeakRss(emulator.pid);
      if (i === 0) {
        // Warm-up: the worker's first activities, the emulator's JIT; not recorded.
        await comparison.measure('bulkflow', 'ingest', rows, input, false);
        await comparison.measure('bulkflow', 'query', rows, input, false);
      }
      for (let round = 0; round < runs; round++) {
        for (const candidate of CANDIDATES) {
          await comparison.measure(candidate, 'ingest', rows, input);
          await comparison.measure(candidate, 'query', rows, input);
        }
      }
      comparison.emulatorPeakKb.set(rows, peakRssKb(emulator.pid));
      rmSync(input);
    }
  } finally {
    await bulkflow.stop();
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
  print(comparison, profileDir, anchor);
}

function print(comparison: Comparison, profileDir: string | undefined, anchor: ReturnType<typeof clockAnchor>): void {
  const all = comparison.measurements;
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
  console.log(
    `Node ${process.version}, ${cpus().length} CPUs, commit ${commit()}; load average ${load(loadAtStart)} at start, ` +
      `${load(loadavg())} at end. Emulator, Temporal server, worker and each client run in processes of their own.\n`,
  );
  for (const rows of sizes)
    console.log(
      `${formatTable(
        rows,
        all.filter((m) => m.rows === rows),
      )}\n`,
    );
  const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
  const worker = (rows: number) =>
    Math.max(...all.filter((m) => m.rows === rows && m.candidate === 'bulkflow').map((m) => m.peakRssKb));
  const peaks = sizes.map((rows) => `${mb(worker(rows))} at ${rows.toLocaleString('en-US')} rows`).join(', ');
  const [small, large] = [Math.min(...sizes), Math.max(...sizes)];
  const ratio = sizes.length > 1 ? `; ${large} vs ${small}: ${(worker(large) / worker(small)).toFixed(2)}×` : '';
  console.log(`Worker RSS idle (bundle built, no job yet): ${mb(comparison.workerIdleRssKb)}; peak ${peaks}${ratio}`);
  const emulatorPeaks = sizes.map(
    (rows) => `${mb(comparison.emulatorPeakKb.get(rows) ?? 0)} at ${rows.toLocaleString('en-US')} rows`,
  );
  console.log(
    `Emulator peak RSS (its records, jobs and result files; every candidate's runs): ${emulatorPeaks.join(', ')}\n`,
  );
  const lastIngest = all.filter((m) => m.candidate === 'bulkflow' && m.op === 'ingest').at(-1);
  if (lastIngest) console.log(`API calls of one bulkflow ingest:\n${formatRoutes(lastIngest)}\n`);
  for (const rows of sizes) {
    console.log(`raw steps at ${rows.toLocaleString('en-US')} rows, mean per run:\n${formatRawSteps(all, rows)}`);
    const windows = comparison.bulkflowPhases.filter((w) => w.rows === rows);
    console.log(
      `bulkflow phases at ${rows.toLocaleString('en-US')} rows, mean per run (activity start to completion):`,
    );
    for (const p of phaseTotals(windows)) {
      console.log(`  ${p.name}: ${(p.count / runs).toFixed(1)}×, ${(p.ms / runs / 1000).toFixed(2)} s`);
    }
    console.log(
      `bulkflow phases across child jobs at ${rows.toLocaleString('en-US')} rows (first run; s from its first activity):`,
    );
    const firstRun = windows.filter((w) => w.runIndex === 0);
    for (const p of phaseOverlaps(firstRun)) {
      const s = (ms: number) => (ms / 1000).toFixed(2);
      console.log(
        `  ${p.name}: ${p.count}×, ${s(p.summedMs)} s summed, ${s(p.coveredMs)} s of wall time, ` +
          `at most ${p.maxAtOnce} at once, from ${s(p.fromMs)} to ${s(p.toMs)} s`,
      );
    }
  }
  console.log(`\nAll runs:\n${formatRuns(all)}`);
  if (profileDir) {
    const windows = comparison.bulkflowPhases.filter((w) => w.rows === large);
    const phases = profilePhases(readNewestProfile(profileDir), windows, anchor);
    console.log(
      `\nWorker CPU profile (${profileDir}), ${large} rows, top self time per phase (all ${runs} runs):\n` +
        formatPhaseProfiles(phases),
    );
  }
}

await main();
