/**
 * Running bulkflow's workflows and activities in a worker: the plugin for a worker of your own, or a
 * worker that runs bulkflow alone.
 *
 * @example
 * import { Worker } from '@temporalio/worker';
 * import { bulkflowPlugin } from 'bulkflow/worker';
 * const worker = await Worker.create({ connection, taskQueue: 'billing', workflowsPath, activities,
 *   plugins: [bulkflowPlugin({ salesforce })] });
 */
export { BulkflowPlugin, bulkflowPlugin, type BulkflowPluginOptions } from './plugin.js';
export { createBulkflowWorker, type BulkflowWorkerOptions } from './create-worker.js';
export { installMetricsRuntime, type MetricsRuntimeOptions } from './metrics.js';
// The names of bulkflow's counters, for dashboards and alerts.
export { BulkflowMetric } from '../activities/metrics.js';
// `bulkflow worker`, for a process of your own that runs just that.
export { runWorkerFromEnv } from './run-worker.js';
// The plugin's `encryptionKey` option.
export { EncryptionCodec, encryptionCodecFromEnv, type EncryptionKey } from '../common/encryption-codec.js';
// The plugin's `staging` option: a folder, S3, or from BULKFLOW_STAGING_URL.
export {
  FileStagingStore,
  S3StagingStore,
  stagingStoreFromEnv,
  type S3StagingStoreOptions,
  type StagingStore,
} from '../storage/index.js';
