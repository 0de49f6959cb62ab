/**
 * Binds a parsed query to the org's schemas: the object (INVALID_TYPE when unknown), every field path
 * (INVALID_FIELD), and the type of every literal against its field, with Salesforce's wording.
 */
import type { FieldValue } from '../org/field-values.js';
import { normalizeId } from '../org/ids.js';
import { FieldType, findField } from '../org/schemas.js';
import type { FieldSchema, SchemaRegistry, SObjectSchema } from '../org/schemas.js';
import type { ComparisonOperator, Condition, FieldPath, Literal, Query } from './ast.js';
import { SoqlUnsupportedError, UnsupportedFeature, soqlError } from './errors.js';

/** A field of the query bound to the schema: a field of the object, or of its parent through one lookup. */
export interface BoundField {
  /** The column name as Salesforce writes it: API names from the schema, e.g. `Account.Name`. */
  name: string;
  field: FieldSchema;
  via?: { reference: FieldSchema; parent: SObjectSchema };
}

/** A condition with bound fields and typed values. Date-times are epoch milliseconds. */
export type BoundCondition =
  | { kind: 'and' | 'or'; items: BoundCondition[] }
  | { kind: 'not'; item: BoundCondition }
  | { kind: 'compare'; field: BoundField; operator: ComparisonOperator; value: FieldValue }
  | { kind: 'in'; field: BoundField; negated: boolean; values: FieldValue[] }
  | { kind: 'like'; field: BoundField; pattern: RegExp };

/** A query ready to run. */
export interface BoundQuery {
  object: SObjectSchema;
  select: BoundField[];
  where?: BoundCondition;
  orderBy: Array<{ field: BoundField; descending: boolean; nullsFirst: boolean }>;
  limit?: number;
}

const NO_SUCH_COLUMN_HINT =
  "If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. " +
  'Please reference your WSDL or the describe call for the appropriate names.';
const NO_SUCH_TYPE_HINT =
  "If you are attempting to use a custom object, be sure to append the '__c' after the entity name. " +
  'Please reference your WSDL or the describe call for the appropriate names.';
const RELATIONSHIP_HINT =
  "If you are attempting to use a custom relationship, be sure to append the '__r' after the custom " +
  'relationship name. Please reference your WSDL or the describe call for the appropriate names.';

const TEXT_TYPES: ReadonlySet<FieldType> = new Set([
  FieldType.String,
  FieldType.TextArea,
  FieldType.Email,
  FieldType.Phone,
  FieldType.Url,
  FieldType.Picklist,
  FieldType.Id,
  FieldType.Reference,
]);
const NUMBER_TYPES: ReadonlySet<FieldType> = new Set([
  FieldType.Int,
  FieldType.Double,
  FieldType.Currency,
  FieldType.Percent,
]);

/** Binds a parsed query; throws SoqlError. */
export function bindQuery(schemas: SchemaRegistry, soql: string, query: Query): BoundQuery {
  const object = schemas.get(query.from.text);
  if (!object) {
    const reason = `sObject type '${query.from.text}' is not supported. ${NO_SUCH_TYPE_HINT}`;
    throw soqlError('INVALID_TYPE', soql, query.from, reason);
  }
  const binder = new Binder(schemas, soql, object);
  const bound: BoundQuery = {
    object,
    select: query.select.map((path) => binder.field(path)),
    orderBy: query.orderBy.map((item) => ({ ...item, field: binder.field(item.field) })),
  };
  if (query.where) bound.where = binder.condition(query.where);
  if (query.limit !== undefined) bound.limit = query.limit;
  return bound;
}

class Binder {
  constructor(
    readonly schemas: SchemaRegistry,
    readonly soql: string,
    readonly object: SObjectSchema,
  ) {}

