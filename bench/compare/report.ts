/**
 * The comparison's figures and its markdown: medians of the measured runs per operation and candidate, and
 * speed ratios (speed = 1 / wall time) against the raw wire baseline and jsforce.
 */
import type { Direction } from './protocol.js';
import type { WireSnapshot } from './emulator-client.js';

export type Candidate = 'raw' | 'jsforce' | 'bulkflow';
export const CANDIDATES: readonly Candidate[] = ['raw', 'jsforce', 'bulkflow'];

/** One measured run of one candidate. */
export interface Measurement {
  candidate: Candidate;
  op: Direction;
  rows: number;
  /** The candidate's process from spawn to exit (bulkflow: the CLI). */
  wallMs: number;
  /** raw/jsforce: login to done, inside the process; bulkflow: the workflow's start to close. */
  workMs: number;
  wire: WireSnapshot;
  /** Peak RSS of the process doing the work (bulkflow: the worker), kilobytes. */
  peakRssKb: number;
  /** raw only: ms per step (login+create, upload, waiting, download) and Salesforce's processing time. */
  stepsMs?: Record<string, number>;
  processingMs?: number;
  /** Set when the candidate cannot do the run: why (the row reads "n/a: …"). */
  notApplicable?: string;
}

const JOB_CREATE = /^POST \S+\/jobs\/(ingest|query)$/;

/** Bulk 2.0 jobs a run created (its `POST …/jobs/ingest|query` calls). */
export function jobsCreated(wire: WireSnapshot): number {
  return Object.entries(wire.byRoute)
    .filter(([route]) => JOB_CREATE.test(route))
    .reduce((n, [, c]) => n + c, 0);
}

/** The raw runs' steps, mean per run, e.g. `ingest: create 0.02 s, upload 0.25 s, … (Salesforce processing 11.5 s)`. */
export function formatRawSteps(all: readonly Measurement[], rows: number): string {
  const lines: string[] = [];
  for (const op of ['ingest', 'query'] as const) {
    const runs = all.filter((m) => m.candidate === 'raw' && m.op === op && m.rows === rows && m.stepsMs);
    // Several jobs: each step is the slowest part's.
    if (runs.length === 0) continue;
    const names = Object.keys(runs[0]?.stepsMs ?? {});
    const mean = (pick: (m: Measurement) => number) => runs.reduce((n, m) => n + pick(m), 0) / runs.length / 1000;
    const steps = names.map((name) => `${name} ${mean((m) => m.stepsMs?.[name] ?? 0).toFixed(2)} s`).join(', ');
    lines.push(`  ${op}: ${steps} (Salesforce processing ${mean((m) => m.processingMs ?? 0).toFixed(2)} s)`);
  }
  return lines.join('\n');
}

const JOB_INFO = /^GET \S+\/jobs\/(ingest|query)\/\{jobId\}$/;

/** Job-info GETs: polls (bulkflow's close step also reads the job once before closing it). */
export function jobInfoCalls(wire: WireSnapshot): number {
  return Object.entries(wire.byRoute)
    .filter(([route]) => JOB_INFO.test(route))
    .reduce((n, [, c]) => n + c, 0);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

interface Summary {
  wallS: number;
  workS: number;
  calls: number;
  polls: number;
  jobs: number;
  wireMb: number;
  rssMb: number;
  notApplicable?: string;
}

function summarize(all: Measurement[]): Summary | undefined {
  const runs = all.filter((r) => r.notApplicable === undefined);
  const skipped = all.find((r) => r.notApplicable !== undefined);
  if (runs.length === 0) return skipped ? { ...EMPTY, notApplicable: skipped.notApplicable ?? '' } : undefined;
  const m = (f: (r: Measurement) => number) => median(runs.map(f));
  return {
    wallS: m((r) => r.wallMs) / 1000,
    workS: m((r) => r.workMs) / 1000,
    calls: m((r) => r.wire.requests),
    polls: m((r) => jobInfoCalls(r.wire)),
    jobs: m((r) => jobsCreated(r.wire)),
    wireMb: m((r) => r.wire.requestBytes + r.wire.responseBytes) / 1e6,
    rssMb: m((r) => r.peakRssKb) / 1024,
  };
}

const EMPTY: Summary = { wallS: NaN, workS: NaN, calls: 0, polls: 0, jobs: 0, wireMb: 0, rssMb: 0 };

/** The markdown table for one input size. */
export function formatTable(rows: number, all: readonly Measurement[]): string {
  const out = [
    `### ${rows.toLocaleString('en-US')} rows (median of ${Math.max(...CANDIDATES.map((c) => all.filter((r) => r.candidate === c && r.op === 'ingest').length))} runs)`,
    '',
    '| op | candidate | wall s | work s | 2.0 jobs | API calls (job-info GETs) | calls per job | wire MB (req + resp) | peak RSS MB | speed vs raw | speed vs jsforce |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const ratio = (base: Summary | undefined, x: Summary) =>
    base && Number.isFinite(base.wallS) ? `${(base.wallS / x.wallS).toFixed(2)}×` : 'n/a';
  for (const op of ['ingest', 'query'] as const) {
    const s = new Map(CANDIDATES.map((c) => [c, summarize(all.filter((r) => r.candidate === c && r.op === op))]));
    for (const c of CANDIDATES) {
      const x = s.get(c);
      if (!x) continue;
      if (x.notApplicable !== undefined) {
        out.push(`| ${op} | ${c} | n/a: ${x.notApplicable} | | | | | | | | |`);
        continue;
      }
      const perJob = x.jobs > 0 ? (x.calls / x.jobs).toFixed(1) : '';
      out.push(
        `| ${op} | ${c} | ${x.wallS.toFixed(2)} | ${x.workS.toFixed(2)} | ${x.jobs} | ${x.calls} (${x.polls}) | ${perJob} | ` +
          `${x.wireMb.toFixed(1)} | ${x.rssMb.toFixed(0)} | ${ratio(s.get('raw'), x)} | ${ratio(s.get('jsforce'), x)} |`,
      );
    }
  }
  return out.join('\n');
}

/** Every run on one line each, for the record. */
export function formatRuns(all: readonly Measurement[]): string {
  return all
    .filter((r) => r.notApplicable === undefined)
    .map(
      (r) =>
        `${r.rows} ${r.op} ${r.candidate}: wall ${(r.wallMs / 1000).toFixed(2)} s, work ${(r.workMs / 1000).toFixed(2)} s, ` +
        `${r.wire.requests} calls (${jobInfoCalls(r.wire)} job-info), ` +
        `${((r.wire.requestBytes + r.wire.responseBytes) / 1e6).toFixed(1)} MB, RSS ${(r.peakRssKb / 1024).toFixed(0)} MB`,
    )
    .join('\n');
}

/** Routes and counts of one run (e.g. bulkflow's ingest), to see which calls a job costs. */
export function formatRoutes(m: Measurement): string {
  return Object.entries(m.wire.byRoute)
    .map(([route, count]) => `  ${count} × ${route}`)
    .join('\n');
}
