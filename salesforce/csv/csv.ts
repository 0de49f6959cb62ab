/**
 * Streaming CSV for Bulk API payloads: parse any RFC 4180 input (CRLF or LF, with or without a
 * UTF-8 BOM, quoted newlines and quotes) into rows, and write rows back in the form Salesforce
 * reads best. Parsing is papaparse's; writing is a few lines because Salesforce's rules are narrow
 * (quote only when needed, `""` inside quotes, LF line endings).
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/datafiles_csv_valid_record_rows.htm
 */
import type { Readable } from 'node:stream';
import Papa from 'papaparse';
import { SalesforceInputError } from '../core/errors.js';

export interface CsvReadOptions {
  /** The column delimiter. @default ',' */
  delimiter?: string;
}

/**
 * Yields every row of a CSV stream as an array of strings, the header first.
 * Memory is bounded by papaparse's chunk size, not by the input.
 */
export async function* readCsvRows(input: Readable, options: CsvReadOptions = {}): AsyncGenerator<string[]> {
  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, {
    delimiter: options.delimiter ?? ',',
    quoteChar: '"',
    escapeChar: '"',
    skipEmptyLines: false,
  }) as NodeJS.ReadWriteStream;
  input.setEncoding('utf8');
  input.on('error', (err) => parser.emit('error', err));
  let first = true;
  let line = 0;
  for await (const raw of input.pipe(parser) as AsyncIterable<string[]>) {
    line += 1;
    const row = raw;
    if (first) {
      first = false;
      if (row[0]?.startsWith('\uFEFF')) row[0] = row[0].slice(1);
    }
    // papaparse yields a lone empty field for a blank line (also the one after a final newline).
    if (row.length === 1 && row[0] === '') continue;
    yield row;
  }
  if (line === 0) return;
}

const NEEDS_QUOTES = /["\r\n]/;

/** Formats one row: fields with the delimiter, a quote, CR or LF are quoted; LF ends the line. */
export function formatCsvRow(values: readonly string[], delimiter = ','): string {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? '';
    if (i > 0) out += delimiter;
    out += NEEDS_QUOTES.test(v) || v.includes(delimiter) ? `"${v.replace(/"/g, '""')}"` : v;
  }
  return `${out}\n`;
}

/** Checks a header row: present, no empty or repeated column names. */
export function validateHeader(header: readonly string[] | undefined): string[] {
  if (!header || header.length === 0) throw new SalesforceInputError('The CSV input is empty: it has no header row.');
  const seen = new Set<string>();
  header.forEach((name, i) => {
    const trimmed = name.trim();
    if (!trimmed) throw new SalesforceInputError(`CSV header column ${i + 1} has no name.`);
    if (seen.has(trimmed.toLowerCase()))
      throw new SalesforceInputError(`CSV header names column "${trimmed}" more than once.`);
    seen.add(trimmed.toLowerCase());
  });
  return header.map((h) => h.trim());
}

/** Counts the data rows (header excluded) of a CSV stream. */
export async function countCsvRecords(input: Readable, options: CsvReadOptions = {}): Promise<number> {
  let rows = -1;
  for await (const _row of readCsvRows(input, options)) rows += 1;
  return Math.max(0, rows);
}
