/**
 * Opening a job's input: by URL (`file://`, `s3://`, `https://`), or inline records turned into CSV.
 *
 * Errors are typed for the retry policy: a missing file, object or page (404) is bad input and
 * fails at once; 5xx answers and connection failures are retried. Messages carry URLs without
 * their query strings, where presigned URLs keep their signatures.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { isIP } from 'node:net';
import { Readable, Transform } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { S3Client } from '@aws-sdk/client-s3';
import { request, type Dispatcher } from 'undici';
import { formatCsvRow } from '../csv/csv.js';
import { defaultS3Client, parseS3Url, scrubUrls } from './s3-client.js';
import { getS3Object, mapStreamErrors } from './s3-objects.js';
import { ErrorCode, InputError, InputProblem, StorageError } from '../common/errors.js';

/** A cell of an inline record. */
export type InlineValue = string | number | boolean | null;

/** What `openSource` reaches the network with; tests inject their own. */
export interface SourceOptions {
  /** @default defaultS3Client() (from the environment, see `s3ClientFromEnv`) */
  s3?: S3Client;
  /** For `https://` inputs, e.g. an `Agent` trusting a private CA. @default undici's global dispatcher */
  dispatcher?: Dispatcher;
}

/** Opens the input at `url` as a byte stream; rejects with a typed error when it cannot be read. */
export async function openSource(url: string, options: SourceOptions = {}): Promise<Readable> {
  const scheme = url.split(':')[0]?.toLowerCase();
  switch (scheme) {
    case 'file':
      return openFile(url);
    case 's3':
      return getS3Object(options.s3 ?? defaultS3Client(), parseS3Url(url));
    case 'https':
    case 'http':
      return openHttp(url, options.dispatcher);
    default:
      throw new InputError(
        `Unsupported input URL scheme in ${scheme}:…; use file://, s3:// or https:// (http:// on loopback only)`,
      );
  }
}

async function openFile(url: string): Promise<Readable> {
  const file = fileURLToPath(url);
  try {
    await access(file);
  } catch {
    throw new InputError(`Input file not found: ${file}`, {
      problem: InputProblem.NotFound,
      location: { file },
    });
  }
  return createReadStream(file);
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/**
 * GET with a streamed body. Plain `http://` is refused except on loopback (tests, local tools):
 * an input fetched in clear text could be read or altered on the way. Redirects are not followed
 * (one could lead from https:// to http://): pass the final URL.
 */
async function openHttp(url: string, dispatcher?: Dispatcher): Promise<Readable> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(`Not a valid input URL: ${scrubUrls(url)}`);
  }
  const shown = scrubUrls(url);
  if (parsed.protocol === 'http:' && !isLoopback(parsed.hostname)) {
    throw new InputError(`Plain http:// inputs are allowed on loopback only; use https:// for ${shown}`);
  }
  let res: Dispatcher.ResponseData;
  try {
    res = await request(parsed, { method: 'GET', ...(dispatcher ? { dispatcher } : {}) });
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'unknown';
    throw new StorageError(
      ErrorCode.StorageNetwork,
      `Input download from ${shown} failed before the server answered (${code})`,
    );
  }
  const status = res.statusCode;
  if (status >= 200 && status < 300) {
    return mapStreamErrors(res.body, (err) => {
      const code = (err as { code?: string }).code ?? 'unknown';
      return new StorageError(ErrorCode.StorageNetwork, `Input download from ${shown} broke off (${code})`);
    });
  }
  res.body.resume(); // the error page is not needed; let the connection go back to the pool
  const message = `Input download from ${shown} answered ${status}`;
  if (status === 404 || status === 410) {
    throw new InputError(`${message}: no such input`, { statusCode: status, problem: InputProblem.NotFound });
  }
  if (status === 401 || status === 403) {
    throw new StorageError(ErrorCode.StorageAuth, `${message}: refused (an expired or wrong presigned URL?)`, {
      statusCode: status,
    });
  }
  // 5xx, 408 and 429 are retried by the HTTP error's table; other answers fail at once.
  throw new StorageError(ErrorCode.StorageHttp, message, { statusCode: status });
}

function cell(value: InlineValue | undefined): string {
  if (value === undefined) return ''; // absent: leave the field as it is
  if (value === null) return '#N/A'; // Salesforce's way to set a field to null
  return String(value);
}

/** Inline records as a CSV stream; columns are the union of keys, in order of first appearance. */
export function inlineRecordsAsCsv(records: ReadonlyArray<Record<string, InlineValue>>): Readable {
  if (records.length === 0) throw new InputError('Inline input has no records.');
  const columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
  function* lines() {
    yield formatCsvRow(columns);
    for (const record of records) yield formatCsvRow(columns.map((c) => cell(record[c])));
  }
  return Readable.from(lines());
}

/**
 * Passes `source` through, hashing its bytes; once it has ended, `verify()` refuses bytes other than the ones
 * `sha256` names (an input replaced or cut short since it was uploaded), naming the input.
 */
export function checkedAgainst(source: Readable, sha256: string, name: string): { input: Readable; verify(): void } {
  const hash = createHash('sha256');
  const input = source.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    }),
  );
  source.once('error', (err) => input.destroy(err));
  return {
    input,
    verify() {
      const actual = hash.digest('hex');
      if (actual !== sha256.toLowerCase()) {
        throw new InputError(
          `${name} is not the file that was uploaded: its SHA-256 is ${actual}, the input names ${sha256}. ` +
            'It was replaced or cut short since; upload it again.',
          { problem: InputProblem.InputChanged },
        );
      }
    },
  };
}
