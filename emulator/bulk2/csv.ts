/**
 * Bulk 2.0 CSV: the column delimiters and line endings a job may declare, and writing result files the way
 * Salesforce does (every value double-quoted). Uploads are parsed in `csv-upload.ts`.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/datafiles_prepare_csv.htm
 */

/** Column delimiters a job may declare. */
export const ColumnDelimiter = {
  BACKQUOTE: 'BACKQUOTE',
  CARET: 'CARET',
  COMMA: 'COMMA',
  PIPE: 'PIPE',
  SEMICOLON: 'SEMICOLON',
  TAB: 'TAB',
} as const;
export type ColumnDelimiter = (typeof ColumnDelimiter)[keyof typeof ColumnDelimiter];

/** The character each delimiter stands for. */
export const DELIMITER_CHARACTERS: Readonly<Record<ColumnDelimiter, string>> = {
  BACKQUOTE: '`',
  CARET: '^',
  COMMA: ',',
  PIPE: '|',
  SEMICOLON: ';',
  TAB: '\t',
};

/** Line endings a job may declare. */
export const LineEnding = { LF: 'LF', CRLF: 'CRLF' } as const;
export type LineEnding = (typeof LineEnding)[keyof typeof LineEnding];

const NEWLINES: Readonly<Record<LineEnding, '\n' | '\r\n'>> = { LF: '\n', CRLF: '\r\n' };

/** A value as Salesforce writes it in result files: always double-quoted, quotes doubled. */
export function quoteCsv(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

/** Writes result-file lines: the given header line, then rows of quoted values, each line terminated. */
export function writeCsv(
  headerLine: string,
  rows: Iterable<readonly string[]>,
  delimiter: string,
  newline: string,
): string {
  const lines = [headerLine];
  for (const row of rows) lines.push(row.map(quoteCsv).join(delimiter));
  return lines.join(newline) + newline;
}

/** The newline characters of a line ending. */
export function newlineOf(lineEnding: LineEnding): string {
  return NEWLINES[lineEnding];
}
