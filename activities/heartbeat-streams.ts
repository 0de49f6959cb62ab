/** Stream helpers of activities: heartbeating while bytes flow, and stopping when the activity is cancelled. */
import { PassThrough, pipeline, type Readable } from 'node:stream';
import { Context } from '@temporalio/activity';
import { heartbeat } from './keep-alive.js';

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
