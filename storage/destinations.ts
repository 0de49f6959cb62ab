/**
 * Where a query's records go when the caller names a place: a `file://` path (its folder is made) or an `s3://`
 * object (written as it streams, complete once the sink finishes). The staging store is the default place and
 * needs nothing here.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { InputError } from '../common/errors.js';
import { defaultS3Client, parseS3Url } from './s3-client.js';
import { createS3WriteStream } from './s3-objects.js';

/** A sink for a destination URL; refuses a kind of URL it cannot write to, naming it. */
export function openDestination(url: string): Writable {
  if (url.startsWith('s3://')) return createS3WriteStream(defaultS3Client(), parseS3Url(url));
  if (!url.startsWith('file://')) {
    throw new InputError(`Query output must be a file:// or s3:// URL, got ${url.split(':')[0]}:…`);
  }
  const file = fileURLToPath(url);
  mkdirSync(path.dirname(file), { recursive: true });
  return createWriteStream(file);
}
