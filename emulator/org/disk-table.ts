/**
 * An object's records on disk, in LMDB (the `lmdb` package): one database of records keyed by Id, whose key
 * order is creation order (ids are handed out ascending), and one database per unique field from the value's
 * lower-case form to the Id. A record is stored as the array of its values in the schema's field order (MessagePack),
 * so field names are not repeated per record.
 *
 * Writes are buffered: `put` and `remove` land in a pending map that every read consults first, and the map is
 * written in one LMDB transaction at the next turn of the event loop (or once it holds {@link FLUSH_ENTRIES}),
 * so a 200-row processing step costs one commit. Scans flush first, then read batches of keys after the last
 * one they returned, up to the last key at the moment they were opened: records inserted later are not seen;
 * records changed meanwhile are read as they are then.
 */
import type { Database, RootDatabase } from 'lmdb';
import type { FieldValue } from './field-values.js';
import type { FieldSchema, SObjectSchema } from './schemas.js';
import { recordCodec } from './record-codec.js';
import type { RecordCodec } from './record-codec.js';
import { AUTO_NUMBER_START, uniqueFieldsOf, uniqueKey } from './record-table.js';
import type { RecordScan, RecordTable, StoredRecord } from './record-table.js';

/** Pending writes that trigger a flush at once. */
export const FLUSH_ENTRIES = 5000;

const APPEND = { append: true };

/** A pending record write: the record, or null for a removal. */
type Pending = StoredRecord | null;

/** Records of one object in LMDB. */
export class DiskTable implements RecordTable {
  readonly #root: RootDatabase;
  readonly #records: Database<FieldValue[], string>;
  readonly #indexes = new Map<string, Database<string, string>>();
  readonly #uniqueFields: readonly FieldSchema[];
  readonly #codec: RecordCodec;
  readonly #pending = new Map<string, Pending>();
  /** Index changes not written yet, by field: key → id, or null for a removed key. */
  readonly #pendingIndex = new Map<string, Map<string, string | null>>();
  #flushScheduled = false;
  /** The greatest key written: a greater one can be appended. */
  #lastKey: string | undefined;
  #size = 0;
  autoNumberCount = 0;

  constructor(
    readonly schema: SObjectSchema,
    root: RootDatabase,
  ) {
    this.#root = root;
    const name = schema.name.toLowerCase();
    this.#records = root.openDB<FieldValue[], string>(`records:${name}`, { encoding: 'msgpack' });
    this.#uniqueFields = uniqueFieldsOf(schema);
    this.#codec = recordCodec(schema);
    for (const field of this.#uniqueFields) {
      this.#indexes.set(
        field.name,
        root.openDB<string, string>(`unique:${name}:${field.name}`, { encoding: 'string' }),
      );
      this.#pendingIndex.set(field.name, new Map());
    }
    this.clear();
  }

  get size(): number {
    return this.#size;
  }

  get(id: string): StoredRecord | undefined {
    const pending = this.#pending.get(id);
    if (pending !== undefined) return pending ?? undefined;
    const values = this.#records.get(id);
    return values === undefined ? undefined : this.#codec.decode(values);
  }

  scan(afterId?: string): RecordScan {
    this.flush();
    let end: string | undefined;
    for (const key of this.#records.getKeys({ reverse: true, limit: 1 })) end = key;
    let last = afterId;
    let open = end !== undefined;
    return {
      next: (max) => {
        if (!open || end === undefined) return [];
        this.flush();
        const batch: StoredRecord[] = [];
        const range = this.#records.getRange({
          start: last ?? '',
          end: `${end}\u0000`,
          limit: max + 1,
          snapshot: false,
        });
        for (const { key, value } of range) {
          if (key === last) continue;
          if (batch.length >= max) break;
          batch.push(this.#codec.decode(value));
          last = key;
        }
        if (batch.length === 0) open = false;
        return batch;
      },
      close: () => {
        open = false;
      },
    };
  }

  findByUnique(fieldName: string, value: FieldValue): StoredRecord | undefined {
    const key = uniqueKey(value);
    if (key === undefined) return undefined;
    const pending = this.#pendingIndex.get(fieldName)?.get(key);
    const id = pending === undefined ? this.#indexes.get(fieldName)?.get(key) : pending;
    return id === null || id === undefined ? undefined : this.get(id);
  }

  put(record: StoredRecord, isNew = false): void {
    const id = String(record['Id']);
    const previous = isNew ? undefined : this.get(id);
    if (previous) this.#unindex(previous);
    else this.#size += 1;
    this.#write(id, record);
    if (record['IsDeleted'] !== true) this.#index(record);
  }

  remove(id: string): void {
    const previous = this.get(id);
    if (!previous) return;
    this.#unindex(previous);
    this.#size -= 1;
    this.#write(id, null);
  }

  nextAutoNumber(format: { digits: number }): string {
    this.autoNumberCount += 1;
    return String(AUTO_NUMBER_START + this.autoNumberCount).padStart(format.digits, '0');
  }

  clear(): void {
    this.autoNumberCount = 0;
    this.#size = 0;
    this.#pending.clear();
    this.#lastKey = undefined;
    for (const pending of this.#pendingIndex.values()) pending.clear();
    this.#records.clearSync();
    for (const index of this.#indexes.values()) index.clearSync();
  }

  close(): void {
    this.#pending.clear();
  }

  /** Writes every pending change in one transaction. */
  flush(): void {
    this.#flushScheduled = false;
    if (this.#pending.size === 0) return;
    this.#root.transactionSync(() => {
      for (const [id, record] of this.#pending) {
        if (record === null) {
          void this.#records.remove(id);
          continue;
        }
        // New ids come in ascending order: appended, they fill pages whole (a file half the size).
        const append = this.#lastKey === undefined || id > this.#lastKey;
        void this.#records.put(id, this.#codec.encode(record), (append ? APPEND : undefined) as unknown as number);
        if (append) this.#lastKey = id;
      }
      for (const [fieldName, changes] of this.#pendingIndex) {
        const index = this.#indexes.get(fieldName);
        for (const [key, id] of changes) {
          if (id === null) void index?.remove(key);
          else void index?.put(key, id);
        }
        changes.clear();
      }
    });
    this.#pending.clear();
  }

  #write(id: string, record: Pending): void {
    this.#pending.set(id, record);
    if (this.#pending.size >= FLUSH_ENTRIES) return this.flush();
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => this.flush());
  }

  #index(record: StoredRecord): void {
    for (const field of this.#uniqueFields) {
      const key = uniqueKey(record[field.name] ?? null);
      if (key !== undefined) this.#pendingIndex.get(field.name)?.set(key, String(record['Id']));
    }
  }

  #unindex(record: StoredRecord): void {
    for (const field of this.#uniqueFields) {
      const key = uniqueKey(record[field.name] ?? null);
      if (key === undefined) continue;
      const id = this.#pendingIndex.get(field.name)?.get(key) ?? this.#indexes.get(field.name)?.get(key);
      if (id === record['Id']) this.#pendingIndex.get(field.name)?.set(key, null);
    }
  }
}
