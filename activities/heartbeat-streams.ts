/** Stream helpers shared by activities: heartbeating while bytes flow, and counting while saving. */
import { PassThrough, pipeline, Transform, type Readable } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import { Context } from '@temporalio/activity';
import { heartbeat } from './keep-alive.js';
import { CsvRecordCounter } from '../csv/record-scanner.js';

/** Heartbeat timeouts are seconds long; a call per chunk of a fast download is thousands a second. */
const HEARTBEAT_EVERY_MS = 200;

/**
 * Passes a stream through, heartbeating `details()` as bytes flow, so that a long upload or
 * download is not mistaken for a dead worker (the SDK throttles the heartbeats it actually sends).
 */
export function withHeartbeats(source: Readable, details: (bytesSoFar: number) => unknown): Readable {
  let bytes = 0;
  let last = -Infinity;
  const out = new PassThrough();
  source.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    // The SDK throttles what it sends, but each call still runs its pipeline: call a few times a second.
    const now = performance.now();
    if (now - last < HEARTBEAT_EVERY_MS) return;
    last = now;
    heartbeat(details(bytes));
  });
  // pipeline, not pipe: an error on either side, or a reader that stops early, destroys both.
  return stopOnCancel(pipeline(source, out, () => {}));
}

/**
 * Destroys `stream` when the running activity is cancelled (an abort in the workflow), as soon as a heartbeat
 * brings the news, so a cancelled step stops reading instead of finishing work nobody waits for.
 */
export function stopOnCancel<S extends Readable>(stream: S): S {
  const signal = Context.current().cancellationSignal;
  const stop = () => stream.destroy(signal.reason instanceof Error ? signal.reason : new Error('activity cancelled'));
  if (signal.aborted) queueMicrotask(stop);
  else {
    signal.addEventListener('abort', stop, { once: true });
    stream.once('close', () => signal.removeEventListener('abort', stop));
  }
  return stream;
}

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
  await pipelineAsync(body, counting, sink);
  return tally.end();
}

/** Counts a CSV stream's records (header excluded) from its bytes. */
export async function countRecords(body: Readable): Promise<number> {
  const counter = new CsvRecordCounter();
  for await (const chunk of body as AsyncIterable<Buffer | string>) counter.push(chunk);
  return counter.end();
}
