/**
 * The standalone worker (`bulkflow worker`): everything from the environment, bulkflow's plugin on
 * a plain `Worker`, runs until SIGINT or SIGTERM, lets in-flight activities finish for a grace
 * period before it stops.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { encryptionCodecFromEnv } from '../common/encryption-codec.js';
import { createSalesforceClient, salesforceOptionsFromEnv } from '../salesforce/index.js';
import { stagingStoreFromEnv } from '../storage/index.js';
import { DEFAULT_TASK_QUEUE } from '../workflows/contract.js';
import { bulkflowPlugin } from './plugin.js';

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
  const plugin = bulkflowPlugin({
    salesforce: createSalesforceClient(salesforceOptionsFromEnv(env)),
    staging: stagingStoreFromEnv(env),
    encryptionKey: encryptionCodecFromEnv(env),
  });
  const connection = await NativeConnection.connect({ address: config.address });
  try {
    // The plugin checks (and on dev servers registers) the search attributes before the worker polls.
    const worker = await Worker.create({
      connection,
      namespace: config.namespace,
      taskQueue: config.taskQueue,
      shutdownGraceTime: '10 seconds',
      plugins: [plugin],
    });
    process.stdout.write(
      `bulkflow worker polling task queue "${config.taskQueue}" on ${config.address} (namespace ${config.namespace})\n`,
    );
    await worker.run();
  } finally {
    await connection.close();
  }
}
