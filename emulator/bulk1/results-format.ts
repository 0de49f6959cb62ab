/**
 * Batch results in the job's content type. Ingest: one result per input record, in input order (clients zip
 * results with their records by position); CSV has the exact header `"Id","Success","Created","Error"` and
 * every value quoted. Query: the list of result ids, then each result file (CSV with a header row, a JSON array
 * of records with `attributes`, or `<queryResult>`).
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_batches_get_results.htm
 */
import { formatRecordError } from '../org/record-errors.js';
import type { RecordError } from '../org/record-errors.js';
import type { SObjectSchema } from '../org/schemas.js';
import { FieldType, findField } from '../org/schemas.js';
import type { SchemaRegistry } from '../org/schemas.js';
import type { SoqlResult } from '../soql/index.js';
import type { V1Batch, V1Outcome } from './v1-jobs.js';
import { V1ContentType, XSI_NS, xmlDocument } from './wire.js';

/** The text of a CSV query result file without records, as Salesforce writes it. */
export const NO_RECORDS_CSV = 'Records not found for this query';

function quote(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

function csvLines(rows: Iterable<readonly string[]>): string {
  let out = '';
  for (const row of rows) out += `${row.map(quote).join(',')}\n`;
  return out;
}

/** Outcomes of every input record, including the unprocessed tail of a failed batch (left out). */
function outcomes(batch: V1Batch): V1Outcome[] {
  return batch.outcomes.filter((o): o is V1Outcome => o !== undefined);
}

function jsonError(error: RecordError) {
  return {
    message: error.message,
    fields: [...error.fields],
    statusCode: error.statusCode,
    extendedErrorDetails: null,
  };
}

function xmlResult(outcome: V1Outcome): Record<string, unknown> {
  const errors = outcome.success
    ? {}
    : {
        errors: {
          fields: [...outcome.error.fields],
          message: outcome.error.message,
          statusCode: outcome.error.statusCode,
        },
      };
  return {
    ...errors,
    id: outcome.id === '' ? { '@_xsi:nil': 'true' } : outcome.id,
    success: outcome.success,
    created: outcome.success && outcome.created,
  };
}

/** The ingest result body of a batch in a content type. */
export function ingestResults(batch: V1Batch, contentType: V1ContentType): string {
  const list = outcomes(batch);
  switch (contentType) {
    case V1ContentType.CSV: {
      const rows = list.map((o) => [
        o.id,
        String(o.success),
        String(o.success && o.created),
        o.success ? '' : formatRecordError(o.error),
      ]);
      return `${csvLines([['Id', 'Success', 'Created', 'Error']])}${csvLines(rows)}`;
    }
    case V1ContentType.JSON:
      return JSON.stringify(
        list.map((o) => ({
          success: o.success,
          created: o.success && o.created,
          id: o.id === '' ? null : o.id,
          errors: o.success ? [] : [jsonError(o.error)],
        })),
      );
    case V1ContentType.XML:
      return xmlDocument('results', { result: list.map(xmlResult) }, { 'xmlns:xsi': XSI_NS });
  }
}

/** The list of query result ids: `<result-list>` or a JSON array. */
export function resultIdList(batch: V1Batch, contentType: V1ContentType): { contentType: V1ContentType; body: string } {
  const ids = batch.resultFiles.map((file) => file.id);
  if (contentType === V1ContentType.JSON) return { contentType, body: JSON.stringify(ids) };
  return { contentType: V1ContentType.XML, body: xmlDocument('result-list', { result: ids }) };
}

type Value = string | number | boolean | null;

function csvValue(value: Value): string {
  return value === null ? '' : String(value);
}

/** Bulk v1 JSON writes dates and date-times as epoch milliseconds. */
function jsonValue(schema: SObjectSchema | undefined, field: string, value: Value): Value {
  const type = schema ? findField(schema, field)?.type : undefined;
  if (typeof value === 'string' && (type === FieldType.DateTime || type === FieldType.Date)) {
    const ms = Date.parse(
      type === FieldType.Date ? `${value}T00:00:00Z` : value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'),
    );
    return Number.isNaN(ms) ? value : ms;
  }
  return value;
}

/** Puts a dotted column (`Account.Name`) into nested records, each with its own `attributes`. */
function place(record: Record<string, unknown>, path: string[], value: Value, schemas: SchemaRegistry, object: string) {
  const [head = '', ...rest] = path;
  const schema = schemas.get(object);
  if (rest.length === 0) {
    record[head] = jsonValue(schema, head, value);
    return;
  }
  const lookup = schema?.fields.find((f) => f.relationshipName?.toLowerCase() === head.toLowerCase());
  const parentType = lookup?.referenceTo?.[0] ?? head;
  const existing = record[head];
  const nested =
    typeof existing === 'object' && existing !== null
      ? (existing as Record<string, unknown>)
      : { attributes: { type: parentType } };
  record[head] = nested;
  place(nested, rest, value, schemas, parentType);
}

function jsonRecords(result: SoqlResult, schemas: SchemaRegistry, apiVersion: string): unknown[] {
  const idIndex = result.fields.findIndex((f) => f.toLowerCase() === 'id');
  return result.rows.map((row) => {
    const id = idIndex < 0 ? undefined : row[idIndex];
    const url = typeof id === 'string' ? `/services/data/v${apiVersion}/sobjects/${result.object}/${id}` : undefined;
    const record: Record<string, unknown> = { attributes: { type: result.object, ...(url ? { url } : {}) } };
    result.fields.forEach((field, i) => place(record, field.split('.'), row[i] ?? null, schemas, result.object));
    return record;
  });
}

function xmlRecords(result: SoqlResult): string {
  const records = result.rows.map((row) => {
    const record: Record<string, unknown> = { '@_xsi:type': 'sObject', type: result.object };
    result.fields.forEach((field, i) => {
      const value = row[i] ?? null;
      record[field] = value === null ? { '@_xsi:nil': 'true' } : value;
    });
    return record;
  });
  return xmlDocument('queryResult', { records }, { 'xmlns:xsi': XSI_NS });
}

/** One query result file in the job's content type. */
export function queryResultFile(
  result: SoqlResult,
  contentType: V1ContentType,
  schemas: SchemaRegistry,
  apiVersion: string,
): string {
  switch (contentType) {
    case V1ContentType.CSV:
      if (result.rows.length === 0) return NO_RECORDS_CSV;
      return csvLines([result.fields]) + csvLines(result.rows.map((row) => row.map(csvValue)));
    case V1ContentType.JSON:
      return JSON.stringify(jsonRecords(result, schemas, apiVersion));
    case V1ContentType.XML:
      return xmlRecords(result);
  }
}
