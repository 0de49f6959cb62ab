/**
 * Running bulkflow's workflows and activities in a worker.
 *
 * @example
 * import { createBulkflowWorker } from 'bulkflow/worker';
 */
export { createBulkflowWorker, type BulkflowWorkerOptions } from './create-worker.js';
export { workflowsPath } from './paths.js';
export { runWorkerFromEnv, workerConfigFromEnv, type WorkerEnvConfig } from './run-worker.js';
export { ensureSearchAttributes, searchAttributeFlags } from './search-attributes.js';
