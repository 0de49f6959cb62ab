/**
 * Resolves the header of an upload into the fields it writes. Columns name fields by API name
 * (case-insensitively) or reach a parent through an external id, as in `Account.External_Id__c`.
 */
import { FieldType, findField } from './schemas.js';
import type { FieldSchema, SchemaRegistry, SObjectSchema } from './schemas.js';

/** What one upload column writes. */
export type ColumnRef =
  | { kind: 'field'; field: FieldSchema }
  /** A lookup set by matching an external id on the parent object. */
  | { kind: 'foreignKey'; field: FieldSchema; parent: SObjectSchema; parentField: FieldSchema };

/** The resolved header, or the first column that names nothing. */
export type ColumnResolution = { ok: true; columns: ColumnRef[] } | { ok: false; notFound: string };

function resolveForeignKey(registry: SchemaRegistry, schema: SObjectSchema, name: string): ColumnRef | undefined {
  const [relationship, parentFieldName, ...rest] = name.split('.');
  if (relationship === undefined || parentFieldName === undefined || rest.length > 0) return undefined;
  const wanted = relationship.toLowerCase();
  const field = schema.fields.find(
    (f) => f.type === FieldType.Reference && f.relationshipName?.toLowerCase() === wanted,
  );
  const parent = field?.referenceTo?.length === 1 ? registry.get(field.referenceTo[0] ?? '') : undefined;
  const parentField = parent ? findField(parent, parentFieldName) : undefined;
  if (!field || !parent || !parentField) return undefined;
  if (parentField.externalId !== true && parentField.type !== FieldType.Id) return undefined;
  return { kind: 'foreignKey', field, parent, parentField };
}

/** Maps header names to fields of the object. */
export function resolveColumns(
  registry: SchemaRegistry,
  schema: SObjectSchema,
  header: readonly string[],
): ColumnResolution {
  const columns: ColumnRef[] = [];
  for (const name of header) {
    const field = findField(schema, name);
    const column = field ? { kind: 'field' as const, field } : resolveForeignKey(registry, schema, name);
    if (!column) return { ok: false, notFound: name };
    columns.push(column);
  }
  return { ok: true, columns };
}
