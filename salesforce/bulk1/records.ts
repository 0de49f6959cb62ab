/**
 * Turns record objects into Bulk v1 batch bodies of at most 10,000 records and 10 MB, in the job's content
 * type. A `null` value sets the field to null: `#N/A` in CSV, `xsi:nil="true"` in XML, `null` in JSON; an
 * `undefined` value (or a missing key) leaves the field out, which an update ignores.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/datafiles_xml_valid_records.htm
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/datafiles_csv_valid_record_rows.htm
 */
import { Readable } from 'node:stream';
import { formatCsvRow } from '../../csv/csv.js';
import type { UploadLimits } from '../../csv/split.js';
import {
  checkFieldName,
  isNestedRecord,
  scalarText,
  sObjectBytes,
  sObjectsXml,
  SOBJECTS_OVERHEAD_BYTES,
} from './xml.js';
import type { Bulk1Record } from './types.js';
import { InputError } from '../../common/errors.js';

/** The CSV cell that sets a field to null. */
export const CSV_NULL = '#N/A';

/** One batch body cut from a record input. */
export interface RecordBatchBody {
  body: Buffer;
  rows: number;
}

/** A record's fields as CSV columns: a nested record `{ Account: { External_Id__c } }` → `Account.External_Id__c`. */
export function flattenRecord(
  record: Bulk1Record,
  prefix = '',
  out: Map<string, string> = new Map(),
): Map<string, string> {
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    const column = prefix + checkFieldName(key);
    if (value === null) out.set(column, CSV_NULL);
    else if (isNestedRecord(value)) flattenRecord(value, `${column}.`, out);
    else out.set(column, scalarText(value));
  }
  return out;
}

/**
 * Writes records as one CSV stream: the header is `columns`, or the first record's columns. A record with a
 * column outside the header is refused; a column a record lacks is an empty cell (ignored on update).
 */
export function recordsToCsv(
  records: AsyncIterable<Bulk1Record> | Iterable<Bulk1Record>,
  columns?: readonly string[],
): Readable {
  async function* lines(): AsyncGenerator<string> {
    let header = columns ? [...columns] : undefined;
    let index = 0;
    for await (const record of records) {
      const cells = flattenRecord(record);
      if (!header) header = [...cells.keys()];
      if (index === 0) yield formatCsvRow(header);
      const known = new Set(header);
      for (const column of cells.keys()) {
        if (!known.has(column)) {
          throw new InputError(`Record ${index + 1} has field "${column}", which is not a column of the batch.`);
        }
      }
      yield formatCsvRow(header.map((column) => cells.get(column) ?? ''));
      index += 1;
    }
    if (index === 0 && header) yield formatCsvRow(header);
  }
  return Readable.from(lines());
}

function jsonValue(value: Bulk1Record[string]): unknown {
  if (value === null) return null;
  if (isNestedRecord(value)) return jsonRecord(value);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return value instanceof Date ? value.toISOString() : undefined;
}

function jsonRecord(record: Bulk1Record): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record))
    if (value !== undefined) out[checkFieldName(key)] = jsonValue(value);
  return out;
}

interface Serializer {
  overhead: number;
  /** Bytes of one record, separator included. */
  size(record: Bulk1Record): number;
  build(records: Bulk1Record[]): string;
}

const JSON_SERIALIZER: Serializer = {
  overhead: 2,
  size: (record) => Buffer.byteLength(JSON.stringify(jsonRecord(record))) + 1,
  build: (records) => JSON.stringify(records.map(jsonRecord)),
};

const XML_SERIALIZER: Serializer = {
  overhead: SOBJECTS_OVERHEAD_BYTES,
  size: sObjectBytes,
  build: sObjectsXml,
};

/** Cuts records into XML or JSON batch bodies within `limits`; one batch is in memory at a time. */
export async function* recordBatchBodies(
  records: AsyncIterable<Bulk1Record> | Iterable<Bulk1Record>,
  syntax: 'xml' | 'json',
  limits: UploadLimits,
): AsyncGenerator<RecordBatchBody> {
  const serializer = syntax === 'json' ? JSON_SERIALIZER : XML_SERIALIZER;
  let batch: Bulk1Record[] = [];
  let bytes = serializer.overhead;
  let position = 0;
  for await (const record of records) {
    position += 1;
    const size = serializer.size(record);
    if (serializer.overhead + size > limits.maxBytes) {
      throw new InputError(`Record ${position} alone exceeds the batch limit of ${limits.maxBytes} bytes.`);
    }
    if (batch.length > 0 && (batch.length >= limits.maxRows || bytes + size > limits.maxBytes)) {
      yield { body: Buffer.from(serializer.build(batch), 'utf8'), rows: batch.length };
      batch = [];
      bytes = serializer.overhead;
    }
    batch.push(record);
    bytes += size;
  }
  if (batch.length > 0) yield { body: Buffer.from(serializer.build(batch), 'utf8'), rows: batch.length };
}
