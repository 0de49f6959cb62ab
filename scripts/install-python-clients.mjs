#!/usr/bin/env node
// Installs the pinned Python Salesforce client (simple-salesforce) and every package it needs into a
// git-ignored project folder, for the third-party client tests (test/third-party). Each package is pinned
// exactly and installed without dependency resolution, so a fresh clone gets the same set every time.
//
// Idempotent: when the pinned set is already in place for this interpreter (checked by a stamp file and
// by importing the client), it does nothing and exits 0 quickly.
//
// Tests run the interpreter with PYTHONPATH=<folder> (see test/third-party/python-clients.ts).
//
// Environment:
//   BULKFLOW_PYTHON_DIR  where to install (default: <project>/.tools/python)
//   PYTHON               the Python interpreter whose pip to use (default: python3)
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installPinned } from './pip-target.mjs';

/** simple-salesforce and its complete dependency closure, as pip resolved it for 1.12.10. */
export const PINS = Object.freeze({
  'simple-salesforce': '1.12.10',
  attrs: '26.1.0',
  certifi: '2026.10.18',
  cffi: '2.1.1',
  'charset-normalizer': '3.5.2',
  cryptography: '50.0.2',
  idna: '3.20',
  isodate: '0.7.2',
  lxml: '6.1.3',
  'more-itertools': '11.2.1',
  platformdirs: '4.14.7',
  pycparser: '3.12',
  PyJWT: '2.15.1',
  requests: '2.34.2',
  'requests-file': '3.0.1',
  'requests-toolbelt': '1.0.0',
  typing_extensions: '4.16.0',
  urllib3: '2.8.0',
  zeep: '4.3.3',
});

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const targetDir = path.resolve(process.env.BULKFLOW_PYTHON_DIR ?? path.join(projectRoot, '.tools', 'python'));
const python = process.env.PYTHON ?? 'python3';

function log(message) {
  process.stdout.write(`install-python-clients: ${message}\n`);
}

function pythonEnv() {
  return { ...process.env, PYTHONPATH: targetDir, PYTHONNOUSERSITE: '1' };
}

/** The interpreter's `major.minor`: compiled wheels (lxml, cryptography) only fit the version they were built for. */
function pythonVersion() {
  const r = spawnSync(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    log(`cannot run ${python} (${r.error?.message ?? `exit ${r.status}`}). Needs Python 3 with pip.`);
    process.exit(1);
  }
  return r.stdout.trim();
}

function clientImports() {
  const check =
    'import simple_salesforce, sys; from simple_salesforce.__version__ import __version__ as v; sys.stdout.write(v)';
  const r = spawnSync(python, ['-c', check], { encoding: 'utf8', env: pythonEnv(), timeout: 60_000 });
  return r.status === 0 && r.stdout.trim() === PINS['simple-salesforce'];
}

installPinned({
  label: 'install-python-clients',
  targetDir,
  python,
  specs: Object.entries(PINS).map(([name, version]) => `${name}==${version}`),
  summary: `simple-salesforce==${PINS['simple-salesforce']} and ${Object.keys(PINS).length - 1} dependencies`,
  // Compiled wheels (lxml, cryptography) fit one Python version: a new interpreter reinstalls.
  stamp: { python: pythonVersion(), pins: PINS },
  works: clientImports,
});
