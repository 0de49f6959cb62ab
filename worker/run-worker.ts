/**
 * The standalone worker: everything from the environment, runs until SIGINT or SIGTERM, lets
 * in-flight activities finish for a grace period before it stops.
 */
import { NativeConnection } from '@temporalio/worker';
import { dataConverterFromEnv } from '../common/encryption-codec.js';
import { createSalesforceClient, salesforceOptionsFromEnv } from '../salesforce/index.js';
import { DEFAULT_TASK_QUEUE } from '../workflows/contract.js';
import { createBulkflowWorker } from './create-worker.js';
import { ensureSearchAttributes } from './search-attributes.js';

export interface WorkerEnvConfig {
  address: string;
  namespace: string;
  taskQueue: string;
}

/** `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `BULKFLOW_TASK_QUEUE`. */
export function workerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnvConfig {
  return {
    address: env.TEMPORAL_ADDRESS ?? 'localhost:7233',
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: env.BULKFLOW_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
  };
}

export async function runWorkerFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = workerConfigFromEnv(env);
  const salesforce = createSalesforceClient(salesforceOptionsFromEnv(env));
  const connection = await NativeConnection.connect({ address: config.address });
  try {
    await ensureSearchAttributes(connection, config.namespace);
    const worker = await createBulkflowWorker({
      connection,
      salesforce,
      namespace: config.namespace,
      taskQueue: config.taskQueue,
      dataConverter: dataConverterFromEnv(env),
      workerOptions: { shutdownGraceTime: '10 seconds' },
    });
    process.stdout.write(
      `bulkflow worker polling task queue "${config.taskQueue}" on ${config.address} (namespace ${config.namespace})\n`,
    );
    await worker.run();
  } finally {
    await connection.close();
  }
}
