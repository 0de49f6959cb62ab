/**
 * Where bulkflow keeps data outside workflow history: staging stores (a folder, S3) and input sources
 * (`file://`, `s3://`, `https://`). No Temporal imports: the worker and the CLI use it alike.
 *
 * @example
 * const staging = stagingStoreFromEnv(); // BULKFLOW_STAGING_URL: file:///var/bulkflow or s3://bucket/prefix
 */
export type { StagingStore } from './staging-store.js';
export { FileStagingStore } from './staging.js';
export { S3StagingStore, type S3StagingStoreOptions } from './s3-staging.js';
export { stagingStoreFromEnv } from './staging-from-env.js';
export { s3ClientFromEnv } from './s3-client.js';
