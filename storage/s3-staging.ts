/**
 * A staging store in an S3 bucket (or an S3-compatible server), for workers that share no volume.
 * Selected by `BULKFLOW_STAGING_URL=s3://bucket/prefix`; URLs it hands out are `s3://bucket/key`.
 */
import { Readable, type Writable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { parseS3Url, s3ClientFromEnv, s3Url } from './s3-client.js';
import {
  createS3WriteStream,
  getS3Object,
  listS3Keys,
  putS3ObjectIfAbsent,
  s3ObjectExists,
  type S3UploadOptions,
} from './s3-objects.js';
import type { StagingStore } from './staging-store.js';

/** Where an {@link S3StagingStore} stages: a bucket and a key prefix, and the client and part sizes it uses. */
export interface S3StagingStoreOptions extends S3UploadOptions {
  bucket: string;
  /** Key prefix every staged object goes under, without a trailing `/`. @default '' */
  prefix?: string;
  /** @default s3ClientFromEnv() */
  client?: S3Client;
}

/** A {@link StagingStore} in S3: streaming multipart writes, streaming reads. */
export class S3StagingStore implements StagingStore {
  readonly bucket: string;
  readonly prefix: string;
  readonly client: S3Client;
  private readonly uploadOptions: S3UploadOptions;

  constructor({ bucket, prefix = '', client, ...uploadOptions }: S3StagingStoreOptions) {
    this.bucket = bucket;
    this.prefix = prefix.split('/').filter(Boolean).join('/');
    this.client = client ?? s3ClientFromEnv();
    this.uploadOptions = uploadOptions;
  }

  /** A store for `s3://bucket/prefix`. */
  static fromUrl(url: string, client?: S3Client): S3StagingStore {
    const { bucket, key } = parseS3Url(url);
    return new S3StagingStore({ bucket, prefix: key, ...(client ? { client } : {}) });
  }

  urlFor(key: string): string {
    return s3Url(this.bucket, this.keyOf(key));
  }

  /** `'finish'` is emitted once S3 holds the whole object. */
  openWrite(key: string): Writable {
    return createS3WriteStream(this.client, { bucket: this.bucket, key: this.keyOf(key) }, this.uploadOptions);
  }

  /** The interface is synchronous: the `GetObject` is sent on the first read, and its errors arrive on the stream. */
  openRead(url: string): Readable {
    const location = parseS3Url(url);
    const client = this.client;
    async function* chunks() {
      yield* await getS3Object(client, location);
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  exists(url: string): Promise<boolean> {
    return s3ObjectExists(this.client, parseS3Url(url));
  }

  createIfAbsent(key: string, text: string): Promise<boolean> {
    return putS3ObjectIfAbsent(this.client, { bucket: this.bucket, key: this.keyOf(key) }, text);
  }

  async list(prefix: string): Promise<string[]> {
    const wanted = this.keyOf(prefix) + (prefix.endsWith('/') ? '/' : '');
    const keys = await listS3Keys(this.client, { bucket: this.bucket, key: wanted });
    const root = this.prefix ? `${this.prefix}/` : '';
    return keys.filter((k) => k.startsWith(root)).map((k) => k.slice(root.length));
  }

  private keyOf(key: string): string {
    const parts = key.split('/').filter((p) => p && p !== '.' && p !== '..');
    return [...(this.prefix ? [this.prefix] : []), ...parts].join('/');
  }
}
