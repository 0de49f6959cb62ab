/**
 * What a Node process loads when it imports one module: every ESM URL the loader resolves (a resolve
 * hook, `fixtures/record-modules.mjs`) and every CommonJS file in `Module._cache` (CommonJS packages'
 * own `require()`s bypass ESM hooks). Used to show that `bulkflow/client` stays lean.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export interface LoadedModules {
  /** Time the import took, inside the process. */
  ms: number;
  /** Absolute file paths. */
  modules: string[];
}

/**
 * Runs `node [--import tsx] --import record-modules.mjs <script> <specifier>` and returns what it
 * loaded. `script` (a copy of `fixtures/loaded-modules.mjs`) resolves `specifier` from where it sits.
 */
export async function loadedModules(
  script: string,
  specifier: string,
  options: { tsx?: boolean; cwd?: string } = {},
): Promise<LoadedModules> {
  const log = path.join(mkdtempSync(path.join(tmpdir(), 'bulkflow-modules-')), 'resolved.txt');
  const preload = path.join(FIXTURES, 'record-modules.mjs');
  const args = [...(options.tsx ? ['--import', 'tsx'] : []), '--import', preload, script, specifier];
  const env: NodeJS.ProcessEnv = { ...process.env, BULKFLOW_MODULE_LOG: log };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`loading ${specifier} failed (exit ${code}):\n${stderr}`);
  return JSON.parse(stdout) as LoadedModules;
}

/**
 * The modules of `loaded` that only a worker, the emulator or the command line need: the Temporal
 * worker and its native bridge, webpack, the AWS SDK, and bulkflow's own worker/, activities/,
 * storage/, emulator/ and cli/ folders under `sourceRoot` (the checkout, or the package's `dist/`).
 */
export function workerSideModules(loaded: LoadedModules, sourceRoot: string): string[] {
  const own = ['worker', 'activities', 'storage', 'emulator', 'cli'].map(
    (dir) => path.join(sourceRoot, dir) + path.sep,
  );
  const packages = ['@temporalio/worker', '@temporalio/core-bridge', '@temporalio/testing', 'webpack', '@aws-sdk'].map(
    (name) => `${path.sep}node_modules${path.sep}${name}${path.sep}`,
  );
  return loaded.modules.filter(
    (file) => own.some((dir) => file.startsWith(dir)) || packages.some((p) => file.includes(p)),
  );
}
