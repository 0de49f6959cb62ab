/**
 * Putting a local file where remote workers can read it: the command line uploads the file it was given into the
 * staging store (an S3 bucket the workers share) and starts the job with the uploaded copy's URL and checksum, so
 * an operator's laptop can feed workers that run anywhere.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StagingStore } from './staging-store.js';

/** An uploaded input: where it is, its size, and the SHA-256 of its bytes (hex). */
export interface UploadedInput {
  url: string;
  bytes: number;
  sha256: string;
}

/**
 * Uploads `file` to `uploads/<random id>/<file name>` in `store`, hashing it on the way (one read), and calls
 * `onProgress(bytesSoFar, totalBytes)` as it goes.
 */
export async function uploadInput(
  file: string,
  store: StagingStore,
  onProgress: (sent: number, total: number) => void = () => undefined,
): Promise<UploadedInput> {
  const total = (await stat(file)).size;
  const key = `uploads/${randomUUID()}/${path.basename(file)}`;
  const hash = createHash('sha256');
  let sent = 0;
  const counting = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      sent += chunk.length;
      onProgress(sent, total);
      done(null, chunk);
    },
  });
  await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), counting, store.openWrite(key));
  return { url: store.urlFor(key), bytes: sent, sha256: hash.digest('hex') };
}
