/**
 * A complete local bulkflow: a Temporal dev server from the installed binary, the Salesforce
 * emulator, and a worker logged in to the emulator with its development credentials.
 * `bulkflow dev` keeps it running; `bulkflow demo` runs one job through it.
 */
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type LogLevel, type Worker } from '@temporalio/worker';
import { createSalesforceEmulator, DEV_CREDENTIALS, type SalesforceEmulator } from '../../emulator/index.js';
import { createSalesforceClient, OAuthPasswordAuthenticator } from '../../salesforce/index.js';
import { createBulkflowWorker } from '../../worker/create-worker.js';
import { DEFAULT_TASK_QUEUE } from '../../workflows/contract.js';
import { startDevServer, type DevServer } from './dev-server.js';
import { requireTemporalCli } from './temporal-binaries.js';

export interface LocalStackOptions {
  /** @default a free port */
  temporalPort?: number;
  /** Serve the Temporal UI on this port. */
  uiPort?: number;
  /** @default a free port */
  emulatorPort?: number;
  /** SQLite file for the Temporal server. @default in memory */
  dbFilename?: string;
  /** Slow the emulator down so that progress is visible. */
  recordsPerSecond?: number;
  taskQueue?: string;
}

export interface LocalStack {
  temporal: DevServer;
  emulator: SalesforceEmulator;
  client: Client;
  worker: Worker;
  taskQueue: string;
  /** Resolves when the worker stops. */
  workerRun: Promise<void>;
  close(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  // The worker's state changes and activity logs are for operators of real workers; here they would
  // bury the output people came to see. BULKFLOW_LOG_LEVEL=INFO brings them back.
  Runtime.install({ logger: new DefaultLogger((process.env.BULKFLOW_LOG_LEVEL ?? 'WARN') as LogLevel) });
  const cli = requireTemporalCli();
  const taskQueue = options.taskQueue ?? DEFAULT_TASK_QUEUE;
  const temporal = await startDevServer({
    binary: cli.path,
    ...(options.temporalPort ? { port: options.temporalPort } : {}),
    ...(options.uiPort ? { uiPort: options.uiPort } : {}),
    ...(options.dbFilename ? { dbFilename: options.dbFilename } : {}),
  });
  const cleanups: Array<() => Promise<void>> = [() => temporal.stop()];
  const closeAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const emulator = await createSalesforceEmulator({
      ...(options.emulatorPort ? { port: options.emulatorPort } : {}),
      ...(options.recordsPerSecond ? { recordsPerSecond: options.recordsPerSecond } : {}),
    });
    cleanups.push(() => emulator.close());
    const salesforce = createSalesforceClient({
      auth: new OAuthPasswordAuthenticator({ loginUrl: emulator.url, ...DEV_CREDENTIALS }),
    });
    const nativeConnection = await NativeConnection.connect({ address: temporal.address });
    cleanups.push(() => nativeConnection.close());
    const worker = await createBulkflowWorker({ connection: nativeConnection, salesforce, taskQueue });
    const workerRun = worker.run();
    cleanups.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun;
    });
    const connection = await Connection.connect({ address: temporal.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection });
    return { temporal, emulator, client, worker, taskQueue, workerRun, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
