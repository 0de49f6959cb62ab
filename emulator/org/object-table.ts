/**
 * The stored records of one sObject, in insertion order, with an index per unique field (external ids
 * included). Unique values are matched case-insensitively, as for Salesforce text external ids, and only live
 * records hold them: a record in the recycle bin does not block its value.
 */
import type { FieldValue } from './field-values.js';
import type { FieldSchema, SObjectSchema } from './schemas.js';

/** One stored record: field API name to value, every field of the object present. Never changed once stored: a change stores a new object. */
export type StoredRecord = Record<string, FieldValue>;

/** Orgs number records from 1001 upwards unless configured otherwise (Case 00001001 and on). */
const AUTO_NUMBER_START = 1000;

function uniqueKey(value: FieldValue): string | undefined {
  if (value === null || value === '') return undefined;
  return String(value).toLowerCase();
}

/** Records of one object and their unique-value indexes. */
export class ObjectTable {
  readonly #records = new Map<string, StoredRecord>();
  readonly #indexes = new Map<string, Map<string, string>>();
  readonly #uniqueFields: readonly FieldSchema[];
  #autoNumber = 0;

  constructor(readonly schema: SObjectSchema) {
    this.#uniqueFields = schema.fields.filter((f) => f.unique === true || f.externalId === true);
    for (const field of this.#uniqueFields) this.#indexes.set(field.name, new Map());
  }

  get(id: string): StoredRecord | undefined {
    return this.#records.get(id);
  }

  all(): IterableIterator<StoredRecord> {
    return this.#records.values();
  }

  /** The live record holding this value in a unique field, if any. */
  findByUnique(fieldName: string, value: FieldValue): StoredRecord | undefined {
    const key = uniqueKey(value);
    const id = key === undefined ? undefined : this.#indexes.get(fieldName)?.get(key);
    return id === undefined ? undefined : this.#records.get(id);
  }

  /** Stores a new or changed record, keeping the unique indexes in step. */
  put(record: StoredRecord): void {
    const id = String(record['Id']);
    const previous = this.#records.get(id);
    if (previous) this.#unindex(previous);
    this.#records.set(id, record);
    if (record['IsDeleted'] !== true) this.#index(record);
  }

  /** Removes a record for good (hard delete). */
  remove(id: string): void {
    const previous = this.#records.get(id);
    if (!previous) return;
    this.#unindex(previous);
    this.#records.delete(id);
  }

  /** The next auto-number of the object, e.g. `00001001` for 8 digits. Numbers are never reused. */
  nextAutoNumber(format: { digits: number }): string {
    this.#autoNumber += 1;
    return String(AUTO_NUMBER_START + this.#autoNumber).padStart(format.digits, '0');
  }

  clear(): void {
    this.#autoNumber = 0;
    this.#records.clear();
    for (const index of this.#indexes.values()) index.clear();
  }

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
