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
import { ObjectTable } from './object-table.js';
import type { StoredRecord } from './object-table.js';
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
}

/** Options of {@link Org.getRecords}. */
export interface GetRecordsOptions {
  /** Also return records in the recycle bin. @default false */
  includeDeleted?: boolean;
}

/** A field's value on a new record before the row's cells apply: its default, false for checkboxes, or null. */
function initialValue(field: FieldSchema): FieldValue {
  if (field.defaultValue !== undefined) return field.defaultValue;
  return field.type === FieldType.Boolean ? false : null;
}

/** Records and DML of the emulated org. */
export class Org {
  readonly schemas = new SchemaRegistry();
  readonly #tables = new Map<string, ObjectTable>();
  readonly #ids: IdFactory;
  readonly #users: ReadonlySet<string>;
  readonly #resolver: ReferenceResolver;
  readonly #clock: Clock;
  readonly #seeds: Readonly<Record<string, readonly Record<string, FieldValue>[]>>;

  constructor(options: OrgOptions) {
    this.#ids = options.ids;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#users = new Set(options.userIds);
    for (const schema of options.objects) this.defineObject(schema);
    this.#resolver = createReferenceResolver({
      schemas: this.schemas,
      table: (name) => this.#tables.get(name.toLowerCase()),
      isUser: (id) => this.#users.has(id),
    });
    this.#seeds = options.seedRecords ?? {};
    this.#seed();
  }

  /** Adds an sObject (standard or custom) to the org. */
  defineObject(schema: SObjectSchema): void {
    this.schemas.define(schema);
    this.#tables.set(schema.name.toLowerCase(), new ObjectTable(schema));
  }

  /** Copies of the stored records of an object, in creation order. Throws for an unknown object. */
  getRecords(objectName: string, options: GetRecordsOptions = {}): Record<string, FieldValue>[] {
    const table = this.#table(objectName);
    const records = [...table.all()].filter((r) => options.includeDeleted === true || r['IsDeleted'] !== true);
    return records.map((r) => ({ ...r }));
  }

  /**
   * The stored records of an object, recycle bin included, in creation order: the records themselves, not
   * copies, so only read them. A stored record is replaced on every change, never changed in place, so the
   * array is a snapshot of this moment. For the query engine, which reads each record once.
   */
  scanRecords(objectName: string): readonly Readonly<StoredRecord>[] {
    return Array.from(this.#table(objectName).all());
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
    for (const table of this.#tables.values()) table.clear();
    this.#seed();
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
  }

  #table(objectName: string): ObjectTable {
    const table = this.#tables.get(objectName.toLowerCase());
    if (!table) throw new Error(`Unknown sObject: ${objectName}`);
    return table;
  }

  #insert(table: ObjectTable, request: RowRequest): RowResult {
    const collected = collectChanges(request.columns, request.cells, WriteMode.Create, this.#resolver);
    if (!collected.ok) return { success: false, id: '', error: collected.error };
    const now = this.#stamp(request);
    const record: StoredRecord = {};
    for (const field of table.schema.fields) record[field.name] = initialValue(field);
    for (const field of table.schema.fields) {
      if (field.autoNumber) record[field.name] = table.nextAutoNumber(field.autoNumber);
    }
    Object.assign(record, {
      OwnerId: request.userId,
      ...collected.changes,
      Id: this.#ids.next(table.schema.keyPrefix),
      IsDeleted: false,
      CreatedDate: now,
      CreatedById: request.userId,
      LastModifiedDate: now,
      LastModifiedById: request.userId,
      SystemModstamp: now,
    });
    const error = validateRecord(table, record);
    if (error) return { success: false, id: '', error };
    table.put(record);
    return { success: true, id: String(record['Id']), created: true };
  }

  #update(table: ObjectTable, request: RowRequest, existing: StoredRecord): RowResult {
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

  #updateById(table: ObjectTable, request: RowRequest): RowResult {
    const located = locateRecord(table, request, 'update');
    return located.success ? this.#update(table, request, located.record) : located;
  }

  #upsert(table: ObjectTable, request: RowRequest): RowResult {
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

  #delete(table: ObjectTable, request: RowRequest): RowResult {
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
    return formatDateTime(request.timestamp ?? auditTimestamp(this.#clock));
  }
}
