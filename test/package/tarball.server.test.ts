/**
 * The package as a team gets it: `npm pack` (which builds), `npm install <tarball>` into a fresh
 * project, then plain JavaScript with no TypeScript loader: the command, a worker with the plugin
 * beside the team's own workflow against a real Temporal dev server, the lean client, and the
 * declarations under `tsc`.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startDevServer, type DevServer } from '../../cli/dev/dev-server.js';
import { requireTemporalCli } from '../../cli/dev/temporal-binaries.js';
import type { BulkIngestResult } from '../../workflows/contract.js';
import { eventually } from '../helpers/eventually.js';
import { FIXTURES, loadedModules, workerSideModules } from './helpers/module-graph.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), 'bulkflow-package-'));
const project = path.join(work, 'project');
const installed = path.join(project, 'node_modules', 'bulkflow');
let tarball: string;
let server: DevServer | undefined;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * The environment of a fresh shell: no TypeScript loader, no npm settings of the test run's own npm, and not the
 * test run's workflow bundle (the installed package must start from its own).
 */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const runOnly = (name: string) =>
    name.startsWith('npm_') || name === 'NODE_OPTIONS' || name === 'BULKFLOW_WORKFLOW_BUNDLE';
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !runOnly(name)));
  return { ...env, ...extra };
}

async function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Run> {
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr, ms: performance.now() - started };
}

async function ok(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Run> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile());
}

before(async () => {
  // prepack runs `npm run build`, so the tarball holds a fresh dist/ whatever the checkout had.
  await ok('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: repo });
  const name = readdirSync(work).find((file) => file.endsWith('.tgz'));
  assert.ok(name, `npm pack wrote a tarball to ${work}`);
  tarball = path.join(work, name);
  mkdirSync(project);
  writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'team-project', version: '1.0.0', private: true, type: 'module' }, null, 2),
  );
  for (const file of readdirSync(path.join(FIXTURES, 'project'))) {
    copyFileSync(path.join(FIXTURES, 'project', file), path.join(project, file));
  }
  copyFileSync(path.join(FIXTURES, 'loaded-modules.mjs'), path.join(project, 'loaded-modules.mjs'));
  await ok('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], { cwd: project });
});

after(async () => {
  await server?.stop();
});

test('the package ships compiled JavaScript and declarations, and no development tools', (t) => {
  const files = filesUnder(installed).map((file) => path.relative(installed, file));
  const sources = files.filter((file) => /\.[cm]?ts$/.test(file) && !/\.d\.[cm]?ts$/.test(file));
  assert.deepEqual(sources, [], 'no TypeScript sources');
  for (const entry of ['client', 'worker', 'workflows', 'salesforce', 'emulator']) {
    assert.ok(files.includes(path.join('dist', entry, 'index.js')), `dist/${entry}/index.js`);
    assert.ok(files.includes(path.join('dist', entry, 'index.d.ts')), `dist/${entry}/index.d.ts`);
  }
  assert.ok(files.includes(path.join('dist', 'worker', 'workflows-entry.js')), 'the plugin bundle entry');
  assert.ok(files.includes(path.join('dist', 'workflow-bundle.js')), 'the prebuilt workflow bundle');
  for (const doc of ['LICENSE', 'README.md', path.join('docs', 'bad-input.md')]) {
    assert.ok(files.includes(doc), `${doc}, which the README links to`);
  }
  assert.ok(!files.some((file) => file.startsWith('test') || file.startsWith('bench')), 'no tests or benchmarks');
  for (const dev of ['tsx', '@temporalio/testing', 'typescript']) {
    assert.ok(!existsSync(path.join(project, 'node_modules', dev)), `${dev} is not installed with bulkflow`);
  }
  t.diagnostic(`tarball ${(statSync(tarball).size / 1024).toFixed(1)} KiB, ${files.length} files installed`);
});

test('bulkflow --version runs the compiled command', async (t) => {
  const bin = path.join(project, 'node_modules', '.bin', 'bulkflow');
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const result = await ok(bin, ['--version'], { cwd: project });
    assert.equal(result.stdout.trim(), '0.1.0');
    times.push(result.ms);
  }
  t.diagnostic(
    `bulkflow --version: median ${median(times).toFixed(0)} ms of ${times.map((ms) => ms.toFixed(0)).join(', ')}`,
  );
});

test("a team's plain JavaScript worker runs its own workflow and a bulk ingest with the plugin", async () => {
  server = await startDevServer({ binary: requireTemporalCli().path });
  const result = await ok(process.execPath, ['team-worker.js'], {
    cwd: project,
    env: cleanEnv({
      TEMPORAL_ADDRESS: server.address,
      BULKFLOW_STAGING_URL: pathToFileURL(path.join(work, 'staging')).href,
    }),
  });
  const outcome = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as {
    greeting: string;
    result: BulkIngestResult;
    sent: string[];
    emails: string[];
  };
  assert.equal(outcome.greeting, 'hello, Ada');
  assert.equal(outcome.result.state, 'Completed');
  assert.equal(outcome.result.records.successful, outcome.sent.length);
  assert.deepEqual([...outcome.emails].sort(), [...outcome.sent].sort(), 'the org holds exactly the rows sent');
});

