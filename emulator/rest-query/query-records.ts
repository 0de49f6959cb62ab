/**
 * The records of a REST query in Salesforce's JSON shape: each with `attributes` (`type`, `url`), then the
 * selected fields in SELECT order under their API names, numbers and booleans as JSON values, nulls as null.
 * A parent field such as `Account.Name` comes nested under the relationship name, with the parent's own
 * `attributes`, or as `"Account": null` when the record has no parent. Only one level of parents is possible:
 * that is what the SOQL engine resolves.
 */
import type { FieldValue } from '../org/field-values.js';
import type { Org } from '../org/org.js';
import { findField } from '../org/schemas.js';
import { startPreparedSoql } from '../soql/index.js';
import type { BoundQuery } from '../soql/index.js';
import { ParentCache } from '../soql/evaluate.js';
import type { BoundField } from '../soql/resolve.js';

/** One record as the REST API writes it. */
export type JsonRecord = { attributes: { type: string; url: string } } & Record<string, unknown>;

type Row = Readonly<Record<string, FieldValue>>;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Ids of the records a query matches, in result order. The engine filters and sorts in bounded steps; the
 * event loop is handed back between them, so a query over a large org does not stall other requests. Only
 * the ids are projected: the page that is sent reads its records then.
 */
export async function matchingIds(org: Org, query: BoundQuery, includeDeleted: boolean): Promise<string[]> {
  const idField = findField(query.object, 'Id');
  if (!idField) throw new Error(`${query.object.name} has no Id field`);
  const idsOnly: BoundQuery = { ...query, select: [{ name: 'Id', field: idField }] };
  const cursor = startPreparedSoql(org, idsOnly, { includeDeleted });
  while (!cursor.step()) await nextTurn();
  return cursor.rows.map(([id]) => String(id));
}

function recordUrl(version: string, objectName: string, id: FieldValue): string {
  return `/services/data/v${version}/sobjects/${objectName}/${String(id)}`;
}

/** The nested parent record for a relationship column, or null when the record has none. */
function parentRecord(record: Row, field: BoundField, parents: ParentCache, version: string): JsonRecord | null {
  const via = field.via;
  const parentId = via ? record[via.reference.name] : null;
  if (!via || typeof parentId !== 'string') return null;
  const parent = parents.get(via.parent.name, parentId);
  if (!parent) return null;
  return { attributes: { type: via.parent.name, url: recordUrl(version, via.parent.name, parent['Id'] ?? null) } };
}

/** One record with the selected fields. */
function recordJson(record: Row, query: BoundQuery, parents: ParentCache, version: string): JsonRecord {
  const objectName = query.object.name;
  const json: JsonRecord = {
    attributes: { type: objectName, url: recordUrl(version, objectName, record['Id'] ?? null) },
  };
  for (const field of query.select) {
    if (!field.via) {
      json[field.field.name] = record[field.field.name] ?? null;
      continue;
    }
    const relationship = field.via.reference.relationshipName ?? field.via.reference.name;
    // Several fields of one parent share one nested object, placed where the first of them was selected.
    if (!(relationship in json)) json[relationship] = parentRecord(record, field, parents, version);
    const nested = json[relationship] as JsonRecord | null;
    if (nested) {
      const parent = parents.get(field.via.parent.name, String(record[field.via.reference.name]));
      nested[field.field.name] = parent?.[field.field.name] ?? null;
    }
  }
  return json;
}

/**
 * The records of one page: ids[offset, offset + size), read as they stand now. A record hard-deleted since
 * the query ran is left out, as it no longer exists.
 */
export function pageRecords(
  org: Org,
  query: BoundQuery,
  ids: readonly string[],
  page: { offset: number; size: number; version: string },
): JsonRecord[] {
  const parents = new ParentCache(org);
  const records: JsonRecord[] = [];
  for (const id of ids.slice(page.offset, page.offset + page.size)) {
    const record = org.getRecord(query.object.name, id);
    if (record) records.push(recordJson(record, query, parents, page.version));
  }
  return records;
}
