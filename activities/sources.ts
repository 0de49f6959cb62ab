/**
 * Opening a job's input: by URL (`file://` for now), or inline records turned into CSV.
 */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { formatCsvRow, SalesforceInputError } from '../salesforce/index.js';
import type { InlineValue } from './types.js';

export async function openSource(url: string): Promise<Readable> {
  if (!url.startsWith('file://')) {
    throw new SalesforceInputError(`Unsupported input URL scheme in ${url.split(':')[0]}:…; use file://`);
  }
  const file = fileURLToPath(url);
  try {
    await access(file);
  } catch {
    throw new SalesforceInputError(`Input file not found: ${file}`);
  }
  return createReadStream(file);
}

function cell(value: InlineValue | undefined): string {
  if (value === undefined) return ''; // absent: leave the field as it is
  if (value === null) return '#N/A'; // Salesforce's way to set a field to null
  return String(value);
}

/** Inline records as a CSV stream; columns are the union of keys, in order of first appearance. */
export function inlineRecordsAsCsv(records: ReadonlyArray<Record<string, InlineValue>>): Readable {
  if (records.length === 0) throw new SalesforceInputError('Inline input has no records.');
  const columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
  function* lines() {
    yield formatCsvRow(columns);
    for (const record of records) yield formatCsvRow(columns.map((c) => cell(record[c])));
  }
  return Readable.from(lines());
}
