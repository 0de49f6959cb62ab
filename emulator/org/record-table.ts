/**
 * What the org stores an object's records in: in memory ({@link ObjectTable}) for small orgs, or on disk
 * (`DiskTable`, LMDB) once an object grows large. Both keep the same rules: records in creation order (ids are
 * handed out in ascending order, so creation order is Id order), unique values matched case-insensitively and
 * held by live records only, auto-numbers never reused.
 */
import type { FieldValue } from './field-values.js';
import type { SObjectSchema } from './schemas.js';

/** One stored record: field API name to value, every field of the object present. Never changed once stored: a change stores a new object. */
export type StoredRecord = Record<string, FieldValue>;

/** Reads a table's records a batch at a time, in creation order, as they were when the scan was opened. */
export interface RecordScan {
  /** Up to `max` more records; an empty array once every record has been read. */
  next(max: number): readonly Readonly<StoredRecord>[];
  /** Lets go of what the scan holds; reading on after it answers nothing. */
  close(): void;
}

/** The records of one object and their unique-value indexes. */
export interface RecordTable {
  readonly schema: SObjectSchema;
  /** Records stored, the recycle bin included. */
  readonly size: number;
  get(id: string): StoredRecord | undefined;
  /** A scan of every record (the recycle bin included), from the start or after the record with `afterId`. */
  scan(afterId?: string): RecordScan;
  /** The live record holding this value in a unique field, if any. */
  findByUnique(fieldName: string, value: FieldValue): StoredRecord | undefined;
  /** Stores a new or changed record, keeping the unique indexes in step; `isNew` skips looking for an old one. */
  put(record: StoredRecord, isNew?: boolean): void;
  /** Removes a record for good (hard delete). */
  remove(id: string): void;
  /** The next auto-number of the object, e.g. `00001001` for 8 digits. Numbers are never reused. */
  nextAutoNumber(format: { digits: number }): string;
  /** The auto-number counter, to carry over when the table moves to disk. */
  autoNumberCount: number;
  clear(): void;
  /** Lets go of files and handles (disk tables). */
  close(): void;
}

/** Orgs number records from 1001 upwards unless configured otherwise (Case 00001001 and on). */
export const AUTO_NUMBER_START = 1000;

/** The index key of a unique value: lower case; undefined for null and empty values, which are not indexed. */
export function uniqueKey(value: FieldValue): string | undefined {
  if (value === null || value === '') return undefined;
  return String(value).toLowerCase();
}

/** The fields a table indexes: unique ones and external ids. */
export function uniqueFieldsOf(schema: SObjectSchema): SObjectSchema['fields'] {
  return schema.fields.filter((f) => f.unique === true || f.externalId === true);
}
