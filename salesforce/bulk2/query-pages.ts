/**
 * Joining Bulk 2.0 query result pages into one CSV, streaming. Each page is a standalone CSV with its own
 * header row; the joined file keeps the first header only. Rows are counted as they pass (line feeds outside
 * quotes), so a page whose count differs from `Sforce-NumberOfRecords` is caught instead of silently losing
 * rows, and nothing but the current chunk is held in memory.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_get_job_results.htm
 */
import { once } from 'node:events';
import { closeSync, createWriteStream, fstatSync, ftruncateSync, openSync, type WriteStream } from 'node:fs';
import { pipeline, type Readable, type Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputError } from '../../common/errors.js';

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/**
 * `Sforce-Locator` as the client uses it: a string to fetch the next page with, or undefined when there is
 * none. Salesforce sends the literal text `null` on the last page; an absent or empty header means the same.
 */
export function normalizeLocator(header: string | string[] | undefined): string | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  return value === undefined || value === '' || value === 'null' ? undefined : value;
}

/** `Sforce-NumberOfRecords` as a number, or undefined when absent or not a number. */
export function parseRecordCount(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

/**
 * Request headers for a CSV result file (query pages, ingest results): gzip accepted. Salesforce compresses
 * result files on request, several times over for CSV, which on a real network saves most of the download.
 */
export const CSV_RESULT_HEADERS: Readonly<Record<string, string>> = { accept: 'text/csv', 'accept-encoding': 'gzip' };

/** Inflated chunks of 256 KiB rather than zlib's 16 KiB: every chunk costs a turn through each stream after it. */
const GUNZIP_CHUNK_BYTES = 256 * 1024;

/** A result body as CSV: gunzipped when the response says `Content-Encoding: gzip`, as it came otherwise. */
export function decodedBody(res: { headers: Record<string, string | string[] | undefined>; body: Readable }): Readable {
  if (!/gzip/i.test(String(res.headers['content-encoding'] ?? ''))) return res.body;
  // pipeline, not pipe: a reader that stops early (a mismatch found) destroys the response too, which frees its
  // connection instead of leaving it half-read.
  return pipeline(res.body, createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES }), () => {});
}

/** Writes a chunk, waiting for `drain` when the sink is full. */
async function write(sink: Writable, chunk: Buffer): Promise<void> {
  if (chunk.length > 0 && !sink.write(chunk)) await once(sink, 'drain');
}

/** Resolves once everything written so far has been handed to the sink's underlying resource. */
export function flushed(sink: Writable): Promise<void> {
  return new Promise((resolve, reject) => sink.write(Buffer.alloc(0), (err) => (err ? reject(err) : resolve())));
}

/** Counts line feeds outside quoted values; a doubled quote toggles twice, so it needs no special case. */
function scanRows(data: Buffer, startInQuotes: boolean): { lineFeeds: number; inQuotes: boolean } {
  let inQuotes = startInQuotes;
  let lineFeeds = 0;
  for (let i = 0; i < data.length; i++) {
    const byte = data[i];
    if (byte === QUOTE) inQuotes = !inQuotes;
    else if (byte === LF && !inQuotes) lineFeeds += 1;
  }
  return { lineFeeds, inQuotes };
}

/** What one page contributed. */
export interface PageOutcome {
  header: string;
  records: number;
  bytes: number;
}

/**
 * Streams one page into the sink: the header line only when `writeHeader`, then the rows. A page whose last
 * row lacks a line ending gets one, so the next page's rows start on a line of their own.
 */
export async function writePage(
  body: AsyncIterable<Buffer>,
  sink: Writable,
  writeHeader: boolean,
): Promise<PageOutcome> {
  const headerParts: Buffer[] = [];
  let inHeader = true;
  let inQuotes = false;
  let lineFeeds = 0;
  let bytes = 0;
  let last = -1;
  let sawData = false;
  for await (const chunk of body) {
    let data = chunk;
    if (inHeader) {
      const end = data.indexOf(LF);
      headerParts.push(end < 0 ? data : data.subarray(0, end + 1));
      if (end < 0) continue;
      inHeader = false;
      data = data.subarray(end + 1);
      if (writeHeader) {
        const header = Buffer.concat(headerParts);
        await write(sink, header);
        bytes += header.length;
      }
    }
    if (data.length === 0) continue;
    sawData = true;
    const scan = scanRows(data, inQuotes);
    lineFeeds += scan.lineFeeds;
    inQuotes = scan.inQuotes;
    last = data[data.length - 1] ?? -1;
    await write(sink, data);
    bytes += data.length;
  }
  const headerBytes = Buffer.concat(headerParts);
  if (inHeader && writeHeader && headerBytes.length > 0) {
    // A header without a line ending (an empty result written without one).
    const header = Buffer.concat([headerBytes, Buffer.from('\n')]);
    await write(sink, header);
    bytes += header.length;
  }
  if (inQuotes) throw new InputError('A query result page ended inside a quoted value');
  let records = lineFeeds;
  if (sawData && last !== LF) {
    records += 1;
    const crlf = headerBytes.length >= 2 && headerBytes[headerBytes.length - 2] === CR;
    const ending = Buffer.from(crlf ? '\r\n' : '\n');
    await write(sink, ending);
    bytes += ending.length;
  }
  return { header: headerBytes.toString('utf8').replace(/\r?\n$/, ''), records, bytes };
}

export interface FileSinkOptions {
  /**
   * Continue a file written by an interrupted `streamResults`: cut it to this many bytes (the `totalBytes`
   * checkpointed with the last completed page) and append from there. @default undefined (start a new file)
   */
  resumeAtByte?: number;
}

/** A file sink for `streamResults` that can pick up exactly where the last completed page ended. */
export function openResultFile(path: string, options: FileSinkOptions = {}): WriteStream {
  const { resumeAtByte } = options;
  if (resumeAtByte === undefined) return createWriteStream(path);
  if (!Number.isInteger(resumeAtByte) || resumeAtByte < 0) {
    throw new InputError(`resumeAtByte must be a non-negative integer, got ${resumeAtByte}`);
  }
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    if (size < resumeAtByte) {
      throw new InputError(`${path} has ${size} bytes, fewer than resumeAtByte (${resumeAtByte})`);
    }
    ftruncateSync(fd, resumeAtByte);
  } finally {
    closeSync(fd);
  }
  return createWriteStream(path, { flags: 'a' });
}
