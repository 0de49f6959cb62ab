/**
 * The checks of one write: finding the record a row names, reading a row's cell, and validating a record before
 * it is stored (derived fields, required fields, uniqueness).
 */
import { normalizeId } from './ids.js';
import type { RecordTable, StoredRecord } from './record-table.js';
import type { RowRequest } from './row-request.js';
import { missingRequired } from './record-changes.js';
import { StatusCode, recordError } from './record-errors.js';
import type { RecordError } from './record-errors.js';

/** The record a row names, or why there is none. */
export type Located = { success: true; record: StoredRecord } | { success: false; id: string; error: RecordError };

/** Finds the live record named by the row's Id cell. */
export function locateRecord(table: RecordTable, request: RowRequest, call: string): Located {
  const raw = cellOf(request, 'Id');
  if (raw === '') {
    return {
      success: false,
      id: '',
      error: recordError(StatusCode.MissingArgument, `Id not specified in an ${call} call`),
    };
  }
  const id = normalizeId(raw);
  if (id === undefined || id.slice(0, 3) !== table.schema.keyPrefix) {
    const message = `${table.schema.label} ID: id value of incorrect type: ${raw}`;
    return { success: false, id: '', error: recordError(StatusCode.MalformedId, message, ['Id']) };
  }
  const record = table.get(id);
  if (!record) {
    return {
      success: false,
      id,
      error: recordError(StatusCode.InvalidCrossReferenceKey, 'invalid cross reference id'),
    };
  }
  if (record['IsDeleted'] === true) {
    return { success: false, id, error: recordError(StatusCode.EntityIsDeleted, 'entity is deleted') };
  }
  return { success: true, record };
}

/** The row's cell for a field column, or empty when the header lacks it. */
export function cellOf(request: RowRequest, fieldName: string): string {
  const index = request.columns.findIndex((c) => c.kind === 'field' && c.field.name === fieldName);
  return index < 0 ? '' : (request.cells[index] ?? '');
}

/** Derived fields, then required fields, then uniqueness; returns the first error. */
export function validateRecord(table: RecordTable, record: StoredRecord): RecordError | undefined {
  if (table.schema.derive) Object.assign(record, table.schema.derive(record));
  const missing = missingRequired(table.schema.fields, record);
  if (missing) return missing;
  for (const field of table.schema.fields) {
    if (field.unique !== true && field.externalId !== true) continue;
    const other = table.findByUnique(field.name, record[field.name] ?? null);
    if (other && other['Id'] !== record['Id']) {
      const message = `duplicate value found: ${field.name} duplicates value on record with id: ${String(other['Id'])}`;
      return recordError(StatusCode.DuplicateValue, message);
    }
  }
  return undefined;
}
