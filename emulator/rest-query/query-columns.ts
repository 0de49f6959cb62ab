/**
 * `GET …/query?q=SOQL&columns=true`: Salesforce parses the query and answers what its columns are instead of
 * running it (the sf CLI's `data query` asks this to lay out its table). Each selected field is one column;
 * the fields of one parent (`Account.Name`, `Account.Industry`) come as one column named after the relationship
 * with them as `joinColumns`, placed where the first of them was selected.
 *
 * Simplified: `apexType` maps the field type (ids and references `Id`, text and picklists `String`, `Boolean`,
 * `Integer`, `Double`, currency `Decimal`, `Date`, `Datetime`); the relationship column itself has none.
 */
import { FieldType } from '../org/schemas.js';
import type { FieldSchema } from '../org/schemas.js';
import type { BoundQuery } from '../soql/index.js';

/** One column as Salesforce describes it. */
export interface ColumnMetadata {
  aggregate: boolean;
  apexType: string | null;
  booleanType: boolean;
  columnName: string;
  custom: boolean;
  displayName: string;
  foreignKeyName: string | null;
  insertable: boolean;
  joinColumns: ColumnMetadata[];
  numberType: boolean;
  textType: boolean;
  updatable: boolean;
}

const APEX_TYPES: Readonly<Record<FieldType, string>> = {
  [FieldType.Id]: 'Id',
  [FieldType.Reference]: 'Id',
  [FieldType.String]: 'String',
  [FieldType.TextArea]: 'String',
  [FieldType.Email]: 'String',
  [FieldType.Phone]: 'String',
  [FieldType.Url]: 'String',
  [FieldType.Picklist]: 'String',
  [FieldType.Boolean]: 'Boolean',
  [FieldType.Int]: 'Integer',
  [FieldType.Double]: 'Double',
  [FieldType.Percent]: 'Double',
  [FieldType.Currency]: 'Decimal',
  [FieldType.Date]: 'Date',
  [FieldType.DateTime]: 'Datetime',
};

const NUMBERS: ReadonlySet<FieldType> = new Set([
  FieldType.Int,
  FieldType.Double,
  FieldType.Percent,
  FieldType.Currency,
]);
const TEXTS: ReadonlySet<FieldType> = new Set([
  FieldType.String,
  FieldType.TextArea,
  FieldType.Email,
  FieldType.Phone,
  FieldType.Url,
  FieldType.Picklist,
]);

function fieldColumn(field: FieldSchema, displayName: string): ColumnMetadata {
  return {
    aggregate: false,
    apexType: APEX_TYPES[field.type],
    booleanType: field.type === FieldType.Boolean,
    columnName: field.name,
    custom: field.name.endsWith('__c'),
    displayName,
    foreignKeyName: null,
    insertable: field.createable,
    joinColumns: [],
    numberType: NUMBERS.has(field.type),
    textType: TEXTS.has(field.type),
    updatable: field.updateable,
  };
}

function relationshipColumn(name: string): ColumnMetadata {
  return {
    aggregate: false,
    apexType: null,
    booleanType: false,
    columnName: name,
    custom: name.endsWith('__r'),
    displayName: name,
    foreignKeyName: null,
    insertable: false,
    joinColumns: [],
    numberType: false,
    textType: false,
    updatable: false,
  };
}

/** The `columns=true` answer for a bound query. */
export function queryColumns(query: BoundQuery): Record<string, unknown> {
  const columns: ColumnMetadata[] = [];
  const relationships = new Map<string, ColumnMetadata>();
  for (const selected of query.select) {
    if (!selected.via) {
      columns.push(fieldColumn(selected.field, selected.field.name));
      continue;
    }
    const name = selected.via.reference.relationshipName ?? selected.via.reference.name;
    let parent = relationships.get(name);
    if (!parent) {
      parent = relationshipColumn(name);
      relationships.set(name, parent);
      columns.push(parent);
    }
    parent.joinColumns.push(fieldColumn(selected.field, `${name}.${selected.field.name}`));
  }
  return {
    columnMetadata: columns,
    entityName: query.object.name,
    groupBy: false,
    idSelected: query.select.some((selected) => !selected.via && selected.field.type === FieldType.Id),
    keyPrefix: query.object.keyPrefix,
  };
}
