#!/usr/bin/env node
// Runs the test suite with Node's test runner, one file at a time (each file starts its own
// Temporal server; two at once would fight for 2 cores and the SDK's 5 s start-up window).
// Usage: node scripts/run-tests.mjs [--unit] [path-or-folder ...]   (default: test/)
//   --unit  only the files under UNIT_TESTS (of the paths given, or all of them), several at once.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
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
  'test/activities/https-sources.test.ts',
  'test/activities/preflight.test.ts',
  'test/storage/file-source.test.ts',
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
const args = [
  '--import',
  'tsx',
  '--test',
  `--test-concurrency=${unit ? availableParallelism() : 1}`,
  '--test-timeout=600000',
  '--test-reporter=spec',
  ...files,
];
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(result.status ?? 1);
