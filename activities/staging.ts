/**
 * The staging store: where inputs are cut into upload units and where results land (claim check).
 * Workflow history holds only the URLs this store hands out, never the data.
 *
 * `file://` and `s3://` (see `s3-staging.ts`) are built in. Other stores implement the same interface.
 */
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { s3ClientFromEnv } from './s3-client.js';
import { S3StagingStore } from './s3-staging.js';

export interface StagingStore {
  /** The URL of `key` (a relative, `/`-separated path). */
  urlFor(key: string): string;
  /** A sink for `key`; callers end it and wait for `'finish'`, after which the data is readable. */
  openWrite(key: string): Writable;
  openRead(url: string): Readable;
  exists(url: string): Promise<boolean>;
}

/** A staging store on the local filesystem (or a shared volume), under `root`. */
export class FileStagingStore implements StagingStore {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  urlFor(key: string): string {
    return pathToFileURL(this.pathOf(key)).href;
  }

  openWrite(key: string): Writable {
    const file = this.pathOf(key);
    mkdirSync(path.dirname(file), { recursive: true });
    return createWriteStream(file);
  }

  openRead(url: string): Readable {
    return createReadStream(fileURLToPath(url));
  }

  async exists(url: string): Promise<boolean> {
    try {
      await stat(fileURLToPath(url));
      return true;
    } catch {
      return false;
    }
  }

  private pathOf(key: string): string {
    const parts = key.split('/').filter((p) => p && p !== '.' && p !== '..');
    return path.join(this.root, ...parts);
  }
}

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
