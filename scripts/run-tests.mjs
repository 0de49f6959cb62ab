#!/usr/bin/env node
// Runs the test suite with Node's test runner. How a test file runs follows from its name, not from a list:
//   *.server.test.ts  starts a server or a process: a Temporal server (test/helpers/temporal.ts, the SDK's test
//                     environment, `startDevServer`), moto (test/helpers/s3-server.ts), a `bulkflow` or Python
//                     child process, `npm pack`. These run after the others, two files at a time
//                     (BULKFLOW_SERVER_TEST_CONCURRENCY, 1 for one at a time): they spend most of their time
//                     waiting (heartbeat timeouts, polls, killed workers), not on the CPU.
//   *.test.ts         every other test file: starts no server process (the emulator and plain HTTP(S) servers
//                     run in-process on ports the OS picks, files go to mkdtemp folders), so these run side by
//                     side, `--test-concurrency` = available cores.
// The last line adds up the runs: `tests: N passed, N failed, N skipped` (CI reads it).
// Usage: node scripts/run-tests.mjs [--unit] [path-or-folder ...]   (default: test/)
//   --unit  only the side-by-side files (not *.server.test.ts) of the paths given, or of test/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TEST = '.test.ts';
const SERVER_TEST = '.server.test.ts';

function collect(target, out) {
  if (!existsSync(target)) {
    console.error(`run-tests: no such file or folder: ${target}`);
    process.exit(1);
  }
  if (statSync(target).isDirectory()) {
    for (const entry of readdirSync(target).sort()) collect(path.join(target, entry), out);
  } else if (target.endsWith(TEST)) {
    out.push(target);
  }
  return out;
}

const isServer = (file) => file.endsWith(SERVER_TEST);

const argv = process.argv.slice(2);
const unit = argv.includes('--unit');
const targets = argv.filter((arg) => arg !== '--unit');
const files = [...new Set((targets.length ? targets : ['test']).flatMap((t) => collect(t, [])))];
const parallel = files.filter((file) => !isServer(file));
const serial = unit ? [] : files.filter(isServer);
if (parallel.length + serial.length === 0) {
  console.error(`run-tests: no ${unit ? `*${TEST} files that are not *${SERVER_TEST}` : `*${TEST} files`} found`);
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

// One workflow bundle for the whole run, from the sources as they are now: every test file and every `bulkflow
// worker` a test starts uses it instead of bundling on its own (a few seconds of CPU each, over a hundred times).
if (!process.env.BULKFLOW_WORKFLOW_BUNDLE) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'bulkflow-bundle-')), 'workflow-bundle.js');
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bundle-workflows.mjs');
  const bundled = spawnSync(process.execPath, [script, '--from-sources', file], { stdio: 'inherit' });
  if (bundled.status !== 0) process.exit(1);
  process.env.BULKFLOW_WORKFLOW_BUNDLE = file;
}

const runs = [];
if (parallel.length > 0) runs.push(run(parallel, availableParallelism()));
const serverConcurrency = Number(process.env.BULKFLOW_SERVER_TEST_CONCURRENCY ?? 2);
if (serial.length > 0) runs.push(run(serial, serverConcurrency));
const total = (key) => runs.reduce((n, r) => n + r[key], 0);
console.log(
  `\nrun-tests: ${parallel.length} files side by side, then ${serial.length} *${SERVER_TEST} ${serverConcurrency} at a time`,
);
console.log(`tests: ${total('passed')} passed, ${total('failed')} failed, ${total('skipped')} skipped`);
process.exit(runs.some((r) => r.status !== 0) ? 1 : 0);
