/**
 * Resolves lookup cells against the stored records: record ids in reference fields, and parent external ids
 * in relationship columns.
 */
import { normalizeId } from './ids.js';
import type { ColumnRef } from './columns.js';
import type { CoerceResult } from './field-values.js';
import type { RecordTable } from './record-table.js';
import { StatusCode, recordError } from './record-errors.js';
import type { ReferenceResolver } from './record-changes.js';
import type { FieldSchema, SchemaRegistry } from './schemas.js';

/** What the resolver needs to see of the org. */
export interface ReferenceTargets {
  schemas: SchemaRegistry;
  table(objectName: string): RecordTable | undefined;
  isUser(id: string): boolean;
}

function failure(statusCode: StatusCode, message: string, fields: readonly string[] = []): CoerceResult {
  return { ok: false, error: recordError(statusCode, message, fields) };
}

/** A resolver over the org's records. */
export function createReferenceResolver(targets: ReferenceTargets): ReferenceResolver {
  const resolveId = (field: FieldSchema, raw: string): CoerceResult => {
    const id = normalizeId(raw);
    const wrongType = `${field.label}: id value of incorrect type: ${raw}`;
    if (id === undefined) return failure(StatusCode.MalformedId, wrongType, [field.name]);
    const referenceTo = field.referenceTo ?? [];
    if (referenceTo.includes('User') && targets.isUser(id)) return { ok: true, value: id };
    const target = targets.schemas.byKeyPrefix(id.slice(0, 3));
    if (!target || !referenceTo.includes(target.name)) {
      return failure(StatusCode.FieldIntegrityException, wrongType, [field.name]);
    }
    const record = targets.table(target.name)?.get(id);
    if (!record) return failure(StatusCode.InvalidCrossReferenceKey, 'invalid cross reference id');
    if (record['IsDeleted'] === true) return failure(StatusCode.EntityIsDeleted, 'entity is deleted');
    return { ok: true, value: id };
  };

  const resolveForeignKey = (column: Extract<ColumnRef, { kind: 'foreignKey' }>, raw: string): CoerceResult => {
    if (column.parentField.name === 'Id') return resolveId(column.field, raw);
    const parent = targets.table(column.parent.name)?.findByUnique(column.parentField.name, raw);
    if (parent) return { ok: true, value: parent['Id'] ?? null };
    const message = `Foreign key external ID: ${raw} not found for field ${column.parentField.name} in entity ${column.parent.name}`;
    return failure(StatusCode.InvalidField, message);
  };

  return { resolveId, resolveForeignKey };
}
