/**
 * Moves an object's records from memory to the disk store in the background, a bounded number per step, while
 * the memory table stays the one every read and write uses: the records are copied in creation order, the ids
 * written meanwhile are noted and copied again (or removed) after, and the moment nothing is left to copy the
 * disk table takes over. So an object that grows past `recordsInMemory` never stops the event loop for the
 * seconds a million records take to write.
 */
import type { DiskTable } from './disk-table.js';
import type { ObjectTable } from './object-table.js';

/** Records copied per step: about 30 ms of work. */
export const MIGRATION_STEP_RECORDS = 10_000;

/** One object's move to disk. */
export class TableMigration {
  readonly #memory: ObjectTable;
  readonly #disk: DiskTable;
  readonly #ids: string[];
  #position = 0;
  readonly #dirty = new Set<string>();
  readonly #stepRecords: number;

  constructor(memory: ObjectTable, disk: DiskTable, stepRecords = MIGRATION_STEP_RECORDS) {
    this.#memory = memory;
    this.#disk = disk;
    this.#stepRecords = stepRecords;
    this.#ids = Array.from(memory.all(), (record) => String(record['Id']));
    memory.onWrite = (id) => this.#dirty.add(id);
  }

  /** The memory table being moved. */
  get memory(): ObjectTable {
    return this.#memory;
  }

  /** Copies a bounded number of records; answers the disk table once it holds everything, else undefined. */
  step(): DiskTable | undefined {
    let budget = this.#stepRecords;
    for (; budget > 0 && this.#position < this.#ids.length; budget--) {
      const id = this.#ids[this.#position++] as string;
      const record = this.#memory.get(id);
      // A record written since the copy began is copied with the others written meanwhile.
      if (record && !this.#dirty.has(id)) this.#disk.put(record, true);
    }
    // Records written meanwhile only once the others are in: the first pass appends ids in ascending order,
    // which fills the store's pages whole; a newer id in between would make the rest split pages.
    for (const id of this.#position < this.#ids.length ? [] : this.#dirty) {
      if (budget-- <= 0) break;
      this.#dirty.delete(id);
      const record = this.#memory.get(id);
      if (record) this.#disk.put(record);
      else this.#disk.remove(id);
    }
    if (this.#position < this.#ids.length || this.#dirty.size > 0) return undefined;
    this.#disk.flush();
    this.#disk.autoNumberCount = this.#memory.autoNumberCount;
    this.#memory.onWrite = undefined;
    return this.#disk;
  }

  /** Gives up (reset, close): the memory table stays as it is; the copy is emptied. */
  cancel(): void {
    this.#memory.onWrite = undefined;
    this.#disk.clear();
  }
}
