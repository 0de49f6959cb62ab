/**
 * Parsing Bulk 2.0 uploads a bounded piece at a time, so a large upload never holds the event loop: each
 * {@link UploadReader.step} decodes at most about {@link UPLOAD_STEP_BYTES} of the upload, and the rows are read
 * by papaparse's own chunked parser (the one its streaming modes run on), which keeps a row cut by a piece
 * boundary for the next piece. The outcome is the same as parsing the whole text at once: the job's column
 * delimiter and line ending, RFC 4180 quoting, embedded newlines, UTF-8 with or without BOM.
 */
import Papa from 'papaparse';
import { DELIMITER_CHARACTERS, newlineOf } from './csv.js';
import { bufferData } from './upload-data.js';
import type { UploadData } from './upload-data.js';
import type { ColumnDelimiter, LineEnding } from './csv.js';

/** A parsed upload: the header as sent (echoed in result files), its column names, and the data rows. */
export interface ParsedUpload {
  headerLine: string;
  header: string[];
  rows: string[][];
}

/** A parsed upload, or why the whole job fails (with the rows it could still read, reported as unprocessed). */
export type ParseResult =
  { ok: true; upload: ParsedUpload } | { ok: false; errorMessage: string; upload: ParsedUpload };

/** Bytes of the upload decoded and parsed per step. */
export const UPLOAD_STEP_BYTES = 1024 * 1024;

/** What papaparse's chunk parser answers: rows, errors, and where the last complete row ends. */
interface ChunkResult {
  data: string[][];
  errors: Array<{ code: string; row: number }>;
  meta: { cursor: number };
}

const BOM = '\uFEFF';

/** Reads one upload step by step; `step()` until it answers true, then `result()`. */
export class UploadReader {
  readonly #data: UploadData;
  readonly #delimiter: string;
  readonly #lineEnding: LineEnding;
  readonly #stepBytes: number;
  /** Bytes decoded so far. */
  #offset = 0;
  /** The header line's terminator: undefined until found, '' when the upload has none. */
  #terminator: '' | '\n' | '\r\n' | undefined;
  #headerLine = '';
  #quoted = false;
  #lastChar = '';
  /** Text decoded while looking for the header line's end, parsed once the line ending is known. */
  #held: string[] = [];
  #partial = '';
  #atStart = true;
  /** Text a step must take at least: grows while a single row is longer than a step's worth. */
  #minimumText = 0;
  #rawRows = 0;
  #header: string[] | undefined;
  #rows: string[][] = [];
  #quoteErrorRow: number | undefined;
  #done = false;

  constructor(
    data: Buffer | UploadData,
    delimiter: ColumnDelimiter,
    lineEnding: LineEnding,
    stepBytes = UPLOAD_STEP_BYTES,
  ) {
    this.#data = Buffer.isBuffer(data) ? bufferData(data) : data;
    this.#delimiter = DELIMITER_CHARACTERS[delimiter];
    this.#lineEnding = lineEnding;
    this.#stepBytes = Math.max(1, stepBytes);
  }

