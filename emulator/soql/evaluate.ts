/**
 * What a bound query is evaluated with (the steps themselves are in `cursor.ts`): reading fields through
 * parent lookups, WHERE conditions, PK-chunk ranges and ORDER BY keys. Comparisons follow SOQL: text is compared case-insensitively, `!=` and NOT IN also match
 * nulls, ids compare on their case-sensitive 15-character form (base-62 digits sort in ASCII order, which is
 * the order Salesforce hands ids out in).
 */
import type { FieldValue } from '../org/field-values.js';
import { normalizeId } from '../org/ids.js';
import { FieldType } from '../org/schemas.js';
import type { Org } from '../org/org.js';
import type { BoundCondition, BoundField, BoundQuery } from './resolve.js';

export type Row = Readonly<Record<string, FieldValue>>;

/** Where rows come from, and the PK chunking range. */
export interface EvaluateOptions {
  includeDeleted: boolean;
  idRange?: { fromInclusive?: string; toExclusive?: string };
}

/** Parent records by id, fetched once per query. */
export class ParentCache {
  readonly #cache = new Map<string, Row | undefined>();

  constructor(readonly org: Org) {}

  get(objectName: string, id: string): Row | undefined {
    if (!this.#cache.has(id)) this.#cache.set(id, this.org.getRecord(objectName, id));
    return this.#cache.get(id);
  }
}

export function readField(record: Row, bound: BoundField, parents: ParentCache): FieldValue {
  if (!bound.via) return record[bound.field.name] ?? null;
  const parentId = record[bound.via.reference.name];
  if (typeof parentId !== 'string') return null;
  return parents.get(bound.via.parent.name, parentId)?.[bound.field.name] ?? null;
}

export type Reader = (record: Row, field: BoundField) => FieldValue;

export function matches(condition: BoundCondition, record: Row, read: Reader): boolean {
  switch (condition.kind) {
    case 'and':
      return condition.items.every((item) => matches(item, record, read));
    case 'or':
      return condition.items.some((item) => matches(item, record, read));
    case 'not':
      return !matches(condition.item, record, read);
    case 'like': {
      const value = read(record, condition.field);
      return value !== null && condition.pattern.test(String(value));
    }
    case 'in': {
      const value = read(record, condition.field);
      const found = condition.values.some((candidate) => compare(condition.field, value, candidate) === 0);
      return condition.negated ? !found : found;
    }
    case 'compare':
      return compareMatches(condition, read(record, condition.field));
  }
}

function compareMatches(condition: Extract<BoundCondition, { kind: 'compare' }>, value: FieldValue): boolean {
  const order = compare(condition.field, value, condition.value);
  switch (condition.operator) {
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
    default:
      // Ordering against null (on either side) matches nothing.
      if (value === null || condition.value === null || order === undefined) return false;
      if (condition.operator === '<') return order < 0;
      if (condition.operator === '<=') return order <= 0;
      if (condition.operator === '>') return order > 0;
      return order >= 0;
  }
}

/** Orders two values of a field; undefined when exactly one is null (they differ but do not order). */
function compare(bound: BoundField, a: FieldValue, b: FieldValue): number | undefined {
  if (a === null || b === null) return a === b ? 0 : undefined;
  const left = sortKey(bound, a);
  const right = sortKey(bound, b);
  return left < right ? -1 : left > right ? 1 : 0;
}

function sortKey(bound: BoundField, value: Exclude<FieldValue, null>): string | number {
  switch (bound.field.type) {
    case FieldType.Id:
    case FieldType.Reference:
      return String(value).slice(0, 15);
    case FieldType.DateTime:
      return typeof value === 'number' ? value : parseDateTime(value as string);
    case FieldType.Boolean:
      return value === true ? 1 : 0;
    default:
      return typeof value === 'string' ? value.toLowerCase() : (value as number);
  }
}

/** Stored date-times look like `2024-01-10T12:00:00.000+0000`; Date.parse needs a colon in the offset. */
function parseDateTime(text: string): number {
  return Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

/** A record with the values of its ORDER BY fields, as sort keys (null stays null). */
export interface Keyed {
  record: Row;
  keys: Array<string | number | null>;
}

/** The ORDER BY keys of a record. */
export function orderKeys(query: BoundQuery, record: Row, read: Reader): Keyed {
  const keys = query.orderBy.map((item) => {
    const value = read(record, item.field);
    return value === null ? null : sortKey(item.field, value);
  });
  return { record, keys };
}

/** Orders keyed records by the query's ORDER BY: direction per field, nulls first or last. */
export function orderComparator(query: BoundQuery): (x: Keyed, y: Keyed) => number {
  return (x, y) => {
    for (const [index, item] of query.orderBy.entries()) {
      const a = x.keys[index] ?? null;
      const b = y.keys[index] ?? null;
      if (a === null || b === null) {
        if (a === b) continue;
        return (a === null) === item.nullsFirst ? -1 : 1;
      }
      const order = a < b ? -1 : a > b ? 1 : 0;
      if (order !== 0) return item.descending ? -order : order;
    }
    return 0;
  };
}

export function inRange(range: NonNullable<EvaluateOptions['idRange']>): (record: Row) => boolean {
  // An 18-character id may come in any letter case; its suffix restores the case the order depends on.
  const id15 = (id: string | undefined) => (id === undefined ? undefined : (normalizeId(id) ?? id).slice(0, 15));
  const from = id15(range.fromInclusive);
  const to = id15(range.toExclusive);
  return (record) => {
    const id = String(record['Id']).slice(0, 15);
    return (from === undefined || id >= from) && (to === undefined || id < to);
  };
}
