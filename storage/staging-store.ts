/**
 * The staging store: where inputs are cut into upload units and where results land (claim check).
 * Workflow history holds only the URLs a store hands out, never the data. `file://` (`staging.ts`) and
 * `s3://` (`s3-staging.ts`) are built in; other stores implement the same interface.
 *
 * What every store guarantees: an object is readable only once it is whole (a writer that dies leaves nothing
 * under its key), so an object that exists is complete; `createIfAbsent` is a conditional write.
 */
import type { Readable, Writable } from 'node:stream';

/** A place for staged units and result files, by relative key; the URLs it hands out go into workflow history. */
export interface StagingStore {
  /** The URL of `key` (a relative, `/`-separated path). */
  urlFor(key: string): string;
  /** A sink for `key`; callers end it and wait for `'finish'`, after which the data is readable. */
  openWrite(key: string): Writable;
  openRead(url: string): Readable;
  exists(url: string): Promise<boolean>;
  /**
   * Writes `text` at `key` unless something is there already, atomically: of two writers racing for one key,
   * exactly one gets `true`. The run ledger claims business ids with it.
   */
  createIfAbsent(key: string, text: string): Promise<boolean>;
  /** The keys (as given to {@link urlFor}) of the complete objects whose key starts with `prefix`. */
  list(prefix: string): Promise<string[]>;
}
