#!/usr/bin/env node
// Builds the Temporal server (`temporal-server`) and its schema tool (`temporal-sql-tool`) from their Go
// module, go.temporal.io/server, at the version docker-compose.yml runs (the `temporal` service's image
// tag, with .env.example's values; the admin-tools image must name the same version), for the topology
// test (test/topology/), which starts what the compose file describes without a container engine.
//
// The binaries go to the user's cache folder, not the clone, keyed by Temporal version, Go version and
// platform: ${XDG_CACHE_HOME:-~/.cache}/bulkflow/temporal-server-<version>-<go version>-<os>-<arch>/
//   bin/temporal-server, bin/temporal-sql-tool   what the temporalio/server and admin-tools images hold
//   schema/                                      the module's schema/ (admin-tools' /etc/temporal/schema)
//   build.json                                   what was built, with which Go, how long it took
// A later run on the same machine finds them and returns at once; a fresh machine builds them (about
// 10 minutes on 2 cores; needs Go and the Go module proxy). `go install module@version` works because
// the module's go.mod has no replace directive.
//
// Usage: node scripts/build-temporal-server.mjs [--json]
//   --json  print the folder's description (paths, versions, build time) as JSON on stdout
// Progress goes to stderr.
//
// Environment:
//   BULKFLOW_CACHE_DIR  the cache folder (default: ${XDG_CACHE_HOME:-~/.cache}/bulkflow)
//   GO                  the go command (default: go)
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const MODULE = 'go.temporal.io/server';
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (message) => process.stderr.write(`build-temporal-server: ${message}\n`);

function fail(message) {
  log(message);
  process.exit(1);
}

/** `${NAME:-default}` / `${NAME}` in an image name, from .env.example (what `docker compose` would use). */
function imageVersion(image, settings) {
  const resolved = image.replace(
    /\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}/g,
    (_, name, fallback) => settings[name] || fallback || '',
  );
  return resolved.slice(resolved.lastIndexOf(':') + 1);
}

/** The Temporal version docker-compose.yml runs, from its server and admin-tools images. */
export function composeTemporalVersion() {
  const compose = parse(readFileSync(path.join(projectRoot, 'docker-compose.yml'), 'utf8'));
  const settings = Object.fromEntries(
    readFileSync(path.join(projectRoot, '.env.example'), 'utf8')
      .split('\n')
      .map((line) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line))
      .filter(Boolean)
      .map((m) => [m[1], m[2]]),
  );
  const server = imageVersion(compose.services.temporal.image, settings);
  const tools = imageVersion(compose.services['temporal-setup-schema'].image, settings);
  if (server !== tools) fail(`the compose file runs server ${server} but admin-tools ${tools}: they must match`);
  if (!/^\d+\.\d+\.\d+$/.test(server)) fail(`cannot read a Temporal version from the compose file (got "${server}")`);
  return server;
}

function go(args, options = {}) {
  const r = spawnSync(process.env.GO ?? 'go', args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (r.error) fail(`cannot run go (${r.error.message}): the topology test builds Temporal from source and needs Go`);
  if (r.status !== 0) fail(`go ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr ?? ''}`);
  return r.stdout ?? '';
}

function works(binary, expected) {
  if (!existsSync(binary)) return false;
  const r = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 && r.stdout.includes(expected);
}

/** Copies a read-only module folder so that the copy can be deleted again (dirs 755, files 644). */
function copyWritable(from, to) {
  cpSync(from, to, { recursive: true });
  const walk = (dir) => {
    chmodSync(dir, 0o755);
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else chmodSync(file, 0o644);
    }
  };
  walk(to);
}

export function ensureTemporalServer(version = composeTemporalVersion()) {
  const [goVersion, goos, goarch] = go(['env', 'GOVERSION', 'GOOS', 'GOARCH']).trim().split('\n');
  const cacheRoot = path.resolve(
    process.env.BULKFLOW_CACHE_DIR ??
      path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'bulkflow'),
  );
  const dir = path.join(cacheRoot, `temporal-server-${version}-${goVersion}-${goos}-${goarch}`);
  const described = () => ({
    dir,
    serverBin: path.join(dir, 'bin', 'temporal-server'),
    sqlToolBin: path.join(dir, 'bin', 'temporal-sql-tool'),
    schemaDir: path.join(dir, 'schema'),
    ...JSON.parse(readFileSync(path.join(dir, 'build.json'), 'utf8')),
  });
  const ready = () =>
    existsSync(path.join(dir, 'build.json')) &&
    works(path.join(dir, 'bin', 'temporal-server'), `temporal version ${version}`) &&
    works(path.join(dir, 'bin', 'temporal-sql-tool'), version);
  if (ready()) {
    log(`Temporal ${version} already built in ${dir}`);
    return { ...described(), cached: true };
  }

  mkdirSync(cacheRoot, { recursive: true });
  const work = mkdtempSync(path.join(cacheRoot, '.building-'));
  chmodSync(work, 0o755);
  try {
    const started = Date.now();
    log(`building Temporal ${version} with ${goVersion} into ${dir} (the first time about 10 minutes on 2 cores)`);
    // Run outside any module (cwd: the empty work folder), so that no go.mod nearby takes part.
    go(['install', `${MODULE}/cmd/server@v${version}`, `${MODULE}/cmd/tools/sql@v${version}`], {
      cwd: work,
      env: { ...process.env, GOBIN: path.join(work, 'bin'), CGO_ENABLED: '0' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    renameSync(path.join(work, 'bin', 'server'), path.join(work, 'bin', 'temporal-server'));
    renameSync(path.join(work, 'bin', 'sql'), path.join(work, 'bin', 'temporal-sql-tool'));
    // The same module version is in the module cache now; its schema/ is what admin-tools copies.
    const { Dir: moduleDir } = JSON.parse(go(['mod', 'download', '-json', `${MODULE}@v${version}`], { cwd: work }));
    copyWritable(path.join(moduleDir, 'schema'), path.join(work, 'schema'));
    const seconds = Math.round((Date.now() - started) / 1000);
    writeFileSync(
      path.join(work, 'build.json'),
      `${JSON.stringify({ version, goVersion, platform: `${goos}-${goarch}`, buildSeconds: seconds, builtAt: new Date().toISOString() }, null, 2)}\n`,
    );
    if (ready()) {
      log(`another run built it meanwhile; keeping that one`);
    } else {
      rmSync(dir, { recursive: true, force: true });
      renameSync(work, dir);
    }
    if (!ready()) fail(`the binaries in ${dir} do not report version ${version}`);
    log(`built in ${seconds} s`);
    return { ...described(), cached: false };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = ensureTemporalServer();
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(built)}\n`);
}
