#!/usr/bin/env node
// Runs the test suite with Node's test runner: the files under UNIT_TESTS side by side, then the others one
// at a time (each starts its own Temporal server; two at once would fight for 2 cores and the SDK's 5 s
// start-up window). With both, a last line adds up the two runs: `tests: N passed, N failed, N skipped`.
// Usage: node scripts/run-tests.mjs [--unit] [path-or-folder ...]   (default: test/)
//   --unit  only the files under UNIT_TESTS (of the paths given, or all of them), several at once.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';

// The fast inner loop (`npm run test:unit`): tests that start no server process (no Temporal, no
// moto, no child process). The emulator and plain HTTP(S) servers run in-process on ports the OS
// picks and files go to mkdtemp folders, so these files can run side by side. A test that needs more
// belongs in another folder (or, in test/activities/, off this list).
const UNIT_TESTS = [
  'test/cli',
  'test/common',
  'test/helpers',
  'test/salesforce',
  'test/emulator',
  'test/activities/bounded-parallel.test.ts',
  'test/activities/https-sources.test.ts',
  'test/activities/preflight.test.ts',
  'test/activities/query-download.test.ts',
  'test/storage/file-source.test.ts',
  'test/storage/run-ledger.test.ts',
];

function collect(target, out) {
  if (statSync(target).isDirectory()) {
    for (const entry of readdirSync(target).sort()) collect(path.join(target, entry), out);
  } else if (target.endsWith('.test.ts')) {
    out.push(target);
  }
  return out;
}

const isUnit = (file) =>
  UNIT_TESTS.some((entry) => {
    const relative = path.relative(path.resolve(entry), path.resolve(file));
    return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
  });

const argv = process.argv.slice(2);
const unit = argv.includes('--unit');
const targets = argv.filter((arg) => arg !== '--unit');
const roots = targets.length ? targets : unit ? UNIT_TESTS : ['test'];
const files = roots.flatMap((t) => collect(t, [])).filter((file) => !unit || isUnit(file));
if (files.length === 0) {
  console.error(`run-tests: no ${unit ? 'unit ' : ''}*.test.ts files found`);
  process.exit(1);
}
/**
 * Runs `list` in one test-runner process, `concurrency` files at a time; returns its exit status and counts
 * (read from a TAP copy of the report, so the spec output on the terminal stays as it is).
 */
function run(list, concurrency) {
  const tap = path.join(mkdtempSync(path.join(tmpdir(), 'bulkflow-tests-')), 'report.tap');
  const args = [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-timeout=600000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...list,
  ];
  const { status } = spawnSync(process.execPath, args, { stdio: 'inherit' });
  const report = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(report)?.[1] ?? 0);
  return { status: status ?? 1, passed: count('pass'), failed: count('fail'), skipped: count('skipped') };
}

// Files that start no server run side by side; the others one at a time (each starts its own Temporal
// server, and the SDK gives a server only 5 s to come up, which two at once on 2 cores could miss).
const parallel = files.filter(isUnit);
const serial = unit ? [] : files.filter((file) => !isUnit(file));
const runs = [];
if (parallel.length > 0) runs.push(run(parallel, availableParallelism()));
if (serial.length > 0) runs.push(run(serial, 1));
const total = (key) => runs.reduce((n, r) => n + r[key], 0);
if (runs.length > 1) {
  console.log(`\nrun-tests: ${parallel.length} files side by side, then ${serial.length} one at a time`);
  console.log(`tests: ${total('passed')} passed, ${total('failed')} failed, ${total('skipped')} skipped`);
}
process.exit(runs.some((r) => r.status !== 0) ? 1 : 0);