test("import('bulkflow/client') from the package loads no worker, emulator or CLI code", async (t) => {
  const script = path.join(project, 'loaded-modules.mjs');
  const loaded = await loadedModules(script, 'bulkflow/client', { cwd: project });
  assert.ok(loaded.modules.includes(path.join(installed, 'dist', 'client', 'starters.js')), 'the recorder saw it');
  assert.deepEqual(workerSideModules(loaded, path.join(installed, 'dist')), []);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const probe = await ok(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const t = performance.now(); await import('bulkflow/client'); console.log(performance.now() - t)",
      ],
      { cwd: project },
    );
    times.push(Number(probe.stdout.trim()));
  }
  t.diagnostic(
    `import('bulkflow/client'): median ${median(times).toFixed(0)} ms of ${times.map((ms) => ms.toFixed(0)).join(', ')}`,
  );
});

test('a CommonJS project requires bulkflow/client and bulkflow/salesforce (require of the ES modules)', async () => {
  writeFileSync(
    path.join(project, 'uses-require.cjs'),
    [
      "const { startBulkIngest, bulkflowErrorOf, BulkflowState } = require('bulkflow/client');",
      "const { createSalesforceClient, InputError } = require('bulkflow/salesforce');",
      'console.log(JSON.stringify([typeof startBulkIngest, typeof bulkflowErrorOf, BulkflowState.Completed,',
      "  typeof createSalesforceClient, bulkflowErrorOf(new InputError('x')).type]));",
      '',
    ].join('\n'),
  );
  const result = await ok(process.execPath, ['uses-require.cjs'], { cwd: project });
  assert.deepEqual(JSON.parse(result.stdout), [
    'function',
    'function',
    'Completed',
    'function',
    'bulkflow.SF_INVALID_INPUT',
  ]);
});

test('bulkflow worker starts from the bundle built with the package, without bundling', async (t) => {
  server ??= await startDevServer({ binary: requireTemporalCli().path });
  const env = cleanEnv({
    TEMPORAL_ADDRESS: server.address,
    BULKFLOW_TASK_QUEUE: 'prebuilt',
    SF_ACCESS_TOKEN: 'not-used',
    SF_INSTANCE_URL: 'http://127.0.0.1:1',
    BULKFLOW_STAGING_URL: pathToFileURL(path.join(work, 'staging')).href,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  const started = performance.now();
  const worker = spawn(path.join(project, 'node_modules', '.bin', 'bulkflow'), ['worker'], { cwd: project, env });
  let output = '';
  worker.stdout.on('data', (d: Buffer) => (output += d.toString()));
  worker.stderr.on('data', (d: Buffer) => (output += d.toString()));
  try {
    await eventually(() => output.includes('bulkflow worker polling'), {
      timeoutMs: 60_000,
      what: `the worker to poll:\n${output}`,
    });
    t.diagnostic(
      `bulkflow worker polling ${(performance.now() - started).toFixed(0)} ms after start (prebuilt bundle)`,
    );
    assert.doesNotMatch(output, /Workflow bundle created/, 'no bundling at start');
  } finally {
    worker.kill('SIGTERM');
    await once(worker, 'exit');
  }
});

test('the shipped declarations type-check a TypeScript user of bulkflow/client and bulkflow/worker', async () => {
  writeFileSync(
    path.join(project, 'uses-bulkflow.ts'),
    [
      "import { Client, Connection } from '@temporalio/client';",
      "import { BulkflowState, bulkflowClientPlugin, startBulkIngest, type BulkIngestInput } from 'bulkflow/client';",
      "import type { BulkflowPluginOptions } from 'bulkflow/worker';",
      '',
      'export async function load(url: string): Promise<number> {',
      '  const client = new Client({ connection: await Connection.connect(), plugins: [bulkflowClientPlugin()] });',
      "  const input: BulkIngestInput = { object: 'Contact', operation: 'upsert', externalIdFieldName: 'Email', source: { url } };",
      "  const result = await (await startBulkIngest(client, input, { workflowId: 'contacts' })).result();",
      '  return result.state === BulkflowState.Completed ? result.records.successful : -1;',
      '}',
      '',
      '// The types are real, not `any`: each of these must be an error.',
      '// @ts-expect-error Salesforce has no such operation',
      "export const wrongOperation: BulkIngestInput = { object: 'Contact', operation: 'merge', source: { url: 'x' } };",
      '// @ts-expect-error the plugin needs a Salesforce client',
      'export const noSalesforce: BulkflowPluginOptions = {};',
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
        typeRoots: [path.join(repo, 'node_modules', '@types')],
      },
      files: ['uses-bulkflow.ts'],
    }),
  );
  // skipLibCheck off so that bulkflow's declarations are checked too; the SDK's own have a gap
  // (`ms` without types) that is not ours to judge, so only errors in our files count.
  const tsc = await run(
    process.execPath,
    [path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project],
    {
      cwd: project,
    },
  );
  const errors = tsc.stdout.split('\n').filter((line) => /^\S+\(\d+,\d+\): error/.test(line));
  assert.ok(tsc.code === 0 || errors.length > 0, `tsc ran (exit ${tsc.code}):\n${tsc.stdout}${tsc.stderr}`);
  const ours = errors.filter((line) => !line.startsWith('node_modules/') || line.startsWith('node_modules/bulkflow/'));
  assert.deepEqual(ours, []);
});
