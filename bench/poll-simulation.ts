/**
 * Polls per Bulk job under common/poll-policy.ts, against the old fixed backoff (1 s × 1.5 up to 30 s),
 * for simulated jobs of 10 s to 4 h. Prints a markdown table; pure arithmetic, no Salesforce, no Temporal.
 *
 *   node --import tsx bench/poll-simulation.ts
 */
import { SimulatedCurve, simulatePolls, type SimulatedJob } from '../common/poll-policy.js';

const SECOND = 1000;
const durations: Array<[label: string, ms: number]> = [
  ['10 s', 10 * SECOND],
  ['1 min', 60 * SECOND],
  ['10 min', 600 * SECOND],
  ['1 h', 3600 * SECOND],
  ['4 h', 14_400 * SECOND],
];
const kinds: Array<[label: string, job: Omit<SimulatedJob, 'durationMs'>]> = [
  ...Object.values(SimulatedCurve).map((curve): [string, Omit<SimulatedJob, 'durationMs'>] => [
    curve,
    { totalRecords: 1_000_000, curve },
  ]),
  ['steady, total unknown (query)', { totalRecords: 1_000_000, curve: SimulatedCurve.Steady, totalKnown: false }],
];

/** Polls of the old workflow loop (salesforce/polling.ts defaults), counted the same way: first poll at 0. */
function fixedBackoffPolls(durationMs: number): number {
  let polls = 1;
  let elapsed = 0;
  for (let delay = 1000; elapsed < durationMs; delay = Math.min(Math.round(delay * 1.5), 30_000)) {
    elapsed += delay;
    polls += 1;
  }
  return polls;
}

const seconds = (ms: number) => `${(ms / SECOND).toFixed(1)} s`;
const header = ['job', 'progress', 'polls', 'late by', 'allowed', 'old backoff polls'];
const rows: string[][] = [];
for (const [kind, job] of kinds) {
  for (const [label, durationMs] of durations) {
    const { polls, lateByMs } = simulatePolls({ ...job, durationMs });
    const allowed = Math.max(SECOND, 0.1 * durationMs);
    rows.push([label, kind, String(polls), seconds(lateByMs), seconds(allowed), String(fixedBackoffPolls(durationMs))]);
  }
}
/** Markdown, padded; text columns left-aligned, numbers right-aligned. */
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const cell = (text: string, i: number) => (i < 2 ? text.padEnd(widths[i] ?? 0) : text.padStart(widths[i] ?? 0));
const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
const rule = `| ${widths.map((w, i) => (i < 2 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
process.stdout.write(`${[line(header), rule, ...rows.map(line)].join('\n')}\n`);
