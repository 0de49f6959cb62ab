/**
 * `client/index.ts`, as a service would load it from the checkout: no worker, emulator, CLI or I/O
 * code, so a service that starts bulk jobs does not pay for (or depend on) the Temporal worker.
 * `tarball.server.test.ts` checks the same of the installed package.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FIXTURES, loadedModules, workerSideModules } from './helpers/module-graph.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));

test('importing client/index.ts loads no worker, emulator, CLI or storage code', async () => {
  const entry = pathToFileURL(path.join(repo, 'client', 'index.ts')).href;
  const loaded = await loadedModules(path.join(FIXTURES, 'loaded-modules.mjs'), entry, { tsx: true });
  assert.ok(
    loaded.modules.includes(path.join(repo, 'client', 'starters.ts')),
    `the recorder saw the client's own modules (${loaded.modules.length} in all)`,
  );
  assert.ok(
    loaded.modules.some((file) => file.includes(`${path.sep}@temporalio${path.sep}client${path.sep}`)),
    'and @temporalio/client',
  );
  assert.deepEqual(workerSideModules(loaded, repo), []);
});
