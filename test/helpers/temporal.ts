/**
 * Real Temporal servers for tests, from the binary `npm run setup:temporal` installs.
 * (a) `createLocalEnv`: the SDK's TestWorkflowEnvironment on a dev server it starts and stops.
 * (b) `startKillableServer`: `temporal server start-dev --db-filename …` as a process a test can
 *     kill and start again on the same file.
 */
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundle } from '@temporalio/worker';
import { startDevServer, type DevServer } from '../../cli/dev/dev-server.js';
import { requireTemporalCli } from '../../cli/dev/temporal-binaries.js';
import { workflowsPath } from '../../worker/paths.js';
import { SearchAttributes } from '../../workflows/contract.js';

// Workers in tests log warnings and errors only; state changes would drown the test output.
Runtime.install({ logger: new DefaultLogger('WARN') });

export async function createLocalEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: requireTemporalCli().path },
      searchAttributes: Object.values(SearchAttributes),
    },
  });
}

let bundle: Promise<WorkflowBundle> | undefined;
/**
 * The workflow bundle: the one `scripts/run-tests.mjs` built for the whole run (`BULKFLOW_WORKFLOW_BUNDLE`, which
 * the `bulkflow worker` processes tests start read too), else built once per test file.
 */
export function workflowBundle(): Promise<WorkflowBundle> {
  const built = process.env['BULKFLOW_WORKFLOW_BUNDLE'];
  const made = (bundle ??= built
    ? readFile(built, 'utf8').then((code) => ({ code }))
    : bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: quietLogger }));
  return made;
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };

export interface KillableServer {
  current: DevServer;
  dbFilename: string;
  /** SIGKILL the server process. */
  kill(): Promise<void>;
  /** Start it again on the same port and SQLite file. */
  restart(): Promise<DevServer>;
  stop(): Promise<void>;
}

export async function startKillableServer(): Promise<KillableServer> {
  const binary = requireTemporalCli().path;
  const dbFilename = path.join(mkdtempSync(path.join(tmpdir(), 'bulkflow-temporal-')), 'temporal.db');
  const first = await startDevServer({ binary, dbFilename });
  const server: KillableServer = {
    current: first,
    dbFilename,
    kill: () => server.current.kill(),
    restart: async () => {
      server.current = await startDevServer({ binary, dbFilename, port: first.port });
      return server.current;
    },
    stop: () => server.current.stop(),
  };
  return server;
}
