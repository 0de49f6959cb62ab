/**
 * The LMDB environment behind the org's disk tables: one per emulator, in its scratch folder, opened when the
 * first object moves to disk. Durability is not wanted (the folder is removed on close; `persistPath` is what
 * keeps an org), so commits are not synced to disk: the page cache takes them.
 */
import { open } from 'lmdb';
import type { RootDatabase } from 'lmdb';
import type { WorkDir } from '../work-dir.js';
import { DiskTable } from './disk-table.js';
import type { SObjectSchema } from './schemas.js';

/** Opens disk tables in one LMDB environment. */
export class DiskStore {
  readonly #workDir: WorkDir;
  #root: RootDatabase | undefined;

  constructor(workDir: WorkDir) {
    this.#workDir = workDir;
  }

  /** A new, empty disk table for the object. */
  table(schema: SObjectSchema): DiskTable {
    this.#root ??= open({
      path: this.#workDir.newFile('records.lmdb'),
      noSync: true,
      noMetaSync: true,
      compression: false,
      maxDbs: 1000,
    });
    return new DiskTable(schema, this.#root);
  }

  /** Closes the environment (its files go with the scratch folder). */
  close(): void {
    const root = this.#root;
    this.#root = undefined;
    void root?.close();
  }
}
