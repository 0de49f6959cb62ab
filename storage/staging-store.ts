/**
 * The staging store: where inputs are cut into upload units and where results land (claim check).
 * Workflow history holds only the URLs a store hands out, never the data. `file://` (`staging.ts`) and
 * `s3://` (`s3-staging.ts`) are built in; other stores implement the same interface.
 */
import type { Readable, Writable } from 'node:stream';

export interface StagingStore {
  /** The URL of `key` (a relative, `/`-separated path). */
  urlFor(key: string): string;
  /** A sink for `key`; callers end it and wait for `'finish'`, after which the data is readable. */
  openWrite(key: string): Writable;
  openRead(url: string): Readable;
  exists(url: string): Promise<boolean>;
}
