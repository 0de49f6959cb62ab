/**
 * A worker that runs bulkflow alone: `Worker.create` with the bulkflow plugin, on the `bulkflow` task
 * queue unless told otherwise. To add bulkflow to a worker that runs other workflows too, give that
 * worker the plugin instead (`plugin.ts`).
 *
 * @example
 * const connection = await NativeConnection.connect({ address: 'localhost:7233' });
 * const worker = await createBulkflowWorker({ connection, salesforce: createSalesforceClient(salesforceOptionsFromEnv()) });
 * await worker.run();
 */
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { SalesforceClient } from '../salesforce/index.js';
import type { UploadLimits } from '../csv/split.js';
import type { StagingStore } from '../storage/index.js';
import { DEFAULT_TASK_QUEUE } from '../workflows/contract.js';
import { bulkflowPlugin, type BulkflowPluginOptions } from './plugin.js';

/** A worker that runs bulkflow alone: its connection, Salesforce client, queue and staging. */
export interface BulkflowWorkerOptions {
  connection: NativeConnection;
  salesforce: SalesforceClient;
  /** @default 'default' */
  namespace?: string;
  /** @default 'bulkflow' */
  taskQueue?: string;
  /** @default stagingStoreFromEnv() */
  staging?: StagingStore;
  /** Override Bulk 2.0 upload unit limits (tests use small ones to exercise splitting). */
  uploadLimits?: UploadLimits;
  /** Override Bulk v1 batch limits. */
  v1BatchLimits?: UploadLimits;
  /** A prebuilt workflow bundle, to skip bundling (tests bundle once per file). */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Payload encryption, as in the plugin: a key or an `EncryptionCodec`. @default none */
  encryptionKey?: BulkflowPluginOptions['encryptionKey'];
  /** Payload codecs of your own, e.g. `{ payloadCodecs: [new EncryptionCodec(key)] }`; clients must use the same. @default none */
  dataConverter?: WorkerOptions['dataConverter'];
  /** Check bulkflow's search attributes at start (see the plugin). @default true */
  checkSearchAttributes?: boolean;
  /** Record bulkflow's metrics through the Runtime's meter (see the plugin). @default true */
  metrics?: boolean;
  /** Extra Worker options (shutdown grace time, concurrency, interceptors, more plugins). */
  workerOptions?: Partial<WorkerOptions>;
}

/**
 * A worker that runs bulkflow alone: {@link bulkflowPlugin} on a `Worker` of its own, on the `bulkflow` task
 * queue unless told otherwise. Teams with a worker of their own add the plugin to it instead.
 */
export async function createBulkflowWorker(options: BulkflowWorkerOptions): Promise<Worker> {
  const plugin = bulkflowPlugin({
    salesforce: options.salesforce,
    ...(options.staging ? { staging: options.staging } : {}),
    ...(options.uploadLimits ? { uploadLimits: options.uploadLimits } : {}),
    ...(options.v1BatchLimits ? { v1BatchLimits: options.v1BatchLimits } : {}),
    ...(options.encryptionKey ? { encryptionKey: options.encryptionKey } : {}),
    ...(options.checkSearchAttributes === undefined ? {} : { checkSearchAttributes: options.checkSearchAttributes }),
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
  });
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : {}),
    ...options.workerOptions,
    plugins: [plugin, ...(options.workerOptions?.plugins ?? [])],
  });
}
