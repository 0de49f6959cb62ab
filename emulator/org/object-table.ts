/**
 * The stored records of one sObject in memory, in insertion order, with an index per unique field (external ids
 * included). Unique values are matched case-insensitively, as for Salesforce text external ids, and only live
 * records hold them: a record in the recycle bin does not block its value.
 */
import type { FieldValue } from './field-values.js';
import type { FieldSchema, SObjectSchema } from './schemas.js';
import { AUTO_NUMBER_START, uniqueFieldsOf, uniqueKey } from './record-table.js';
import type { RecordScan, RecordTable, StoredRecord } from './record-table.js';

export type { StoredRecord } from './record-table.js';

/** Records of one object and their unique-value indexes, in memory. */
export class ObjectTable implements RecordTable {
  readonly #records = new Map<string, StoredRecord>();
  readonly #indexes = new Map<string, Map<string, string>>();
  readonly #uniqueFields: readonly FieldSchema[];
  autoNumberCount = 0;
  /** Told the id of every record stored or removed (a move to disk in progress). */
  onWrite: ((id: string) => void) | undefined;

  constructor(readonly schema: SObjectSchema) {
    this.#uniqueFields = uniqueFieldsOf(schema);
    for (const field of this.#uniqueFields) this.#indexes.set(field.name, new Map());
  }

  get size(): number {
    return this.#records.size;
  }

  get(id: string): StoredRecord | undefined {
    return this.#records.get(id);
  }

  all(): IterableIterator<StoredRecord> {
    return this.#records.values();
  }

  /** A snapshot of references (records are never changed in place), read a slice at a time. */
  scan(afterId?: string): RecordScan {
    let records: StoredRecord[] | undefined = Array.from(this.#records.values());
    let position = 0;
    if (afterId !== undefined) {
      const index = records.findIndex((r) => r['Id'] === afterId);
      position = index < 0 ? records.filter((r) => String(r['Id']) <= afterId).length : index + 1;
    }
    return {
      next: (max) => {
        if (!records) return [];
        const slice = records.slice(position, position + max);
        position += slice.length;
        return slice;
      },
      close: () => {
        records = undefined;
      },
    };
  }

  findByUnique(fieldName: string, value: FieldValue): StoredRecord | undefined {
    const key = uniqueKey(value);
    const id = key === undefined ? undefined : this.#indexes.get(fieldName)?.get(key);
    return id === undefined ? undefined : this.#records.get(id);
  }

  put(record: StoredRecord): void {
    const id = String(record['Id']);
    const previous = this.#records.get(id);
    if (previous) this.#unindex(previous);
    this.#records.set(id, record);
    this.onWrite?.(id);
    if (record['IsDeleted'] !== true) this.#index(record);
  }

  remove(id: string): void {
    const previous = this.#records.get(id);
    if (!previous) return;
    this.#unindex(previous);
    this.#records.delete(id);
    this.onWrite?.(id);
  }

  nextAutoNumber(format: { digits: number }): string {
    this.autoNumberCount += 1;
    return String(AUTO_NUMBER_START + this.autoNumberCount).padStart(format.digits, '0');
  }

  clear(): void {
    this.autoNumberCount = 0;
    this.#records.clear();
    for (const index of this.#indexes.values()) index.clear();
  }

  /** Nothing to let go of: the records stay readable after the emulator has closed. */
  close(): void {}

  #index(record: StoredRecord): void {
    for (const field of this.#uniqueFields) {
      const key = uniqueKey(record[field.name] ?? null);
      if (key !== undefined) this.#indexes.get(field.name)?.set(key, String(record['Id']));
    }
  }

  #unindex(record: StoredRecord): void {
    for (const field of this.#uniqueFields) {
      const key = uniqueKey(record[field.name] ?? null);
      const index = this.#indexes.get(field.name);
      if (key !== undefined && index?.get(key) === record['Id']) index?.delete(key);
    }
  }
}
