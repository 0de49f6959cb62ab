/**
 * The usual setting of a workflow test: a real local Temporal server (createLocal with the installed
 * binary), the emulator, and an in-process bulkflow worker logged in to it, with staging in a
 * temporary folder unless the test brings its own store.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { FileStagingStore } from '../../storage/index.js';
import {
  createSalesforceEmulator,
  DEV_CREDENTIALS,
  type SalesforceEmulator,
  type SalesforceEmulatorOptions,
} from '../../emulator/index.js';
import { createSalesforceClient, OAuthPasswordAuthenticator } from '../../salesforce/index.js';
import { createBulkflowWorker, type BulkflowWorkerOptions } from '../../worker/create-worker.js';
import { createLocalEnv, workflowBundle } from './temporal.js';

export interface TestbedOptions {
  taskQueue: string;
  /** Temporary folder of the test; staging goes to `<dir>/staging` unless `worker.staging` is given. */
  dir?: string;
  emulator?: SalesforceEmulatorOptions;
  worker?: Omit<Partial<BulkflowWorkerOptions>, 'connection' | 'salesforce' | 'taskQueue'>;
}

export interface Testbed {
  env: TestWorkflowEnvironment;
  emulator: SalesforceEmulator;
  dir: string;
  close(): Promise<void>;
}

export async function startTestbed(options: TestbedOptions): Promise<Testbed> {
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'bulkflow-test-'));
  const env = await createLocalEnv();
  const emulator = await createSalesforceEmulator(options.emulator);
  const worker = await createBulkflowWorker({
    connection: env.nativeConnection,
    salesforce: createSalesforceClient({
      auth: new OAuthPasswordAuthenticator({ loginUrl: emulator.url, ...DEV_CREDENTIALS }),
    }),
    taskQueue: options.taskQueue,
    staging: new FileStagingStore(path.join(dir, 'staging')),
    workflowBundle: await workflowBundle(),
    ...options.worker,
  });
  const run = worker.run();
  return {
    env,
    emulator,
    dir,
    async close() {
      worker.shutdown();
      await run;
      await emulator.close();
      await env.teardown();
    },
  };
}
