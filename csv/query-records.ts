/**
 * Writing a query's parts (CSV, each repeating the header) as the caller asked: CSV or JSON lines, in one file
 * or split into files of at most `splitRows` records. CSV records are copied byte for byte (record boundaries
 * from `record-scanner.ts`, so a quoted line break never splits a record), with the first part's header at the
 * top of every file; JSON lines parse each record with papaparse (`readCsvRowBatches`). One record's bytes at a
 * time are never copied: runs of records from the same chunk are written as one slice.
 */
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { QueryFormat } from '../common/query-output.js';
import { readCsvRowBatches } from './csv.js';
import { CsvRecordScanner } from './record-scanner.js';

export interface QueryRecordsOptions {
  format: QueryFormat;
  /** Records per file; every record in one file when absent. */
  splitRows?: number;
}

const LF = 0x0a;
const NEWLINE = Buffer.from('\n');
/** Starts the next file. */
const NEXT_FILE = Symbol('next file');

/**
 * Output files, opened in order by index as records arrive. Records are queued (`add`) while a chunk is read,
 * then written (`flush`) with backpressure; a new file starts with the header when the current one is full.
 */
class SplitFiles {
  private queue: Array<Buffer | string | typeof NEXT_FILE> = [];
  private file: Writable | undefined;
  private inFile = 0;
  private opened = 0;
  readonly rows: number[] = [];
  header: Buffer | string = '';

  constructor(
    private readonly open: (index: number) => Writable,
    private readonly splitRows: number,
  ) {}

  /** Queues one record (or a run of them: `records`), and `after` it a line ending it lacks. */
  add(data: Buffer | string, records = 1, after?: Buffer): void {
    if (this.rows.length === 0 || this.inFile === this.splitRows) {
      this.queue.push(NEXT_FILE);
      this.rows.push(0);
      this.inFile = 0;
    }
    this.queue.push(data);
    if (after) this.queue.push(after);
    this.inFile += records;
    this.rows[this.rows.length - 1]! += records;
  }

  /** Room left in the current file; a run of records never crosses into the next file. */
  room(): number {
    return this.rows.length === 0 || this.inFile === this.splitRows ? this.splitRows : this.splitRows - this.inFile;
  }

  async flush(): Promise<void> {
    const queue = this.queue;
    this.queue = [];
    for (const item of queue) {
      if (item === NEXT_FILE) {
        await this.close();
        this.file = this.open(this.opened++);
        if (this.header.length > 0) await this.write(this.header);
      } else {
        await this.write(item);
      }
    }
  }

  /** Flushes, writes a file with the header alone when there were no records, and closes the last file. */
  async end(): Promise<number[]> {
    if (this.rows.length === 0) {
      this.queue.push(NEXT_FILE);
      this.rows.push(0);
    }
    await this.flush();
    await this.close();
    return this.rows;
  }

  private async write(data: Buffer | string): Promise<void> {
    const file = this.file as Writable;
    if (!file.write(data)) await Promise.race([once(file, 'drain'), once(file, 'close')]);
  }

  private async close(): Promise<void> {
    const file = this.file;
    if (!file) return;
    this.file = undefined;
    file.end();
    await once(file, 'finish');
  }
}

/** CSV parts into split files, each record's bytes as Salesforce sent them. */
async function splitCsv(parts: ReadonlyArray<() => Readable>, files: SplitFiles, onPart: (i: number) => void) {
  for (const [index, open] of parts.entries()) {
    const scanner = new CsvRecordScanner();
    scanner.hashing = 'none';
    let header = true;
    // A run of records of the same buffer, written as one slice.
    let run: { buf: Buffer; start: number; end: number; records: number } | undefined;
    const endRun = () => {
      if (!run) return;
      const bytes = run.buf.subarray(run.start, run.end);
      files.add(bytes, run.records, bytes[bytes.length - 1] === LF ? undefined : NEWLINE);
      run = undefined;
    };
    const onRecord = () => {
      const { buf, recordStart: start, recordEnd: end } = scanner;
      if (header) {
        header = false;
        if (files.header.length === 0) {
          const bytes = Buffer.from(buf.subarray(start, end));
          files.header = bytes[bytes.length - 1] === LF ? bytes : Buffer.concat([bytes, NEWLINE]);
        }
        return;
      }
      if (run && (run.buf !== buf || run.end !== start || run.records >= files.room())) endRun();
      if (run) {
        run.end = end;
        run.records += 1;
      } else {
        run = { buf, start, end, records: 1 };
      }
      // A record without a line ending is the part's last: end the run so the newline follows it.
      if (buf[end - 1] !== LF) endRun();
    };
    for await (const chunk of open() as AsyncIterable<Buffer>) {
      scanner.push(chunk, onRecord);
      endRun();
      await files.flush();
    }
    scanner.end(onRecord);
    endRun();
    await files.flush();
    onPart(index);
  }
}

/** CSV parts into JSON lines: one object per record, keys the header's fields, an empty value `null`. */
async function jsonLines(parts: ReadonlyArray<() => Readable>, files: SplitFiles, onPart: (i: number) => void) {
  for (const [index, open] of parts.entries()) {
    let header: string[] | undefined;
    for await (const batch of readCsvRowBatches(open())) {
      let lines = '';
      let count = 0;
      const emit = () => {
        if (count > 0) files.add(lines, count);
        lines = '';
        count = 0;
      };
      for (const row of batch) {
        if (!header) {
          header = row;
          continue;
        }
        const record: Record<string, string | null> = {};
        for (const [i, field] of header.entries()) {
          const value = row[i];
          record[field] = value === undefined || value === '' ? null : value;
        }
        lines += `${JSON.stringify(record)}\n`;
        count += 1;
        if (count >= files.room()) emit();
      }
      emit();
      await files.flush();
    }
    onPart(index);
  }
}

/**
 * Writes the records of `parts` (opened one at a time, in order) to the files `open` gives, by index, and
 * returns the records in each file. Every file is written whole; a run again writes the same files.
 */
export async function writeQueryRecords(
  parts: ReadonlyArray<() => Readable>,
  open: (index: number) => Writable,
  options: QueryRecordsOptions,
  onPart: (index: number) => void = () => undefined,
): Promise<number[]> {
  const files = new SplitFiles(open, options.splitRows ?? Number.MAX_SAFE_INTEGER);
  await (options.format === QueryFormat.JsonLines ? jsonLines : splitCsv)(parts, files, onPart);
  return files.end();
}
