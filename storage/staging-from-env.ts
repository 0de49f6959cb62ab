/** Chooses the staging store from the environment. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { s3ClientFromEnv } from './s3-client.js';
import { S3StagingStore } from './s3-staging.js';
import { FileStagingStore } from './staging.js';
import type { StagingStore } from './staging-store.js';

/**
 * The store `BULKFLOW_STAGING_URL` names: a `file://` folder, or `s3://bucket/prefix` (an S3 client
 * from the same environment, see `s3ClientFromEnv`). Unset: `.bulkflow/staging` under the working
 * directory.
 */
export function stagingStoreFromEnv(env: NodeJS.ProcessEnv = process.env): StagingStore {
  const url = env.BULKFLOW_STAGING_URL;
  if (!url) return new FileStagingStore(path.join(process.cwd(), '.bulkflow', 'staging'));
  if (url.startsWith('file://')) return new FileStagingStore(fileURLToPath(url));
  if (url.startsWith('s3://')) return S3StagingStore.fromUrl(url, s3ClientFromEnv(env));
  throw new Error(`BULKFLOW_STAGING_URL must be a file:// or s3:// URL, got ${url.split(':')[0]}://…`);
}
