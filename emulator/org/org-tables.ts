/**
 * The org's tables by object: each object starts in memory and moves to the disk store once it holds more than
 * `recordsInMemory` records (in the background, see `table-migration.ts`). A reset brings every object back to
 * memory, empty.
 */
import type { DiskStore } from './disk-store.js';
import { ObjectTable } from './object-table.js';
import type { RecordTable } from './record-table.js';
import type { SObjectSchema } from './schemas.js';
import { TableMigration } from './table-migration.js';

/** Where records live: past `recordsInMemory` records an object moves to `disk`. */
export interface StoreOptions {
  recordsInMemory: number;
  disk: DiskStore;
}

interface Move {
  migration: TableMigration;
  immediate: NodeJS.Immediate;
}

/** Tables by lower-case object name. */
export class OrgTables {
  readonly #tables = new Map<string, RecordTable>();
  readonly #moves = new Map<string, Move>();
  readonly #store: StoreOptions | undefined;

  constructor(store?: StoreOptions) {
    this.#store = store;
  }

  define(schema: SObjectSchema): void {
    this.#tables.set(schema.name.toLowerCase(), new ObjectTable(schema));
  }

  find(objectName: string): RecordTable | undefined {
    return this.#tables.get(objectName.toLowerCase());
  }

  inMemory(table: RecordTable): boolean {
    return table instanceof ObjectTable;
  }

  movingToDisk(objectName: string): boolean {
    return this.#moves.has(objectName.toLowerCase());
  }

  /** Starts moving an object that has grown past `recordsInMemory` to disk; the memory table serves meanwhile. */
  spill(objectName: string): void {
    const key = objectName.toLowerCase();
    const table = this.#tables.get(key);
    if (!this.#store || !(table instanceof ObjectTable) || table.size <= this.#store.recordsInMemory) return;
    if (this.#moves.has(key)) return;
    const migration = new TableMigration(table, this.#store.disk.table(table.schema));
    const step = () => {
      if (this.#moves.get(key)?.migration !== migration) return;
      const disk = migration.step();
      if (!disk) {
        this.#moves.set(key, { migration, immediate: setImmediate(step) });
        return;
      }
      this.#moves.delete(key);
      this.#tables.set(key, disk);
    };
    this.#moves.set(key, { migration, immediate: setImmediate(step) });
  }

  /** Empties every table; objects on disk start again in memory. */
  reset(): void {
    this.#cancelMoves();
    for (const [key, table] of this.#tables) {
      table.clear();
      if (!(table instanceof ObjectTable)) {
        table.close();
        this.#tables.set(key, new ObjectTable(table.schema));
      }
    }
  }

  close(): void {
    this.#cancelMoves();
    for (const table of this.#tables.values()) table.close();
  }

  #cancelMoves(): void {
    for (const { migration, immediate } of this.#moves.values()) {
      clearImmediate(immediate);
      migration.cancel();
    }
    this.#moves.clear();
  }
}
