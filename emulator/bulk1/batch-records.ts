/**
 * Turns an ingest batch into rows of `header → cells`, whatever the job's content type, so one writer serves
 * CSV, XML and JSON. CSV rows share the file's header; XML and JSON records each name their own fields, and a
 * relationship given as a nested record (`{"Account": {"External_Id__c": "A1"}}`) becomes the column
 * `Account.External_Id__c`. A null value (JSON `null`, XML `xsi:nil="true"`) becomes `#N/A`, which sets null.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/datafiles_prepare_data.htm
 */
import Papa from 'papaparse';
import { NULL_MARKER } from '../org/field-values.js';
import { AsyncExceptionCode, V1ContentType, createXmlParser } from './wire.js';

/** One record: the field names it sets and their cell texts, in the same order. */
export interface BatchRow {
  header: readonly string[];
  cells: string[];
}

/** The records of a batch, or the `stateMessage` that fails it. */
export type ParsedBatch = { ok: true; rows: BatchRow[] } | { ok: false; stateMessage: string };

/** Records allowed in one batch. */
export const MAX_BATCH_RECORDS = 10_000;

const xmlParser = createXmlParser((jpath) => jpath === 'sObjects.sObject');

function failed(code: string, message: string): ParsedBatch {
  return { ok: false, stateMessage: `${code} : ${message}` };
}

function parseCsv(text: string): ParsedBatch {
  const parsed = Papa.parse<string[]>(text.startsWith('\uFEFF') ? text.slice(1) : text, {
    delimiter: ',',
    quoteChar: '"',
    escapeChar: '"',
    skipEmptyLines: true,
  });
  if (parsed.errors.some((e) => e.code === 'MissingQuotes')) {
    return failed(AsyncExceptionCode.ClientInputError, 'Unterminated quoted field in CSV');
  }
  const [header, ...rows] = parsed.data;
  if (!header) return failed(AsyncExceptionCode.InvalidBatch, 'Records not found');
  return { ok: true, rows: rows.map((cells) => ({ header, cells })) };
}

/** One JSON value as a cell; nested records are flattened by the caller. */
function jsonCell(value: unknown): string {
  if (value === null) return NULL_MARKER;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function flattenJson(record: Record<string, unknown>, prefix: string, row: BatchRow & { header: string[] }): void {
  for (const [key, value] of Object.entries(record)) {
    if (key === 'attributes') continue;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      flattenJson(value as Record<string, unknown>, `${prefix}${key}.`, row);
    } else {
      row.header.push(prefix + key);
      row.cells.push(jsonCell(value));
    }
  }
}

function parseJson(text: string): ParsedBatch {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return failed(AsyncExceptionCode.InvalidBatch, `Failed to parse JSON: ${detail}`);
  }
  if (!Array.isArray(parsed)) return failed(AsyncExceptionCode.InvalidBatch, 'Expected a JSON array of records');
  const rows: BatchRow[] = [];
  for (const record of parsed as unknown[]) {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      return failed(AsyncExceptionCode.InvalidBatch, 'Each element of the JSON array must be a record object');
    }
    const row = { header: [] as string[], cells: [] as string[] };
    flattenJson(record as Record<string, unknown>, '', row);
    rows.push(row);
  }
  return { ok: true, rows };
}

function xmlCell(value: unknown): string | Record<string, unknown> {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return xmlCell(value[0]);
  if (typeof value !== 'object' || value === null) return '';
  const node = value as Record<string, unknown>;
  if (node['@_nil'] === 'true') return NULL_MARKER;
  if ('#text' in node) return String(node['#text']);
  // A relationship: `<Account><sObject><External_Id__c>A1</External_Id__c></sObject></Account>`, or the same
  // without the inner sObject element.
  const inner = node['sObject'];
  return (typeof inner === 'object' && inner !== null ? (Array.isArray(inner) ? inner[0] : inner) : node) as Record<
    string,
    unknown
  >;
}

function flattenXml(node: Record<string, unknown>, prefix: string, row: BatchRow & { header: string[] }): void {
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_') || key === '#text' || (prefix !== '' && key === 'type')) continue;
    const cell = xmlCell(value);
    if (typeof cell === 'string') {
      row.header.push(prefix + key);
      row.cells.push(cell);
    } else {
      flattenXml(cell, `${prefix}${key}.`, row);
    }
  }
}

function parseXml(text: string): ParsedBatch {
  let document: Record<string, unknown>;
  try {
    document = xmlParser.parse(text, true) as Record<string, unknown>;
  } catch {
    return failed(AsyncExceptionCode.InvalidBatch, 'Failed to parse XML: the batch is not well formed');
  }
  const root = document['sObjects'];
  if (root === undefined) return failed(AsyncExceptionCode.InvalidBatch, 'Expected an sObjects element');
  const records = typeof root === 'object' && root !== null ? (root as Record<string, unknown>)['sObject'] : [];
  const rows: BatchRow[] = [];
  for (const record of Array.isArray(records) ? (records as unknown[]) : []) {
    const row = { header: [] as string[], cells: [] as string[] };
    if (typeof record === 'object' && record !== null) flattenXml(record as Record<string, unknown>, '', row);
    rows.push(row);
  }
  return { ok: true, rows };
}

/** Parses a batch in the job's content type and applies the per-batch record limits. */
export function parseBatchRecords(data: Buffer, contentType: V1ContentType): ParsedBatch {
  const text = data.toString('utf8');
  const parsed =
    contentType === V1ContentType.CSV
      ? parseCsv(text)
      : contentType === V1ContentType.JSON
        ? parseJson(text)
        : parseXml(text);
  if (!parsed.ok) return parsed;
  if (parsed.rows.length === 0) return failed(AsyncExceptionCode.InvalidBatch, 'Records not found');
  if (parsed.rows.length > MAX_BATCH_RECORDS) {
    // Wording as captured from a real org: the count includes a header row, and parsing stops at the first extra.
    const limit = MAX_BATCH_RECORDS + 1;
    const message = `Exceeded number of records: ${limit + 1}. Number of records should be less than or equal to ${limit}`;
    return failed(AsyncExceptionCode.InvalidBatch, message);
  }
  return parsed;
}
