/**
 * Cuts a CSV input into upload units within Salesforce's limits, streaming: one row in memory at
 * a time. Every unit repeats the header. A row is never split across units.
 *
 * Bulk 2.0 takes one upload per job, 150 MB after base64 encoding (about 100 MB of CSV), so a
 * larger input becomes several jobs. Bulk v1 takes batches of 10,000 records and 10 MB.
 *
 * The same pass checks the input's shape, before any unit is complete: UTF-8 text, closed quotes, a header with
 * named, distinct columns, and every row as wide as the header. (Checks against the org's schema come before:
 * `peekHeader` in `csv.ts` reads the header and leaves the stream whole.)
 */
import { createHash, type Hash } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { once } from 'node:events';
import { ROWS_PER_BULK_BATCH } from '../common/wire-values.js';
import { formatCsvRow, readCsvRowBatches, validateHeader } from './csv.js';
import { InputError, InputProblem } from '../common/errors.js';

export interface UploadLimits {
  /** Bytes of CSV per unit, header included. */
  maxBytes: number;
  /** Records per unit. */
  maxRows: number;
}

/** Bulk 2.0: 100 MB of CSV per job (Salesforce's 150 MB limit applies after base64 encoding). */
export const BULK2_UPLOAD_LIMITS: UploadLimits = { maxBytes: 100 * 1024 * 1024, maxRows: 150_000_000 };
/** Bulk v1: 10,000 records and 10 MB per batch. */
export const BULK1_BATCH_LIMITS: UploadLimits = { maxBytes: 10 * 1000 * 1000, maxRows: ROWS_PER_BULK_BATCH };

export interface UploadUnit {
  index: number;
  rows: number;
  bytes: number;
  /** Hex SHA-256 of the unit's bytes, to detect a changed input on resume. */
  sha256: string;
}

export interface SplitResult {
  columns: string[];
  /** Data rows of the input, skipped ones included. */
  totalRows: number;
  /** Rows {@link SplitOptions.skipRow} kept out of the units. */
  skippedRows: number;
  units: UploadUnit[];
}

export interface SplitOptions {
  limits: UploadLimits;
  /** The input's column delimiter; units are written with commas whatever it is. @default ',' */
  delimiter?: string;
  /** The input's line ending; units end lines with LF whatever it is. @default the header row's */
  newline?: '\n' | '\r\n';
  /** Opens the sink for unit `index` (0-based). The splitter ends it. */
  openUnit: (index: number) => Writable;
  /** Called every `progressEvery` rows, e.g. to heartbeat. */
  onProgress?: (rowsSoFar: number) => void;
  /** Rows for which this returns true are checked like the others but written to no unit (a rerun's loaded rows). */
  skipRow?: (row: readonly string[]) => boolean;
  progressEvery?: number;
}

interface OpenUnit {
  sink: Writable;
  hash: Hash;
  rows: number;
  bytes: number;
}

export async function splitCsv(input: Readable, options: SplitOptions): Promise<SplitResult> {
  const { limits, openUnit, onProgress, progressEvery = 10_000 } = options;
  const batches = readCsvRowBatches(input, {
    strict: true,
    ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }),
    ...(options.newline === undefined ? {} : { newline: options.newline }),
  });
  const first = await batches.next();
  let batch: string[][] = first.done ? [] : first.value;
  const columns = validateHeader(batch[0]);
  let at = 1; // the header is row 0 of the first batch
  const headerLine = formatCsvRow(columns);
  const headerBytes = Buffer.byteLength(headerLine);
  const units: UploadUnit[] = [];
  let current: OpenUnit | undefined;
  let totalRows = 0;
  let skippedRows = 0;
  let block = '';

  const flush = async (unit: OpenUnit) => {
    if (block === '') return;
    unit.hash.update(block);
    const ok = unit.sink.write(block);
    block = '';
    if (!ok) await once(unit.sink, 'drain');
  };
  const finish = async (unit: OpenUnit) => {
    await flush(unit);
    unit.sink.end();
    await once(unit.sink, 'finish');
    units.push({ index: units.length, rows: unit.rows, bytes: unit.bytes, sha256: unit.hash.digest('hex') });
  };

  for (;;) {
    for (; at < batch.length; at++) {
      const row = batch[at] as string[];
      if (row.length !== columns.length) throw raggedRow(totalRows + 1, row.length, columns, options.delimiter);
      if (options.skipRow?.(row)) {
        totalRows += 1;
        skippedRows += 1;
        if (onProgress && totalRows % progressEvery === 0) onProgress(totalRows);
        continue;
      }
      const line = formatCsvRow(row);
      const bytes = Buffer.byteLength(line);
      if (headerBytes + bytes > limits.maxBytes) {
        throw new InputError(`CSV row ${totalRows + 1} alone exceeds the upload limit of ${limits.maxBytes} bytes.`, {
          problem: InputProblem.RowTooLarge,
          location: { row: totalRows + 1 },
        });
      }
      if (current && (current.rows >= limits.maxRows || current.bytes + bytes > limits.maxBytes)) {
        await finish(current);
        current = undefined;
      }
      if (!current) {
        current = { sink: openUnit(units.length), hash: createHash('sha256'), rows: 0, bytes: headerBytes };
        block = headerLine;
      }
      block += line;
      current.bytes += bytes;
      current.rows += 1;
      totalRows += 1;
      if (block.length >= 65536) await flush(current);
      if (onProgress && totalRows % progressEvery === 0) onProgress(totalRows);
    }
    const next = await batches.next();
    if (next.done) break;
    batch = next.value;
    at = 0;
  }
  if (current) await finish(current);
  return { columns, totalRows, skippedRows, units };
}

function raggedRow(row: number, cells: number, columns: readonly string[], delimiter = ','): InputError {
  const hint =
    cells > columns.length
      ? `a value with a ${delimiter === ',' ? 'comma' : JSON.stringify(delimiter)} that is not quoted?`
      : `the first missing one is ${columns[cells] ?? '?'}`;
  return new InputError(
    `CSV row ${row} has ${cells} ${cells === 1 ? 'field' : 'fields'} but the header has ${columns.length} (${hint}).`,
    {
      problem: InputProblem.RaggedRow,
      location: { row, ...(cells < columns.length ? { column: cells + 1, field: columns[cells] } : {}) },
    },
  );
}
