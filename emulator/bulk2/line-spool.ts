/**
 * The rows of a result file (ingest results, query results), as CSV lines of quoted values in the job's
 * delimiter and line ending, appended as the job works. Kept in memory while small; past
 * {@link SPOOL_MEMORY_CHARS} they move to a file in the emulator's scratch folder and later lines are appended
 * to it, so a job's results of millions of rows take no memory. Any range of rows can be read back in blocks
 * (a result page, or the file as it stood when it was asked for): every value is quoted, so a newline ends a
 * row exactly where the quotes seen since the row began are even, and the byte offset of every
 * {@link CHECKPOINT_ROWS}th row is kept to start from.
 */
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import type { WorkDir } from '../work-dir.js';

/** Characters of lines kept in memory before the spool moves to a file. */
export const SPOOL_MEMORY_CHARS = 1024 * 1024;
/** Rows between two remembered byte offsets. */
export const CHECKPOINT_ROWS = 1000;
/** Bytes read from the file per block. */
const READ_BYTES = 64 * 1024;
/** Characters appended before they are written to the file. */
const WRITE_CHARS = 256 * 1024;
const QUOTE = 0x22;
const NEWLINE = 0x0a;

interface SpoolFile {
  path: string;
  fd: number;
  /** Bytes in the file, and waiting to be written. */
  bytes: number;
  pending: string[];
  pendingChars: number;
}

/** An append-only sequence of CSV lines (each with its line ending). */
export class LineSpool {
  readonly #workDir: WorkDir;
  #lines: string[] = [];
  #chars = 0;
  #file: SpoolFile | undefined;
  /** Byte offsets of rows 0, CHECKPOINT_ROWS, 2 × CHECKPOINT_ROWS, … (file mode). */
  #checkpoints: number[] = [];
  #rows = 0;

  constructor(workDir: WorkDir) {
    this.#workDir = workDir;
  }

  /** Rows appended so far. */
  get rows(): number {
    return this.#rows;
  }

  /** Appends one line, its line ending included. */
  append(line: string): void {
    const file = this.#file;
    if (file === undefined) {
      this.#lines.push(line);
      this.#chars += line.length;
      this.#rows += 1;
      if (this.#chars > SPOOL_MEMORY_CHARS) this.#moveToFile();
      return;
    }
    if (this.#rows % CHECKPOINT_ROWS === 0) this.#checkpoints.push(file.bytes);
    file.pending.push(line);
    file.pendingChars += line.length;
    file.bytes += Buffer.byteLength(line);
    this.#rows += 1;
    if (file.pendingChars >= WRITE_CHARS) this.#writePending(file);
  }

  /** Rows [from, to) in blocks of about 64 KB, read as they are asked for. */
  *blocks(from: number, to: number): Generator<string | Buffer, void, undefined> {
    const end = Math.min(to, this.#rows);
    if (from >= end) return;
    const file = this.#file;
    if (file === undefined) {
      yield* joinedBlocks(this.#lines, from, end);
      return;
    }
    this.#writePending(file);
    const start = this.#offsetOf(file, from);
    const stop = this.#offsetOf(file, end);
    for (let position = start; position < stop;) {
      const buffer = Buffer.allocUnsafe(Math.min(READ_BYTES, stop - position));
      const read = readSync(file.fd, buffer, 0, buffer.length, position);
      if (read <= 0) return;
      position += read;
      yield read === buffer.length ? buffer : buffer.subarray(0, read);
    }
  }

  /** Every line, for saving a small org (persistence). */
  lines(): string[] {
    if (this.#file === undefined) return [...this.#lines];
    const text = Array.from(this.blocks(0, this.#rows), (b) => b.toString()).join('');
    return splitRows(text);
  }

  /** Removes the file, if any. */
  close(): void {
    const file = this.#file;
    this.#file = undefined;
    this.#lines = [];
    if (file === undefined) return;
    closeSync(file.fd);
    rmSync(file.path, { force: true });
  }

  #moveToFile(): void {
    const path = this.#workDir.newFile('results.csv');
    const file: SpoolFile = { path, fd: openSync(path, 'w+'), bytes: 0, pending: [], pendingChars: 0 };
    this.#file = file;
    const lines = this.#lines;
    this.#lines = [];
    this.#rows = 0;
    for (const line of lines) this.append(line);
    this.#writePending(file);
  }

  #writePending(file: SpoolFile): void {
    if (file.pending.length === 0) return;
    const text = file.pending.join('');
    file.pending = [];
    file.pendingChars = 0;
    writeSync(file.fd, text, null, 'utf8');
  }

  /** The byte offset where row `row` starts: from the checkpoint before it, counting rows forward. */
  #offsetOf(file: SpoolFile, row: number): number {
    if (row >= this.#rows) return file.bytes;
    const checkpoint = Math.floor(row / CHECKPOINT_ROWS);
    let position = this.#checkpoints[checkpoint] ?? 0;
    let skip = row - checkpoint * CHECKPOINT_ROWS;
    let quoted = false;
    const buffer = Buffer.allocUnsafe(READ_BYTES);
    while (skip > 0) {
      const read = readSync(file.fd, buffer, 0, buffer.length, position);
      if (read <= 0) return file.bytes;
      for (let i = 0; i < read; i++) {
        const byte = buffer[i];
        if (byte === QUOTE) quoted = !quoted;
        else if (byte === NEWLINE && !quoted && --skip === 0) return position + i + 1;
      }
      position += read;
    }
    return position;
  }
}

/** Lines [from, to) joined into strings of about 64 KB. */
function* joinedBlocks(lines: readonly string[], from: number, to: number): Generator<string, void, undefined> {
  let block = '';
  for (let i = from; i < to; i++) {
    block += lines[i] ?? '';
    if (block.length >= READ_BYTES) {
      yield block;
      block = '';
    }
  }
  if (block !== '') yield block;
}

/** Splits spooled text into its lines (each with its ending), by the same quote rule. */
function splitRows(text: string): string[] {
  const lines: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === QUOTE) quoted = !quoted;
    else if (ch === NEWLINE && !quoted) {
      lines.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  return lines;
}
