/**
 * Cuts a CSV input into upload units within Salesforce's limits, streaming: one row in memory at
 * a time. Every unit repeats the header. A row is never split across units.
 *
 * Bulk 2.0 takes one upload per job, 150 MB after base64 encoding (about 100 MB of CSV), so a
 * larger input becomes several jobs. Bulk v1 takes batches of 10,000 records and 10 MB.
 */
import { createHash, type Hash } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { once } from 'node:events';
import { SalesforceInputError } from '../core/errors.js';
import { formatCsvRow, readCsvRows, validateHeader } from './csv.js';

export interface UploadLimits {
  /** Bytes of CSV per unit, header included. */
  maxBytes: number;
  /** Records per unit. */
  maxRows: number;
}

/** Bulk 2.0: 100 MB of CSV per job (Salesforce's 150 MB limit applies after base64 encoding). */
export const BULK2_UPLOAD_LIMITS: UploadLimits = { maxBytes: 100 * 1024 * 1024, maxRows: 150_000_000 };
/** Bulk v1: 10,000 records and 10 MB per batch. */
export const BULK1_BATCH_LIMITS: UploadLimits = { maxBytes: 10 * 1000 * 1000, maxRows: 10_000 };

export interface UploadUnit {
  index: number;
  rows: number;
  bytes: number;
  /** Hex SHA-256 of the unit's bytes, to detect a changed input on resume. */
  sha256: string;
}

export interface SplitResult {
  columns: string[];
  totalRows: number;
  units: UploadUnit[];
}

export interface SplitOptions {
  limits: UploadLimits;
  delimiter?: string;
  /** Opens the sink for unit `index` (0-based). The splitter ends it. */
  openUnit: (index: number) => Writable;
  /** Called every `progressEvery` rows, e.g. to heartbeat. */
  onProgress?: (rowsSoFar: number) => void;
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
  const rows = readCsvRows(input, options.delimiter === undefined ? {} : { delimiter: options.delimiter });
  const first = await rows.next();
  const columns = validateHeader(first.done ? undefined : first.value);
  const headerLine = formatCsvRow(columns);
  const headerBytes = Buffer.byteLength(headerLine);
  const units: UploadUnit[] = [];
  let current: OpenUnit | undefined;
  let totalRows = 0;

  const write = async (unit: OpenUnit, text: string, bytes: number) => {
    unit.hash.update(text);
    unit.bytes += bytes;
    if (!unit.sink.write(text)) await once(unit.sink, 'drain');
  };
  const finish = async (unit: OpenUnit) => {
    unit.sink.end();
    await once(unit.sink, 'finish');
    units.push({ index: units.length, rows: unit.rows, bytes: unit.bytes, sha256: unit.hash.digest('hex') });
  };

  for await (const row of rows) {
    if (row.length !== columns.length) {
      throw new SalesforceInputError(
        `CSV row ${totalRows + 1} has ${row.length} fields but the header has ${columns.length}.`,
      );
    }
    const line = formatCsvRow(row);
    const bytes = Buffer.byteLength(line);
    if (headerBytes + bytes > limits.maxBytes) {
      throw new SalesforceInputError(
        `CSV row ${totalRows + 1} alone exceeds the upload limit of ${limits.maxBytes} bytes.`,
      );
    }
    if (current && (current.rows >= limits.maxRows || current.bytes + bytes > limits.maxBytes)) {
      await finish(current);
      current = undefined;
    }
    if (!current) {
      current = { sink: openUnit(units.length), hash: createHash('sha256'), rows: 0, bytes: 0 };
      await write(current, headerLine, headerBytes);
    }
    await write(current, line, bytes);
    current.rows += 1;
    totalRows += 1;
    if (onProgress && totalRows % progressEvery === 0) onProgress(totalRows);
  }
  if (current) await finish(current);
  return { columns, totalRows, units };
}
