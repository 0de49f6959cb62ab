/**
 * Streaming CSV for Bulk API payloads: parse any RFC 4180 input (CRLF or LF, with or without a
 * UTF-8 BOM, quoted newlines and quotes) into rows, and write rows back in the form Salesforce
 * reads best. Parsing is papaparse's; writing is a few lines because Salesforce's rules are narrow
 * (quote only when needed, `""` inside quotes, LF line endings).
 *
 * Reading in `strict` mode (inputs, before anything reaches Salesforce) also refuses what Salesforce would
 * misread: bytes that are not UTF-8, NUL bytes (a binary file), and quotes that never close or close in the
 * middle of a value. Papaparse's own stream mode drops those errors, so rows come from its `ParserHandle`
 * fed chunk by chunk, the way its streamers feed it.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/datafiles_csv_valid_record_rows.htm
 */
import type { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import Papa from 'papaparse';
import { InputError, InputProblem, type InputLocation } from '../common/errors.js';
import { DELIMITER_CHAR } from '../common/wire-values.js';

export interface CsvReadOptions {
  /** The column delimiter. @default ',' */
  delimiter?: string;
  /** The line ending, when the input says which; otherwise papaparse takes the first line's. */
  newline?: '\n' | '\r\n';
  /**
   * Refuse bytes that are not UTF-8, NUL bytes and broken quotes with a `InputError` naming the row
   * (and the byte offset for encoding problems), instead of reading on. For inputs; Salesforce's own result
   * files are read as they come. @default false
   */
  strict?: boolean;
}

interface ParseError {
  code: string;
  row?: number;
}
interface ParserHandle {
  parse(
    input: string,
    baseIndex: number,
    ignoreLastRow: boolean,
  ): { data: string[][]; errors: ParseError[]; meta: { cursor: number } };
}
const { ParserHandle } = Papa as unknown as { ParserHandle: new (config: Papa.ParseConfig) => ParserHandle };

/**
 * Where the first byte that is not UTF-8 (or is NUL) starts; -1 when every byte is. A sequence cut off by the
 * end of `bytes` counts as bad: callers pass whole inputs, or a chunk that the strict decoder refused.
 */
function firstBadByte(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i] ?? 0;
    if (b === 0) return i;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    if (need === 0) return i;
    // The second byte's range excludes overlong forms, surrogates and code points above U+10FFFF.
    const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** Bytes at the end of `chunk` that begin a character the next chunk finishes (0 to 3). */
function incompleteTail(chunk: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, chunk.length); back++) {
    const b = chunk[chunk.length - back] ?? 0;
    if (b < 0x80) return 0;
    if (b >= 0xc0) return (b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2) > back ? back : 0;
  }
  return 0;
}

const QUOTE_ERRORS: ReadonlySet<string> = new Set(['MissingQuotes', 'InvalidQuotes']);

/** A blank line: papaparse yields it as one empty field (also the "line" after a final newline). */
const isBlank = (row: readonly string[]) => row.length === 1 && row[0] === '';

/** Where a row is, for messages: the header is "the header row", data rows count from 1. */
function rowName(index: number): string {
  return index === 0 ? 'the header row' : `row ${index}`;
}
function rowLocation(index: number): InputLocation {
  return index === 0 ? {} : { row: index };
}

/** Turns chunks (bytes or strings) into rows, keeping the partial last row for the next chunk. */
class CsvRowReader {
  private readonly handle: ParserHandle;
  private readonly decoder: TextDecoder;
  private partial = '';
  private base = 0;
  /** Bytes before the current chunk, and the undecoded end of the previous one (a split character). */
  private bytesBefore = 0;
  private tail: Uint8Array = new Uint8Array(0);
  /** Rows emitted so far, the header included. */
  private rows = 0;

  constructor(private readonly options: CsvReadOptions) {
    this.handle = new ParserHandle({
      delimiter: options.delimiter ?? ',',
      ...(options.newline ? { newline: options.newline } : {}),
      quoteChar: '"',
      escapeChar: '"',
      skipEmptyLines: false,
    });
    this.decoder = new TextDecoder('utf-8', { fatal: options.strict === true, ignoreBOM: true });
  }

