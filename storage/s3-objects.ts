/**
 * Streaming S3 objects in and out: `GetObject` bodies as Readables and `Upload` (multipart for
 * large bodies) behind a Writable whose `'finish'` means the object is in the bucket.
 */
import { PassThrough, Readable, Writable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { toS3Error, s3Url, type S3Location } from './s3-client.js';

/** Opens an object for reading; a missing bucket or key rejects with a non-retryable input error. */
export async function getS3Object(client: S3Client, { bucket, key }: S3Location): Promise<Readable> {
  const url = s3Url(bucket, key);
  let body: unknown;
  try {
    ({ Body: body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key })));
  } catch (err) {
    throw toS3Error(err, 'Reading', url);
  }
  if (!(body instanceof Readable)) throw toS3Error(new Error('the response has no body stream'), 'Reading', url);
  return mapStreamErrors(body, (err) => toS3Error(err, 'Reading', url));
}

/** Whether an object exists (`HeadObject`); errors other than "not found" are thrown, typed. */
export async function s3ObjectExists(client: S3Client, { bucket, key }: S3Location): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const name = (err as { name?: string }).name;
    if (status === 404 || name === 'NotFound' || name === 'NoSuchKey') return false;
    throw toS3Error(err, 'Checking', s3Url(bucket, key));
  }
}

/**
 * Puts a small object unless the key exists (`If-None-Match: *`, S3's conditional write): S3 answers 412 to the
 * loser of a race, and 409 when another conditional write to the key is in flight; both mean "not ours".
 */
export async function putS3ObjectIfAbsent(
  client: S3Client,
  { bucket, key }: S3Location,
  text: string,
): Promise<boolean> {
  try {
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: text, IfNoneMatch: '*', ContentType: 'application/json' }),
    );
    return true;
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 412 || status === 409) return false;
    throw toS3Error(err, 'Writing', s3Url(bucket, key));
  }
}

/** The keys under `prefix` (every page of `ListObjectsV2`). */
export async function listS3Keys(client: S3Client, { bucket, key: prefix }: S3Location): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    let page;
    try {
      page = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }),
      );
    } catch (err) {
      throw toS3Error(err, 'Listing', s3Url(bucket, prefix));
    }
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/** How uploads are cut into parts. */
export interface S3UploadOptions {
  /** Part size in bytes (S3's minimum is 5 MiB). @default 8 MiB */
  partSize?: number;
  /** Parts uploaded at once. @default 4 */
  queueSize?: number;
}

/**
 * A Writable that streams into a new object. Its `'finish'` is emitted only after S3 has
 * confirmed the whole object (the `final` hook awaits the upload), so a caller that waits for
 * `'finish'` never hands on a half-written object. A failed upload destroys the stream with a
 * typed error; destroying the stream aborts the upload (no orphaned multipart parts).
 */
export function createS3WriteStream(
  client: S3Client,
  { bucket, key }: S3Location,
  { partSize = 8 * 1024 * 1024, queueSize = 4 }: S3UploadOptions = {},
): Writable {
  const url = s3Url(bucket, key);
  let resume: (() => void) | undefined;
  const body = new Readable({ read: () => resume?.() });
  const upload = new Upload({
    client,
    params: { Bucket: bucket, Key: key, Body: body, ContentType: 'text/csv; charset=utf-8' },
    partSize,
    queueSize,
    leavePartsOnError: false,
  });
  let settled = false;
  const done = upload.done().then(
    () => {
      settled = true;
    },
    (err: unknown) => {
      settled = true;
      throw toS3Error(err, 'Writing', url);
    },
  );

  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      // Backpressure: wait until the upload asks for more before taking the next chunk.
      if (body.push(chunk)) return callback();
      resume = () => {
        resume = undefined;
        callback();
      };
    },
    final(callback) {
      body.push(null);
      done.then(() => callback(), callback);
    },
    destroy(err, callback) {
      if (!settled) {
        body.destroy();
        upload.abort().catch(() => undefined);
      }
      callback(err);
    },
  });
  // An upload that fails before the writer ends (no such bucket, refused) fails the stream now.
  done.catch((err: Error) => {
    if (!out.destroyed) out.destroy(err);
  });
  return out;
}

/** Re-emits errors of `source` as `map(err)`, so that mid-stream failures arrive typed. */
export function mapStreamErrors(source: Readable, map: (err: unknown) => Error): Readable {
  const out = new PassThrough();
  source.on('error', (err) => out.destroy(map(err)));
  out.on('close', () => {
    if (!source.destroyed) source.destroy();
  });
  return source.pipe(out);
}
