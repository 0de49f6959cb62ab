import { writeFileSync } from 'node:fs';
import { formatCsvRow } from '../../csv/csv.js';

export interface ContactRow {
  FirstName: string;
  LastName: string;
  Email: string;
  Title: string;
  Description: string;
}

/** Generated Contacts with awkward but valid data: quotes, commas, newlines, non-ASCII text. */
export function contactRows(count: number, tag = 'c'): ContactRow[] {
  return Array.from({ length: count }, (_, i) => ({
    FirstName: i % 5 === 0 ? 'Zoë' : `First${i}`,
    LastName: `Last ${tag}-${i}`,
    Email: `${tag}${i}@example.com`,
    Title: i % 3 === 0 ? 'VP, "Sales"' : 'Engineer',
    Description: i % 4 === 0 ? `line one ${i}\nline two, ünïcödé` : `plain ${i}`,
  }));
}

export function writeCsv(file: string, rows: ReadonlyArray<Record<string, string>>, columns?: string[]): void {
  const header = columns ?? Object.keys(rows[0] ?? {});
  const lines = [formatCsvRow(header), ...rows.map((r) => formatCsvRow(header.map((h) => r[h] ?? '')))];
  writeFileSync(file, lines.join(''));
}
