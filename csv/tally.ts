/**
 * Counting CSV records as bytes pass: while a stream is saved (`saveAndCount`), or on its own (`countRecords`).
 * The count comes from the bytes (`record-scanner.ts`): no parse into strings, no promise per row.
 */
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvRecordCounter } from './record-scanner.js';

/** Sees a CSV stream's chunks in order and then says how many records it held (header excluded). */
export interface RecordTally {
  push(chunk: Buffer): void;
  end(): number;
}

/**
 * Writes a stream to `sink` while counting its CSV records, in one pass: the count is taken from the bytes
 * on their way to the sink (no parse into strings, no promise per row). `tally` replaces the plain counter,
 * e.g. `ResultMatcher.checker()`, which checks every row against the input as it counts.
 */
export async function saveAndCount(
  body: Readable,
  sink: NodeJS.WritableStream,
  tally: RecordTally = new CsvRecordCounter(),
): Promise<number> {
  // A Transform sees each chunk as it was written; reading the body as an async iterator instead joins the
  // chunks buffered meanwhile into one new buffer per read, a copy of the whole download when the sink lags.
  const counting = new Transform({
    transform(chunk: Buffer | string, _encoding, done) {
      try {
        tally.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
        done(null, chunk);
      } catch (err) {
        done(err as Error);
      }
    },
  });
  await pipeline(body, counting, sink);
  return tally.end();
}

/** Counts a CSV stream's records (header excluded) from its bytes. */
export async function countRecords(body: Readable): Promise<number> {
  const counter = new CsvRecordCounter();
  for await (const chunk of body as AsyncIterable<Buffer | string>) counter.push(chunk);
  return counter.end();
}
