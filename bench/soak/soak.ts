/**
 * The soak (issue 12): ingest workflows on three `bulkflow worker` processes sharing S3 staging, against the emulator
 * with faults, while workers are SIGKILLed every minute and the Temporal server once; then the org row by row.
 *
 *   npm run bench:soak                                  # 15 min, 20 × 100,000 rows at once, a kill a minute
 *   npm run bench:soak -- --scale 0.1                   # a tenth: fewer rows and jobs, shorter, kills as often
 *   npm run bench:soak -- --duration 5 --jobs 8 --rows 20000 --kill-interval 30
 *   npm run bench:soak -- --transient-retry             # 1 % UNABLE_TO_LOCK_ROW rows, each retried until it succeeds
 *
 * Options (all optional): --duration MIN, --jobs N, --rows N, --kill-interval SEC, --scale F, --workers N,
 * --records-per-second N (per job), --queries N, --session-expiry SEC, --server-restart true|false,
 * --transient-retry, --lock-rate F, --seed N, --call-timeout SEC and --heartbeat-timeout SEC (the workflows'
 * activity timeouts, which bound how soon a killed worker's activity runs again), --json FILE (the whole report).
 * Exits 1 when anything failed.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { runSoak } from '../../test/helpers/soak/driver.js';
import { formatReport } from '../../test/helpers/soak/report.js';

const HEAP_MB = 12_288;

// The emulator runs in this process and keeps every record (a full soak: millions): give it room.
if (v8.getHeapStatistics().heap_size_limit < HEAP_MB * 1024 * 1024 * 0.9 && !process.env.BULKFLOW_SOAK_CHILD) {
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${HEAP_MB}`, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: 'inherit', env: { ...process.env, BULKFLOW_SOAK_CHILD: '1' } },
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  await main();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '15' },
      jobs: { type: 'string', default: '20' },
      rows: { type: 'string', default: '100000' },
      'kill-interval': { type: 'string', default: '60' },
      scale: { type: 'string', default: '1' },
      workers: { type: 'string', default: '3' },
      'records-per-second': { type: 'string', default: '5000' },
      queries: { type: 'string', default: '3' },
      'session-expiry': { type: 'string', default: '180' },
      'server-restart': { type: 'string', default: 'true' },
      'transient-retry': { type: 'boolean', default: false },
      'lock-rate': { type: 'string', default: '0.01' },
      seed: { type: 'string', default: '1' },
      'call-timeout': { type: 'string', default: '30' },
      'heartbeat-timeout': { type: 'string', default: '15' },
      json: { type: 'string' },
    },
    strict: true,
  });
  const num = (name: keyof typeof values, min: number): number => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value < min) throw new RangeError(`--${name} must be a number ≥ ${min}`);
    return value;
  };
  const scale = num('scale', 0.001);
  const durationMs = num('duration', 0) * 60_000 * scale;
  const report = await runSoak({
    durationMs,
    jobs: Math.max(2, Math.round(num('jobs', 1) * scale)),
    rows: Math.max(100, Math.round(num('rows', 1) * scale)),
    // Scaled too (not below 10 s), so a shorter run still has about as many kills.
    killIntervalMs: num('kill-interval', 0) === 0 ? 0 : Math.max(10_000, num('kill-interval', 0) * 1000 * scale),
    workers: num('workers', 1),
    recordsPerSecond: num('records-per-second', 1),
    queries: num('queries', 0),
    sessionExpiryMs: num('session-expiry', 0) * 1000 * Math.max(scale, 0.2),
    serverRestart: values['server-restart'] !== 'false',
    ...(values['transient-retry']
      ? { transientRetry: { maxAttempts: 6, delayMs: 1_000 }, lockRate: num('lock-rate', 0) }
      : {}),
    seed: num('seed', 0),
    activityTimeouts: { callMs: num('call-timeout', 1) * 1000, heartbeatMs: num('heartbeat-timeout', 1) * 1000 },
  });
  const text = formatReport(report);
  process.stdout.write(`\n${text}\n`);
  if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2));
  process.exitCode = report.problems.length === 0 ? 0 : 1;
}