  /** Does one bounded piece of work; true once the whole upload is read. */
  step(): boolean {
    if (this.#done) return true;
    if (this.#terminator === undefined) this.#findHeaderLine();
    else this.#parseRows();
    return this.#done;
  }

  /** The data rows read since the last call: a reader whose rows are taken as they come holds none. */
  takeRows(): string[][] {
    const rows = this.#rows;
    this.#rows = [];
    return rows;
  }

  /** The outcome; only complete once `step()` has answered true (its rows: those not taken). */
  result(): ParseResult {
    const header = this.#header ?? [];
    const upload = { headerLine: this.#headerLine, header, rows: this.#rows };
    if (this.#terminator !== '' && this.#terminator !== newlineOf(this.#lineEnding)) {
      const errorMessage = `ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is ${this.#lineEnding}`;
      return { ok: false, errorMessage, upload };
    }
    if (header.length === 0) return { ok: false, errorMessage: 'InvalidBatch : Empty CSV file', upload };
    if (this.#quoteErrorRow === undefined) return { ok: true, upload };
    return {
      ok: false,
      errorMessage: `ClientInputError : Unterminated quoted field in row ${this.#quoteErrorRow + 1}`,
      upload,
    };
  }

  /** The next piece of text, cut before a byte that starts a character; undefined at the end of the upload. */
  #decode(): string | undefined {
    const length = this.#data.length;
    const start = this.#offset;
    if (start >= length) return undefined;
    // The piece, and the few bytes after it that say whether it ends inside a character (at most 4 a character).
    const window = this.#data.read(start, start + this.#stepBytes + 4);
    const continues = (index: number) => ((window[index - start] ?? 0) & 0xc0) === 0x80;
    let end = Math.min(length, start + this.#stepBytes);
    let cut = end;
    while (cut > start && continues(cut)) cut--;
    if (cut > start) end = cut;
    else while (end < length && continues(end)) end++;
    let text = window.toString('utf8', 0, end - start);
    if (this.#offset === 0 && text.startsWith(BOM)) text = text.slice(1);
    this.#offset = end;
    return text;
  }

  /** The header line ends at the first newline outside quotes; its terminator decides how rows are split. */
  #findHeaderLine(): void {
    const piece = this.#decode();
    if (piece === undefined) {
      this.#headerLine = this.#held.join('');
      this.#terminator = '';
      return;
    }
    this.#held.push(piece);
    for (let i = 0; i < piece.length; i++) {
      const ch = piece.charAt(i);
      if (ch === '"') this.#quoted = !this.#quoted;
      else if (ch === '\n' && !this.#quoted) {
        const before = i > 0 ? piece.charAt(i - 1) : this.#lastChar;
        const line = this.#held.slice(0, -1).join('') + piece.slice(0, i);
        this.#headerLine = before === '\r' ? line.slice(0, -1) : line;
        this.#terminator = before === '\r' ? '\r\n' : '\n';
        return;
      }
    }
    this.#lastChar = piece.charAt(piece.length - 1) || this.#lastChar;
  }

  /** Parses the next piece of text: complete rows are kept, a row cut by the piece's end waits for the next. */
  #parseRows(): void {
    let text = this.#partial;
    let taken = 0;
    let pieces = 0;
    let last = false;
    while (pieces === 0 || taken < this.#minimumText) {
      const piece = this.#held.shift() ?? this.#decode();
      if (piece === undefined) {
        last = true;
        break;
      }
      text += piece;
      taken += piece.length;
      pieces += 1;
    }
    // Parsing the whole text would drop one more BOM at its very start (papaparse does); so does this.
    if (this.#atStart && text.length > 0) {
      this.#atStart = false;
      if (text.startsWith(BOM)) text = text.slice(1);
    }
    const newline = (this.#terminator || newlineOf(this.#lineEnding)) as '\n' | '\r\n';
    const parser = new Papa.Parser({ delimiter: this.#delimiter, newline, quoteChar: '"', escapeChar: '"' });
    const parsed = parser.parse(text, 0, !last) as ChunkResult;
    const quoteError = parsed.errors.find((e) => e.code === 'MissingQuotes');
    if (quoteError && this.#quoteErrorRow === undefined) this.#quoteErrorRow = this.#rawRows + quoteError.row;
    this.#rawRows += parsed.data.length;
    for (const row of parsed.data) {
      // Empty lines are skipped, as papaparse's skipEmptyLines does: a row of one empty cell.
      if (row.length === 1 && row[0] === '') continue;
      if (this.#header === undefined) this.#header = row;
      else this.#rows.push(row);
    }
    if (last) {
      this.#partial = '';
      this.#done = true;
      return;
    }
    this.#partial = text.substring(parsed.meta.cursor);
    // No row ended in this text (one row longer than a step): take as much again next time, so that such a row
    // is read in a few steps rather than re-read from its start at every step.
    this.#minimumText = parsed.data.length === 0 ? text.length : 0;
  }
}

/** Parses a whole upload at once (aborted jobs, tests): the same outcome as stepping an {@link UploadReader}. */
export function parseUpload(data: Buffer, delimiter: ColumnDelimiter, lineEnding: LineEnding): ParseResult {
  const reader = new UploadReader(data, delimiter, lineEnding);
  while (!reader.step());
  return reader.result();
}