  push(chunk: Buffer | string): string[][] {
    if (typeof chunk === 'string') {
      const nul = this.options.strict ? chunk.indexOf('\0') : -1;
      if (nul >= 0) this.refuseBinary(chunk.slice(0, nul));
      return this.parse(chunk, false);
    }
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      // Only a strict (fatal) decoder throws: find the first bad byte, counting the previous chunk's split character.
      const bytes = Buffer.concat([this.tail, chunk]);
      this.refuseBytes(bytes, firstBadByte(bytes));
    }
    const nul = this.options.strict ? chunk.indexOf(0) : -1;
    if (nul >= 0) this.refuseBytes(Buffer.concat([this.tail, chunk]), this.tail.length + nul);
    this.bytesBefore += chunk.length;
    this.tail = chunk.subarray(chunk.length - incompleteTail(chunk));
    return this.parse(text, false);
  }

  end(): string[][] {
    // A file that ends in the middle of a character.
    if (this.options.strict && this.tail.length > 0) this.refuseBytes(this.tail, 0);
    return this.parse(this.decoder.decode(), true);
  }

  private parse(text: string, last: boolean): string[][] {
    const aggregate = this.partial + text;
    if (!last && this.rows === 0 && this.base === 0 && !aggregate.includes('\n') && aggregate.length < 1 << 20) {
      // Papaparse guesses the line ending from its first input: give it a whole line, not a CR cut from its LF.
      this.partial = aggregate;
      return [];
    }
    const results = this.handle.parse(aggregate, this.base, !last);
    if (!last) {
      this.partial = aggregate.substring(results.meta.cursor - this.base);
      this.base = results.meta.cursor;
    }
    // The index of every parsed row among the rows emitted (blank lines are not rows).
    const indices: number[] = [];
    const out: string[][] = [];
    for (const row of results.data) {
      indices.push(this.rows + out.length);
      if (isBlank(row)) continue;
      if (this.rows + out.length === 0 && row[0]?.startsWith('\uFEFF')) row[0] = row[0].slice(1);
      out.push(row);
    }
    if (this.options.strict) {
      // An error on the partial last row (row === data.length) comes again once the row is complete.
      const error = results.errors.find(
        (e) => QUOTE_ERRORS.has(e.code) && e.row !== undefined && (last || e.row < results.data.length),
      );
      if (error) this.refuseQuotes(error, indices[error.row ?? 0] ?? this.rows + out.length);
    }
    this.rows += out.length;
    return out;
  }

  private refuseQuotes(error: ParseError, index: number): never {
    const where = rowName(index);
    if (error.code === 'MissingQuotes') {
      throw new InputError(
        `CSV ${where} opens a quoted value that never closes: everything after the quote would be one value. ` +
          'Close the quote, or double a quote inside a value ("").',
        { problem: InputProblem.UnterminatedQuote, location: rowLocation(index) },
      );
    }
    throw new InputError(
      `CSV ${where} has a quoted value with a stray quote after its closing quote. ` +
        'A quote inside a quoted value must be doubled ("").',
      { problem: InputProblem.MalformedQuote, location: rowLocation(index) },
    );
  }

  /** Refuses the byte at `at` of `bytes`, which start `tail.length` bytes before the current chunk. */
  private refuseBytes(bytes: Uint8Array, at: number): never {
    const offset = this.bytesBefore - this.tail.length + at;
    const before = new TextDecoder().decode(bytes.subarray(0, at));
    const index = this.completeRows(before);
    const byte = bytes[at] ?? 0;
    const location = { ...rowLocation(index), byteOffset: offset };
    if (byte === 0) this.refuseBinary(before, location);
    // FF FE or FE FF opens a UTF-16 file; neither byte ever appears in UTF-8.
    const utf16 = offset === 0 && (byte === 0xff || byte === 0xfe);
    throw new InputError(
      `The CSV input is not UTF-8 text: byte 0x${byte.toString(16).padStart(2, '0')} at byte offset ${offset} ` +
        `(${rowName(index)}) is not UTF-8. ` +
        (utf16 ? 'The file looks like UTF-16; save it as UTF-8.' : 'Save the file as UTF-8 ("CSV UTF-8" in Excel).'),
      { problem: InputProblem.NotUtf8, location },
    );
  }

  private refuseBinary(before: string, location?: InputLocation): never {
    const index = location ? (location.row ?? 0) : this.completeRows(before);
    throw new InputError(
      `The CSV input has a NUL byte (${rowName(index)}${location?.byteOffset === undefined ? '' : `, byte offset ${location.byteOffset}`}): ` +
        'it looks like a binary file, not CSV text.',
      { problem: InputProblem.NotUtf8, location: location ?? rowLocation(index) },
    );
  }

  /** The index of the row that `text` (what comes after the rows parsed so far) ends in. */
  private completeRows(text: string): number {
    const probe = new ParserHandle({
      delimiter: this.options.delimiter ?? ',',
      ...(this.options.newline ? { newline: this.options.newline } : {}),
      quoteChar: '"',
      escapeChar: '"',
    });
    const complete = probe.parse(this.partial + text, 0, true).data.filter((row) => !isBlank(row)).length;
    return this.rows + complete;
  }
}

/**
 * Yields every row of a CSV stream as an array of strings, the header first.
 * Memory is bounded by the input's chunk size, not by the input.
 */
export async function* readCsvRows(input: Readable, options: CsvReadOptions = {}): AsyncGenerator<string[]> {
  for await (const batch of readCsvRowBatches(input, options)) yield* batch;
}

