/**
 * A bulkflow worker: bulkflow's workflows and activities on one task queue.
 *
 * @example
 * const connection = await NativeConnection.connect({ address: 'localhost:7233' });
 * const worker = await createBulkflowWorker({ connection, salesforce: createSalesforceClient(salesforceOptionsFromEnv()) });
 * await worker.run();
 */
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createBulkActivities } from '../activities/index.js';
import { stagingStoreFromEnv, type StagingStore } from '../storage/index.js';
import type { SalesforceClient, UploadLimits } from '../salesforce/index.js';
import { DEFAULT_TASK_QUEUE } from '../workflows/contract.js';
import { workflowsPath } from './paths.js';

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
  /** Payload codecs, e.g. `[new EncryptionCodec(key)]`; clients must use the same. @default none */
  dataConverter?: WorkerOptions['dataConverter'];
  /** Extra Worker options (shutdown grace time, concurrency, interceptors). */
  workerOptions?: Partial<WorkerOptions>;
}

export async function createBulkflowWorker(options: BulkflowWorkerOptions): Promise<Worker> {
  const activities = createBulkActivities({
    salesforce: options.salesforce,
    staging: options.staging ?? stagingStoreFromEnv(),
    ...(options.uploadLimits ? { uploadLimits: options.uploadLimits } : {}),
    ...(options.v1BatchLimits ? { v1BatchLimits: options.v1BatchLimits } : {}),
  });
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    activities,
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: workflowsPath() }),
    ...options.workerOptions,
  });
}
