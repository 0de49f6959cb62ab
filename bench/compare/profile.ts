/**
 * Reads the worker's `--cpu-prof` profile and says where each phase's CPU went: self time per function, for
 * the samples that fall inside that phase's windows (activity runs from the workflow histories).
 *
 * V8 stamps samples with its monotonic clock (CLOCK_MONOTONIC on Linux, µs), the same clock as this process's
 * `process.hrtime`, so a wall-clock window maps onto the profile through one anchor taken here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { PhaseWindow } from './phases.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Wall clock and monotonic clock read at one moment. */
export interface ClockAnchor {
  wallMs: number;
  monoUs: number;
}

export function clockAnchor(): ClockAnchor {
  return { wallMs: Date.now(), monoUs: Number(process.hrtime.bigint() / 1000n) };
}

/**
 * The newest main-thread profile in `dir`. Node writes one per thread, `CPU.<date>.<time>.<pid>.<thread>.<n>`;
 * thread 0 runs the activities (the workflows run in a worker thread of their own).
 */
export function readNewestProfile(dir: string): CpuProfile {
  const files = readdirSync(dir)
    .filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f))
    .map((f) => ({ f, at: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => a.at - b.at);
  const newest = files.at(-1)?.f;
  if (!newest) throw new Error(`no .cpuprofile in ${dir}`);
  return JSON.parse(readFileSync(join(dir, newest), 'utf8')) as CpuProfile;
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? ` ${basename(url.replace(/\?.*$/, ''))}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'}${where}`;
}

/** Per phase name: sampled milliseconds, and the top functions by self time. */
export interface PhaseProfile {
  name: string;
  wallMs: number;
  sampledMs: number;
  /** Busy = not `(idle)`. */
  busyMs: number;
  top: Array<{ fn: string; ms: number }>;
}

export function profilePhases(
  profile: CpuProfile,
  windows: readonly PhaseWindow[],
  anchor: ClockAnchor,
  topN = 8,
): PhaseProfile[] {
  const toMono = (wallMs: number) => anchor.monoUs + (wallMs - anchor.wallMs) * 1000;
  const labels = new Map(profile.nodes.map((n) => [n.id, label(n)]));
  const names = [...new Set(windows.map((w) => w.name))];
  const result: PhaseProfile[] = [];
  // Sample times, once.
  const times: number[] = new Array<number>(profile.samples.length);
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    times[i] = t;
  }
  for (const name of names) {
    const spans = windows
      .filter((w) => w.name === name)
      .map((w) => [toMono(w.startMs), toMono(w.endMs)] as const)
      .sort((a, b) => a[0] - b[0]);
    const self = new Map<string, number>();
    let sampledUs = 0;
    let idleUs = 0;
    let span = 0;
    for (let i = 1; i < times.length; i++) {
      const at = times[i] ?? 0;
      while (span < spans.length && (spans[span]?.[1] ?? 0) < at) span++;
      const current = spans[span];
      if (!current || at < current[0]) continue;
      const dt = at - (times[i - 1] ?? at);
      const fn = labels.get(profile.samples[i] ?? -1) ?? '?';
      sampledUs += dt;
      if (fn.startsWith('(idle)')) idleUs += dt;
      else self.set(fn, (self.get(fn) ?? 0) + dt);
    }
    const top = [...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, topN)
      .map(([fn, us]) => ({ fn, ms: us / 1000 }));
    const wallMs = spans.reduce((n, [a, b]) => n + (b - a) / 1000, 0);
    result.push({ name, wallMs, sampledMs: sampledUs / 1000, busyMs: (sampledUs - idleUs) / 1000, top });
  }
  return result;
}

/** Markdown: one block per phase. */
export function formatPhaseProfiles(phases: readonly PhaseProfile[]): string {
  const lines: string[] = [];
  for (const p of phases) {
    if (p.sampledMs === 0) continue;
    lines.push(
      `- **${p.name}**: ${(p.wallMs / 1000).toFixed(2)} s wall, worker CPU busy ${(p.busyMs / 1000).toFixed(2)} s`,
    );
    for (const f of p.top) lines.push(`  - ${(f.ms / 1000).toFixed(2)} s  ${f.fn}`);
  }
  return lines.join('\n');
}