/** Like {@link readCsvRows}, one array of rows per input chunk: no promise per row. */
export async function* readCsvRowBatches(input: Readable, options: CsvReadOptions = {}): AsyncGenerator<string[][]> {
  const reader = new CsvRowReader(options);
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const rows = reader.push(chunk);
    if (rows.length > 0) yield rows;
  }
  const rows = reader.end();
  if (rows.length > 0) yield rows;
}

/**
 * Reads a CSV stream's header row (checked as {@link validateHeader} does, and strictly: UTF-8, closed quotes)
 * and puts the bytes it read back at the head of the stream, so the stream can then be read whole from its first
 * byte, e.g. to stage it after the header was checked against the object's fields.
 *
 * With a delimiter or line ending given, it also refuses a header that says the file has others: a header of one
 * column that another delimiter splits into several (field names never hold a delimiter), or a header row that
 * ends with the other line ending.
 */
export async function peekHeader(input: Readable, options: CsvReadOptions = {}): Promise<string[]> {
  const reader = new CsvRowReader({ ...options, strict: true });
  const seen: Buffer[] = [];
  let header: string[] | undefined;
  for await (const chunk of input.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    seen.push(bytes);
    header = reader.push(bytes)[0];
    if (header) break;
  }
  header ??= reader.end()[0];
  const head = Buffer.concat(seen);
  if (seen.length > 0) input.unshift(head);
  const columns = validateHeader(header);
  if (options.newline) checkLineEnding(head.toString('utf8'), options.newline);
  if (columns.length === 1) checkDelimiter(columns[0] ?? '', options.delimiter ?? ',');
  return columns;
}

/** Each delimiter Bulk API 2.0 names, by its character. */
const DELIMITER_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(DELIMITER_CHAR).map(([name, char]) => [char, name]),
);

const delimiterName = (char: string) => `${DELIMITER_NAMES[char] ?? 'the delimiter'} (${JSON.stringify(char)})`;

/** A one-column header that another delimiter splits: the file has that delimiter, not the one given. */
function checkDelimiter(only: string, given: string): void {
  for (const other of Object.keys(DELIMITER_NAMES)) {
    if (other === given || !only.includes(other)) continue;
    const columns = only.split(other).map((name) => name.trim());
    if (columns.length < 2 || columns.some((name) => name === '')) continue;
    throw new InputError(
      `The CSV header row reads as one column "${only}" with the delimiter ${delimiterName(given)}, and as ` +
        `${columns.length} columns with ${delimiterName(other)}: ${columns.join(', ')}. Give the delimiter ` +
        `${DELIMITER_NAMES[other]} (--delimiter ${DELIMITER_NAMES[other]}, or columnDelimiter in the input).`,
      { problem: InputProblem.WrongDelimiter, location: { column: 1, field: only } },
    );
  }
}

/** The header row's own line ending must be the one given. */
function checkLineEnding(head: string, given: '\n' | '\r\n'): void {
  const lf = head.indexOf('\n');
  if (lf < 0) return; // a header alone, with no line ending at all
  const found = lf > 0 && head[lf - 1] === '\r' ? '\r\n' : '\n';
  if (found === given) return;
  const name = (newline: string) => (newline === '\n' ? 'LF' : 'CRLF');
  throw new InputError(
    `The CSV header row ends with ${name(found)}, but the line ending given is ${name(given)}. Give ` +
      `${name(found)} (--line-ending ${name(found)}, or lineEnding in the input), or none to read the file's own.`,
    { problem: InputProblem.WrongLineEnding },
  );
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

/** Checks a header row: present, no empty or repeated column names (Salesforce matches names case-insensitively). */
export function validateHeader(header: readonly string[] | undefined): string[] {
  if (!header || header.length === 0) {
    throw new InputError('The CSV input is empty: it has no header row.', { problem: InputProblem.Empty });
  }
  const seen = new Map<string, number>();
  header.forEach((name, i) => {
    const trimmed = name.trim();
    if (!trimmed) {
      throw new InputError(`CSV header column ${i + 1} has no name.`, {
        problem: InputProblem.BadHeader,
        location: { column: i + 1 },
      });
    }
    const earlier = seen.get(trimmed.toLowerCase());
    if (earlier !== undefined) {
      throw new InputError(
        `CSV header names column "${trimmed}" more than once (columns ${earlier + 1} and ${i + 1}): ` +
          'Salesforce would not know which value to load.',
        { problem: InputProblem.BadHeader, location: { column: i + 1, field: trimmed } },
      );
    }
    seen.set(trimmed.toLowerCase(), i);
  });
  return header.map((h) => h.trim());
}

/** Counts the data rows (header excluded) of a CSV stream. */
export async function countCsvRecords(input: Readable, options: CsvReadOptions = {}): Promise<number> {
  let rows = -1;
  for await (const _row of readCsvRows(input, options)) rows += 1;
  return Math.max(0, rows);
}
