/** The soak's figures as people read them. */
import type { SoakReport } from './driver.js';

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const s = (ms: number | undefined) => (ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

export function formatReport(report: SoakReport): string {
  const o = report.options;
  const ingests = report.workflows.filter((w) => w.kind === 'ingest');
  const queries = report.workflows.filter((w) => w.kind === 'query');
  const count = (pred: (w: (typeof ingests)[number]) => boolean) => ingests.filter(pred).length;
  const ops = (['insert', 'update', 'upsert', 'delete'] as const).map((op) => `${op} ${count((w) => w.op === op)}`);
  const completed = report.workflows.filter((w) => !w.failure).length;
  const t0 = Math.min(...report.workflows.map((w) => w.startedAt), ...report.kills.map((k) => k.at));
  const routes = Object.entries(report.apiCallsByRoute)
    .sort(([, a], [, b]) => b - a)
    .slice(0, 6)
    .map(([route, c]) => `${route} ${n(c)}`);
  const faults = report.faults.map((f) => `${f.type} ${n(f.fired)}/${n(f.seen)}`);
  const lines = [
    `soak: ${o.workers} workers, ${o.jobs} ingest workflows at once × ${n(o.rows)} rows, ` +
      (o.plan !== undefined ? `a plan of ${o.plan}, ` : `${(o.durationMs / 60_000).toFixed(1)} min of starts, `) +
      (o.killIntervalMs > 0 ? `a worker killed every ${s(o.killIntervalMs)}, ` : '') +
      `${n(o.recordsPerSecond)} rows/s per job, seed ${o.seed}` +
      (o.transientRetry ? `, transient retry on (lock rate ${o.lockRate})` : ', lock fault off'),
    `elapsed: ${s(report.elapsedMs)}; seeded ${n(report.seededRows)} rows in-process (${s(report.seedMs)} before the first start, not counted)`,
    `workflows: ${ingests.length} ingest (${ops.join(', ')}; 2.0 ${count((w) => w.api === '2.0')}, v1 ${count((w) => w.api === '1.0')}; ` +
      `Contact ${count((w) => w.object === 'Contact')}) + ${queries.length} queries; completed ${completed}/${report.workflows.length}`,
    `throughput: ${n(report.throughput)} rows/s (${n(report.ingestedRows)} rows ingested)`,
    `API calls: ${n(report.apiCalls)} (${routes.join('; ')})`,
    `faults fired/seen: ${faults.join(', ')}; sessions expired ${report.sessionExpiries} times`,
    `history events: ${n(report.historyEvents)} over ${report.executions} executions (largest ${n(report.largestHistory)})`,
    `worker peak RSS (VmHWM): ${report.workerPeakRss.map(mb).join(', ')} (max ${mb(Math.max(0, ...report.workerPeakRss))}); ` +
      `${report.workerStarts} worker processes started; this process (emulator and driver) ${mb(report.driverPeakRss)}`,
  ];
  if (o.transientRetry) {
    const retried = ingests.reduce((sum, w) => sum + (w.retriedRows ?? 0), 0);
    const maxAttempt = Math.max(1, ...ingests.map((w) => w.maxAttempt ?? 1));
    lines.push(`transient retry: ${n(retried)} rows succeeded on a later attempt (highest attempt ${maxAttempt})`);
  }
  lines.push(`kills (${report.kills.length}):`);
  report.kills.forEach((k, i) => {
    const when = `+${s(k.at - t0)}`;
    const what =
      k.kind === 'server'
        ? `Temporal server: down ${s(k.restartMs)}`
        : `worker ${k.slot} (pid ${k.pid}, ${k.reason}): ${k.orphans} activities orphaned` +
          (k.orphans > 0 ? `, resumed after ${s(k.orphansRecoveredMs)}` : '') +
          `, replacement polling after ${s(k.restartMs)}`;
    lines.push(`  #${i + 1} ${when} ${what}; next progress after ${s(k.progressRecoveredMs)}`);
  });
  const v = report.verify;
  lines.push(
    `org check: ${n(v.checked)} records of the soak: ${n(v.live)} live with the expected values, ${n(v.deleted)} deleted as expected`,
  );
  lines.push(report.problems.length === 0 ? 'problems: none' : `problems (${report.problems.length}):`);
  for (const p of report.problems.slice(0, 40)) lines.push(`  - ${p}`);
  if (report.problems.length > 40) lines.push(`  … ${report.problems.length - 40} more`);
  for (const exit of report.unexpectedWorkerExits.slice(0, 3)) {
    lines.push(`worker ${exit.slot} output before it exited:\n${exit.tail}`);
  }
  return lines.join('\n');
}
