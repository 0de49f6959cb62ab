/**
 * The emulated org: sObject schemas, stored records, and DML one row at a time with the validation and errors
 * Salesforce applies. Deleted records stay stored with IsDeleted = true (the recycle bin); hard delete removes
 * them.
 */
import { SYSTEM_CLOCK, auditTimestamp } from '../clock.js';
import type { Clock } from '../clock.js';
import { normalizeId } from './ids.js';
import type { IdFactory } from './ids.js';
import { resolveColumns } from './columns.js';
import type { ColumnResolution } from './columns.js';
import { FieldType, SchemaRegistry } from './schemas.js';
import type { FieldSchema, SObjectSchema } from './schemas.js';
import { blankRecord } from './record-codec.js';
import { OrgTables } from './org-tables.js';
import type { StoreOptions } from './org-tables.js';
import type { RecordScan, RecordTable, StoredRecord } from './record-table.js';
import { WriteMode, collectChanges } from './record-changes.js';
import { cellOf, locateRecord, validateRecord } from './record-checks.js';
import type { ReferenceResolver } from './record-changes.js';
import { createReferenceResolver } from './references.js';
import { formatDateTime } from './field-values.js';
import { DmlOperation } from './row-request.js';
import type { RowRequest, RowResult } from './row-request.js';
import type { FieldValue } from './field-values.js';
import { StatusCode, recordError } from './record-errors.js';

export { DmlOperation } from './row-request.js';
export type { RowRequest, RowResult } from './row-request.js';

/** How to build an org. */
export interface OrgOptions {
  ids: IdFactory;
  /** Ids of the org's users, valid targets of OwnerId. */
  userIds: readonly string[];
  objects: readonly SObjectSchema[];
  /** Where record timestamps come from. @default real time */
  clock?: Clock;
  /** Records the org starts with and keeps across resets (the `User` and `Organization` records), by object. */
  seedRecords?: Readonly<Record<string, readonly Record<string, FieldValue>[]>>;
  /**
   * Where records live: an object holding more than `recordsInMemory` records moves to `disk`. Without it every
   * object stays in memory.
   */
  store?: StoreOptions;
}

/** Options of {@link Org.getRecords}. */
export interface GetRecordsOptions {
  /** Also return records in the recycle bin. @default false */
  includeDeleted?: boolean;
  /** Only records created after the one with this id (paging). */
  afterId?: string;
}

/** Records read per batch when the org's records are iterated. */
const READ_BATCH = 1000;

/** A field's value on a new record before the row's cells apply: its default, false for checkboxes, or null. */
function initialValue(field: FieldSchema): FieldValue {
  if (field.defaultValue !== undefined) return field.defaultValue;
  return field.type === FieldType.Boolean ? false : null;
}

/** Records and DML of the emulated org. */
export class Org {
  readonly schemas = new SchemaRegistry();
  readonly #tables: OrgTables;
  readonly #ids: IdFactory;
  readonly #users: ReadonlySet<string>;
  readonly #resolver: ReferenceResolver;
  readonly #clock: Clock;
  readonly #seeds: Readonly<Record<string, readonly Record<string, FieldValue>[]>>;
  #lastStamp = { time: Number.NaN, text: '' };

