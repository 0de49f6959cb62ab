/** Stream helpers shared by activities: heartbeating while bytes flow, and counting while saving. */
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { heartbeat } from '@temporalio/activity';
import { countCsvRecords } from '../salesforce/index.js';

/**
 * Passes a stream through, heartbeating `details()` as bytes flow, so that a long upload or
 * download is not mistaken for a dead worker (the SDK throttles the heartbeats it actually sends).
 */
export function withHeartbeats(source: Readable, details: (bytesSoFar: number) => unknown): Readable {
  let bytes = 0;
  const out = new PassThrough();
  source.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    heartbeat(details(bytes));
  });
  source.on('error', (err) => out.destroy(err));
  source.pipe(out);
  return out;
}

/** Writes a stream to `sink` while counting its CSV records, in one pass. */
export async function saveAndCount(body: Readable, sink: NodeJS.WritableStream): Promise<number> {
  const copy = new PassThrough();
  body.pipe(copy);
  const [, rows] = await Promise.all([pipeline(body, sink), countCsvRecords(copy)]);
  return rows;
}
