/**
 * How a query's records are written: the format (`csv` as Salesforce sends it, or JSON lines) and, when split,
 * the name of each file. Pure, so the workflow, the worker and the command line name the same files: a retried
 * download rewrites its own files, and the command line knows which ones to fetch.
 */

/** Output formats of a query. */
export const QueryFormat = {
  /** Salesforce's CSV, byte for byte: its header, its quoting, its line endings. */
  Csv: 'csv',
  /**
   * JSON lines: one object per record, keys the header's fields in order, values the strings Salesforce's CSV
   * holds (no type conversion), an empty field `null`.
   */
  JsonLines: 'jsonl',
} as const;
export type QueryFormat = (typeof QueryFormat)[keyof typeof QueryFormat];

/** File name extension of a format. */
export const extensionOf = (format: QueryFormat): string => (format === QueryFormat.JsonLines ? 'jsonl' : 'csv');

/** The largest split a query accepts; Salesforce's own pages hold at most a few hundred thousand rows. */
export const MAX_SPLIT_ROWS = 100_000_000;

/** Why a format or split size is refused, or undefined when both are good. */
export function queryOutputProblem(format: unknown, splitRows: unknown): string | undefined {
  if (format !== undefined && format !== QueryFormat.Csv && format !== QueryFormat.JsonLines) {
    return `format must be 'csv' or 'jsonl', got ${JSON.stringify(format)}`;
  }
  if (splitRows !== undefined) {
    const n = splitRows as number;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_SPLIT_ROWS) {
      return `splitRows must be a whole number from 1 to ${MAX_SPLIT_ROWS}, got ${JSON.stringify(splitRows)}`;
    }
  }
  return undefined;
}

/**
 * File `index` (0-based) of a split output named `location` (a URL or a path): `-00001` goes before the last
 * segment's extension, so `s3://b/out/contacts.csv` gives `s3://b/out/contacts-00001.csv` and `out/records`
 * gives `out/records-00001`. Five digits, so a folder listing sorts the files in order.
 */
export function splitFileName(location: string, index: number): string {
  const slash = location.lastIndexOf('/');
  const dot = location.lastIndexOf('.');
  const suffix = `-${String(index + 1).padStart(5, '0')}`;
  return dot > slash + 1 ? `${location.slice(0, dot)}${suffix}${location.slice(dot)}` : `${location}${suffix}`;
}
