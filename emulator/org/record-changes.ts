/**
 * Turns one upload row into the field changes it asks for, applying the Bulk cell rules: an empty cell leaves
 * the field alone (on insert that means null), `#N/A` sets null, anything else is converted to the field's type.
 */
import { FieldType } from './schemas.js';
import type { FieldSchema } from './schemas.js';
import type { ColumnRef } from './columns.js';
import { NULL_MARKER, coerceFieldValue } from './field-values.js';
import type { CoerceResult, FieldValue } from './field-values.js';
import { StatusCode, recordError } from './record-errors.js';
import type { RecordError } from './record-errors.js';

/** Whether the row creates a record or changes an existing one; decides which fields may be written. */
export const WriteMode = { Create: 'create', Update: 'update' } as const;
export type WriteMode = (typeof WriteMode)[keyof typeof WriteMode];

/** Lookups need the records; the org supplies these. */
export interface ReferenceResolver {
  /** A reference cell holding a record id. */
  resolveId(field: FieldSchema, raw: string): CoerceResult;
  /** A relationship cell holding a parent's external id. */
  resolveForeignKey(column: Extract<ColumnRef, { kind: 'foreignKey' }>, raw: string): CoerceResult;
}

/** The changes of one row, or its first error. */
export type RowChanges = { ok: true; changes: Record<string, FieldValue> } | { ok: false; error: RecordError };

function notWritable(field: FieldSchema): RecordError {
  const message =
    `Unable to create/update fields: ${field.name}. Please check the security settings of this field and ` +
    'verify that it is read/write for your profile or permission set.';
  return recordError(StatusCode.InvalidFieldForInsertUpdate, message, [field.name]);
}

function convertCell(column: ColumnRef, raw: string, resolver: ReferenceResolver, position: number): CoerceResult {
  if (raw === NULL_MARKER) return { ok: true, value: null };
  if (column.kind === 'foreignKey') return resolver.resolveForeignKey(column, raw);
  if (column.field.type === FieldType.Reference) return resolver.resolveId(column.field, raw);
  return coerceFieldValue(column.field, raw, position);
}

/**
 * Collects the changes a row asks for. The Id column is skipped: the operation reads it. On create a non-empty
 * Id is an error, as Salesforce refuses ids in inserts.
 */
export function collectChanges(
  columns: readonly ColumnRef[],
  cells: readonly string[],
  mode: WriteMode,
  resolver: ReferenceResolver,
): RowChanges {
  const changes: Record<string, FieldValue> = {};
  for (const [index, column] of columns.entries()) {
    const raw = cells[index] ?? '';
    if (raw === '') continue;
    const { field } = column;
    if (field.type === FieldType.Id) {
      if (mode === WriteMode.Create) {
        return {
          ok: false,
          error: recordError(StatusCode.InvalidFieldForInsertUpdate, 'cannot specify Id in an insert call', ['Id']),
        };
      }
      continue;
    }
    if (!(mode === WriteMode.Create ? field.createable : field.updateable))
      return { ok: false, error: notWritable(field) };
    const converted = convertCell(column, raw, resolver, index);
    if (!converted.ok) return converted;
    changes[field.name] = converted.value;
  }
  return { ok: true, changes };
}

/** The required fields left empty by a write, as one REQUIRED_FIELD_MISSING error. */
export function missingRequired(
  fields: readonly FieldSchema[],
  record: Record<string, FieldValue>,
): RecordError | undefined {
  const missing = fields.filter((f) => f.required === true && (record[f.name] ?? null) === null).map((f) => f.name);
  if (missing.length === 0) return undefined;
  return recordError(StatusCode.RequiredFieldMissing, `Required fields are missing: [${missing.join(', ')}]`, missing);
}