  field(path: FieldPath): BoundField {
    // `Contact.LastName` in a query on Contact names the object's own field.
    const parts =
      path.parts.length > 1 && path.parts[0]?.toLowerCase() === this.object.name.toLowerCase()
        ? path.parts.slice(1)
        : path.parts;
    const [first = '', second, ...rest] = parts;
    if (second === undefined) {
      const field = findField(this.object, first);
      if (!field) throw this.#noSuchColumn(path, first, this.object);
      return { name: field.name, field };
    }
    if (rest.length > 0) {
      throw new SoqlUnsupportedError(
        UnsupportedFeature.DeepRelationship,
        `Relationship paths deeper than one level are not supported by the emulator: ${path.token.text}`,
      );
    }
    const wanted = first.toLowerCase();
    const reference = this.object.fields.find(
      (f) => f.type === FieldType.Reference && f.relationshipName?.toLowerCase() === wanted,
    );
    const parent = reference?.referenceTo?.length === 1 ? this.schemas.get(reference.referenceTo[0] ?? '') : undefined;
    if (!reference || !parent) {
      const reason = `Didn't understand relationship '${first}' in field path. ${RELATIONSHIP_HINT}`;
      throw soqlError('INVALID_FIELD', this.soql, path.token, reason);
    }
    const field = findField(parent, second);
    if (!field) throw this.#noSuchColumn(path, second, parent);
    return { name: `${reference.relationshipName ?? first}.${field.name}`, field, via: { reference, parent } };
  }

  condition(condition: Condition): BoundCondition {
    switch (condition.kind) {
      case 'and':
      case 'or':
        return { kind: condition.kind, items: condition.items.map((item) => this.condition(item)) };
      case 'not':
        return { kind: 'not', item: this.condition(condition.item) };
      case 'compare': {
        const field = this.field(condition.field);
        return { ...condition, field, value: this.#value(field, condition.field, condition.value) };
      }
      case 'in': {
        const field = this.field(condition.field);
        const values = condition.values.map((value) => this.#value(field, condition.field, value));
        return { kind: 'in', field, negated: condition.negated, values };
      }
      case 'like': {
        const field = this.field(condition.field);
        if (condition.pattern.kind !== 'string') this.#typeError(field, condition.field, 'string', true);
        return { kind: 'like', field, pattern: likePattern(condition.pattern.token.text) };
      }
    }
  }

  /** The literal as a value comparable with the field's stored values. */
  #value(bound: BoundField, path: FieldPath, literal: Literal): FieldValue {
    if (literal.kind === 'null') return null;
    const { type } = bound.field;
    if (TEXT_TYPES.has(type)) {
      if (literal.kind !== 'string') this.#typeError(bound, path, 'string', true);
      const isId = type === FieldType.Id || type === FieldType.Reference;
      return isId ? (normalizeId(literal.value) ?? literal.value) : literal.value;
    }
    if (NUMBER_TYPES.has(type)) {
      if (literal.kind !== 'number') this.#typeError(bound, path, type === FieldType.Int ? 'integer' : type, false);
      return literal.value;
    }
    if (type === FieldType.Boolean) {
      if (literal.kind !== 'boolean') this.#typeError(bound, path, 'boolean', false);
      return literal.value;
    }
    if (type === FieldType.Date) {
      if (literal.kind !== 'date') this.#typeError(bound, path, 'date', false);
      return literal.value;
    }
    if (literal.kind !== 'datetime') this.#typeError(bound, path, 'dateTime', false);
    return literal.value;
  }

  #typeError(bound: BoundField, path: FieldPath, typeName: string, quoted: boolean): never {
    const quotes = quoted ? 'should be enclosed in quotes' : 'should not be enclosed in quotes';
    const reason = `value of filter criterion for field '${bound.field.name}' must be of type ${typeName} and ${quotes}`;
    throw soqlError('INVALID_FIELD', this.soql, path.token, reason);
  }

  #noSuchColumn(path: FieldPath, name: string, object: SObjectSchema) {
    const reason = `No such column '${name}' on entity '${object.name}'. ${NO_SUCH_COLUMN_HINT}`;
    return soqlError('INVALID_FIELD', this.soql, path.token, reason);
  }
}

/** A LIKE pattern (the string literal's source, quotes included) as a case-insensitive anchored regex. */
function likePattern(source: string): RegExp {
  const body = source.slice(1, -1);
  let regex = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body.charAt(i);
    if (ch === '\\') {
      const next = body.charAt(++i);
      const escaped = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' }[next] ?? next;
      regex += escapeRegex(escaped);
    } else if (ch === '%') regex += '[\\s\\S]*';
    else if (ch === '_') regex += '[\\s\\S]';
    else regex += escapeRegex(ch);
  }
  return new RegExp(`^${regex}$`, 'i');
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
