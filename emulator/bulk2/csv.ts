/**
 * Bulk 2.0 CSV: parsing uploads with the job's column delimiter and line ending (RFC 4180 quoting, embedded
 * newlines, optional UTF-8 BOM), and writing result files the way Salesforce does (every value double-quoted).
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/datafiles_prepare_csv.htm
 */
import Papa from 'papaparse';

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

/** A parsed upload: the header as sent (echoed in result files), its column names, and the data rows. */
export interface ParsedUpload {
  headerLine: string;
  header: string[];
  rows: string[][];
}

/** A parsed upload, or why the whole job fails (with the rows it could still read, reported as unprocessed). */
export type ParseResult =
  { ok: true; upload: ParsedUpload } | { ok: false; errorMessage: string; upload: ParsedUpload };

/** The first line of the text and the terminator that ends it, honouring quotes. */
function firstLine(text: string): { line: string; terminator: '' | '\n' | '\r\n' } {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (ch === '"') quoted = !quoted;
    else if (ch === '\n' && !quoted) {
      return text.charAt(i - 1) === '\r'
        ? { line: text.slice(0, i - 1), terminator: '\r\n' }
        : { line: text.slice(0, i), terminator: '\n' };
    }
  }
  return { line: text, terminator: '' };
}

function parseRows(text: string, delimiter: string, newline: '\n' | '\r\n'): { rows: string[][]; error?: string } {
  const result = Papa.parse<string[]>(text, {
    delimiter,
    newline,
    quoteChar: '"',
    escapeChar: '"',
    skipEmptyLines: true,
  });
  const quoteError = result.errors.find((e) => e.code === 'MissingQuotes');
  const error = quoteError
    ? `ClientInputError : Unterminated quoted field in row ${(quoteError.row ?? 0) + 1}`
    : undefined;
  return error === undefined ? { rows: result.data } : { rows: result.data, error };
}

/**
 * Parses an upload. A header line ending that contradicts the job's lineEnding fails the job with Salesforce's
 * ClientInputError, as a real org does.
 */
export function parseUpload(data: Buffer, delimiter: ColumnDelimiter, lineEnding: LineEnding): ParseResult {
  let text = data.toString('utf8');
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  const { line, terminator } = firstLine(text);
  const actual = terminator === '' ? NEWLINES[lineEnding] : terminator;
  const { rows, error } = parseRows(text, DELIMITER_CHARACTERS[delimiter], actual);
  const [header = [], ...dataRows] = rows;
  const upload = { headerLine: line, header, rows: dataRows };
  if (actual !== NEWLINES[lineEnding]) {
    const errorMessage = `ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is ${lineEnding}`;
    return { ok: false, errorMessage, upload };
  }
  if (header.length === 0) return { ok: false, errorMessage: 'InvalidBatch : Empty CSV file', upload };
  return error === undefined ? { ok: true, upload } : { ok: false, errorMessage: error, upload };
}

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
