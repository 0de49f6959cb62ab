/**
 * The provisioning script: a fresh install into an empty folder gives working binaries; a second
 * run finds them and installs nothing.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/install-temporal.mjs', import.meta.url));

test('install-temporal installs working pinned binaries, and a second run is a no-op', () => {
  const toolsDir = path.join(mkdtempSync(path.join(tmpdir(), 'bulkflow-tools-')), 'temporal');
  const env = { ...process.env, BULKFLOW_TOOLS_DIR: toolsDir };
  const first = spawnSync(process.execPath, [script], { env, encoding: 'utf8' });
  assert.equal(first.status, 0, first.stdout + first.stderr);
  assert.match(first.stdout, /installed in/);
  const cli = path.join(toolsDir, 'bin', 'temporal');
  const version = spawnSync(cli, ['--version'], { encoding: 'utf8' });
  assert.match(version.stdout, /temporal version 1\.9\.1/);
  const testServer = path.join(toolsDir, 'bin', 'temporal-test-server');
  assert.ok(statSync(testServer).mode & 0o100, 'the test server is executable');
  const mtime = statSync(cli).mtimeMs;

  const second = spawnSync(process.execPath, [script], { env, encoding: 'utf8' });
  assert.equal(second.status, 0, second.stdout + second.stderr);
  assert.match(second.stdout, /already installed/);
  assert.equal(statSync(cli).mtimeMs, mtime, 'the second run did not reinstall');
});