  constructor(options: OrgOptions) {
    this.#ids = options.ids;
    this.#tables = new OrgTables(options.store);
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#users = new Set(options.userIds);
    for (const schema of options.objects) this.defineObject(schema);
    this.#resolver = createReferenceResolver({
      schemas: this.schemas,
      table: (name) => this.#tables.find(name),
      isUser: (id) => this.#users.has(id),
    });
    this.#seeds = options.seedRecords ?? {};
    this.#seed();
  }

  /** Adds an sObject (standard or custom) to the org. */
  defineObject(schema: SObjectSchema): void {
    this.schemas.define(schema);
    this.#tables.define(schema);
  }

  /** Copies of the stored records of an object, in creation order. Throws for an unknown object. */
  getRecords(objectName: string, options: GetRecordsOptions = {}): Record<string, FieldValue>[] {
    return Array.from(this.records(objectName, options), (r) => ({ ...r }));
  }

  /**
   * The stored records of an object in creation order, read a batch at a time (a large org is never held
   * whole): only read them. Throws for an unknown object at once.
   */
  records(objectName: string, options: GetRecordsOptions = {}): Iterable<Readonly<StoredRecord>> {
    const scan = this.openScan(objectName, options.afterId);
    return (function* () {
      try {
        for (let batch = scan.next(READ_BATCH); batch.length > 0; batch = scan.next(READ_BATCH)) {
          for (const record of batch) if (options.includeDeleted === true || record['IsDeleted'] !== true) yield record;
        }
      } finally {
        scan.close();
      }
    })();
  }

  /** The stored records of an object, recycle bin included, in creation order (see {@link records}). */
  scanRecords(objectName: string): Iterable<Readonly<StoredRecord>> {
    return this.records(objectName, { includeDeleted: true });
  }

  /**
   * A scan of an object's records, recycle bin included, in creation order, a batch at a time; it reads them as
   * they were when it was opened (a disk table: records inserted since are not seen). For the query engine.
   */
  openScan(objectName: string, afterId?: string): RecordScan {
    return this.#table(objectName).scan(afterId);
  }

  /** Whether an object's records are in memory (not moved to the disk store). */
  inMemory(objectName: string): boolean {
    return this.#tables.inMemory(this.#table(objectName));
  }

  /** Whether an object is being moved to the disk store (for tests and benchmarks). */
  movingToDisk(objectName: string): boolean {
    return this.#tables.movingToDisk(objectName);
  }

  /** How many records an object holds, the recycle bin included. */
  countRecords(objectName: string): number {
    return this.#table(objectName).size;
  }

  /** A copy of one stored record (deleted ones included) by 15- or 18-character id, if the object holds it. */
  getRecord(objectName: string, id: string): Record<string, FieldValue> | undefined {
    const normalized = normalizeId(id);
    const record = normalized === undefined ? undefined : this.#table(objectName).get(normalized);
    return record ? { ...record } : undefined;
  }

  /** Maps an upload header to the object's fields. */
  resolveColumns(schema: SObjectSchema, header: readonly string[]): ColumnResolution {
    return resolveColumns(this.schemas, schema, header);
  }

  /** Writes one row and reports its outcome; never throws for bad data. */
  applyRow(request: RowRequest): RowResult {
    const result = this.#applyRow(request);
    this.#tables.spill(request.object.name);
    return result;
  }

  #applyRow(request: RowRequest): RowResult {
    const table = this.#table(request.object.name);
    switch (request.operation) {
      case DmlOperation.Insert:
        return this.#insert(table, request);
      case DmlOperation.Update:
        return this.#updateById(table, request);
      case DmlOperation.Upsert:
        return this.#upsert(table, request);
      case DmlOperation.Delete:
      case DmlOperation.HardDelete:
        return this.#delete(table, request);
    }
  }

  /** Removes every record but the seeded ones (users, the organization); schemas stay. */
  reset(): void {
    this.#tables.reset();
    this.#seed();
  }

  /** Closes the tables (disk ones let go of their files). */
  close(): void {
    this.#tables.close();
  }

  #seed(): void {
    for (const [objectName, records] of Object.entries(this.#seeds)) {
      const table = this.#table(objectName);
      for (const record of records) table.put({ ...record });
    }
  }

  /** Replaces an object's records with saved ones, exactly as given (persistence across restarts). */
  restoreRecords(objectName: string, records: readonly Record<string, FieldValue>[]): void {
    const table = this.#table(objectName);
    table.clear();
    for (const record of records) table.put({ ...record });
    this.#tables.spill(objectName);
  }

  #table(objectName: string): RecordTable {
    const table = this.#tables.find(objectName);
    if (!table) throw new Error(`Unknown sObject: ${objectName}`);
    return table;
  }

  #insert(table: RecordTable, request: RowRequest): RowResult {
    const collected = collectChanges(request.columns, request.cells, WriteMode.Create, this.#resolver);
    if (!collected.ok) return { success: false, id: '', error: collected.error };
    const now = this.#stamp(request);
    const record = blankRecord(table.schema, initialValue);
    for (const field of table.schema.fields) {
      if (field.autoNumber) record[field.name] = table.nextAutoNumber(field.autoNumber);
    }
    // What `Object.assign(record, { OwnerId, ...changes, Id, … })` does, without the objects in between.
    record['OwnerId'] = request.userId;
    Object.assign(record, collected.changes);
    record['Id'] = this.#ids.next(table.schema.keyPrefix);
    record['IsDeleted'] = false;
    record['CreatedDate'] = now;
    record['CreatedById'] = request.userId;
    record['LastModifiedDate'] = now;
    record['LastModifiedById'] = request.userId;
    record['SystemModstamp'] = now;
    const error = validateRecord(table, record);
    if (error) return { success: false, id: '', error };
    table.put(record, true);
    return { success: true, id: String(record['Id']), created: true };
  }

  #update(table: RecordTable, request: RowRequest, existing: StoredRecord): RowResult {
    const id = String(existing['Id']);
    const collected = collectChanges(request.columns, request.cells, WriteMode.Update, this.#resolver);
    if (!collected.ok) return { success: false, id, error: collected.error };
    const now = this.#stamp(request);
    const record: StoredRecord = { ...existing, ...collected.changes };
    Object.assign(record, { LastModifiedDate: now, LastModifiedById: request.userId, SystemModstamp: now });
    const error = validateRecord(table, record);
    if (error) return { success: false, id, error };
    table.put(record);
    return { success: true, id, created: false };
  }

  #updateById(table: RecordTable, request: RowRequest): RowResult {
    const located = locateRecord(table, request, 'update');
    return located.success ? this.#update(table, request, located.record) : located;
  }

  #upsert(table: RecordTable, request: RowRequest): RowResult {
    const matchField = request.externalIdField;
    if (!matchField || matchField.name === 'Id') {
      return cellOf(request, 'Id') === '' ? this.#insert(table, request) : this.#updateById(table, request);
    }
    const value = cellOf(request, matchField.name);
    if (value === '' || value === '#N/A') {
      const error = recordError(StatusCode.MissingArgument, `${matchField.name} not specified`);
      return { success: false, id: '', error };
    }
    const existing = table.findByUnique(matchField.name, value);
    return existing ? this.#update(table, request, existing) : this.#insert(table, request);
  }

  #delete(table: RecordTable, request: RowRequest): RowResult {
    const located = locateRecord(table, request, 'delete');
    if (!located.success) return located;
    const id = String(located.record['Id']);
    if (request.operation === DmlOperation.HardDelete) {
      table.remove(id);
    } else {
      const now = this.#stamp(request);
      const stamps = { LastModifiedDate: now, LastModifiedById: request.userId, SystemModstamp: now };
      table.put({ ...located.record, IsDeleted: true, ...stamps });
    }
    return { success: true, id, created: false };
  }

  /** The audit timestamp of a write, as stored. */
  #stamp(request: RowRequest): string {
    const at = request.timestamp ?? auditTimestamp(this.#clock);
    // A processing step stamps its 200 rows with one moment: format it once.
    if (at.getTime() !== this.#lastStamp.time) this.#lastStamp = { time: at.getTime(), text: formatDateTime(at) };
    return this.#lastStamp.text;
  }
}
