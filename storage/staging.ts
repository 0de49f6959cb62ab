/**
 * The staging store: where inputs are cut into upload units and where results land (claim check).
 * Workflow history holds only the URLs this store hands out, never the data.
 *
 * This file is the `file://` store; `s3-staging.ts` the `s3://` one; `staging-from-env.ts` picks one.
 */
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { StagingStore } from './staging-store.js';

const READ_CHUNK_BYTES = 1 << 20;

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

  /** Reads in 1 MiB chunks: staged files are large and read whole, and each chunk costs a turn of the loop. */
  openRead(url: string): Readable {
    return createReadStream(fileURLToPath(url), { highWaterMark: READ_CHUNK_BYTES });
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
