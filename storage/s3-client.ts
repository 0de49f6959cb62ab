/**
 * S3 plumbing shared by `s3://` inputs and the S3 staging store: parsing `s3://bucket/key` URLs,
 * a client configured from the environment, and the mapping of SDK errors onto bulkflow's typed
 * errors (which decides what the activity retry policy retries).
 *
 * Error messages name the `s3://` URL and the S3 error code, never credentials: the SDK's own
 * messages are not copied into ours when they could carry a signed URL.
 */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { ErrorCode, InputError, InputProblem, StorageError, type BulkflowError } from '../common/errors.js';

/**
 * `text` with every http(s) URL cut to its origin and path: query strings (where presigned URLs
 * carry `X-Amz-Signature` and `X-Amz-Credential`) and user info never reach a message or a log.
 */
export function scrubUrls(text: string): string {
  return text.replace(/\bhttps?:\/\/[^\s"'<>]+/gi, (url) => {
    try {
      const u = new URL(url);
      return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?…' : ''}`;
    } catch {
      return '[URL]';
    }
  });
}

/** A bucket and an object key (or key prefix), parsed from `s3://bucket/key`. */
export interface S3Location {
  bucket: string;
  key: string;
}

/** Parses `s3://bucket/key` (the key not URL-decoded); the key may be empty (a bucket root or a prefix). */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([^/?#]+)\/?(.*)$/.exec(url);
  if (!match?.[1]) throw new InputError(`Not an s3://bucket/key URL: ${scrubUrls(url)}`);
  // Taken literally, as the AWS CLI does: staging keys contain `%` from encoded workflow ids.
  return { bucket: match[1], key: match[2] ?? '' };
}

/** The `s3://` URL of an object. */
export function s3Url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/**
 * An S3 client configured from the environment.
 *
 * - `BULKFLOW_S3_ENDPOINT`: an S3-compatible server (MinIO, Ceph, a test server). Without it the
 *   SDK's own `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`, then AWS itself.
 * - `BULKFLOW_S3_FORCE_PATH_STYLE`: `true`/`false`; path-style addressing (`host/bucket/key`).
 *   Defaults to `true` when `BULKFLOW_S3_ENDPOINT` is set (what most S3-compatible servers need).
 * - `AWS_REGION` / `AWS_DEFAULT_REGION`; `us-east-1` when neither is set and a custom endpoint is.
 * - `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`; without them the SDK's
 *   default chain (`AWS_PROFILE`, SSO, web identity, container and instance roles).
 */
export function s3ClientFromEnv(env: NodeJS.ProcessEnv = process.env): S3Client {
  const endpoint = env.BULKFLOW_S3_ENDPOINT || undefined;
  const pathStyle = env.BULKFLOW_S3_FORCE_PATH_STYLE;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || (endpoint ? 'us-east-1' : undefined);
  const config: S3ClientConfig = {
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
    forcePathStyle: pathStyle === undefined || pathStyle === '' ? Boolean(endpoint) : pathStyle === 'true',
    // Only the mandatory checksums: S3-compatible servers often reject the newer optional ones.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    config.credentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
  }
  return new S3Client(config);
}

let sharedClient: S3Client | undefined;
/** One client per process for `s3://` inputs, built from `process.env` on first use. */
export function defaultS3Client(): S3Client {
  sharedClient ??= s3ClientFromEnv();
  return sharedClient;
}

const NOT_FOUND = new Set(['NoSuchKey', 'NoSuchBucket', 'NotFound', 'NoSuchUpload']);
const DENIED = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'CredentialsProviderError',
]);
const RETRYABLE_CODES = new Set(['SlowDown', 'ServiceUnavailable', 'InternalError', 'RequestTimeout', 'TimeoutError']);

interface SdkErrorShape {
  name?: string;
  Code?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Maps an error from the S3 SDK (or from streaming an object's body) onto bulkflow's errors: a missing bucket or
 * key is bad input (`SF_INVALID_INPUT`, not retried); refused credentials are `STORAGE_AUTH` (not retried); other
 * answers are `STORAGE_HTTP` (5xx, 429 and 408 retried); no answer is `STORAGE_NETWORK` (retried).
 */
export function toS3Error(err: unknown, action: string, url: string): BulkflowError {
  const e = (err ?? {}) as SdkErrorShape;
  const code = e.Code ?? e.name ?? e.code ?? 'unknown';
  const status = e.$metadata?.httpStatusCode;
  const what = `${action} ${scrubUrls(url)}`;
  if (NOT_FOUND.has(code) || status === 404) {
    return new InputError(`${what}: not found (${code})`, {
      statusCode: 404,
      errorCode: code,
      problem: InputProblem.NotFound,
    });
  }
  if (DENIED.has(code) || status === 401 || status === 403) {
    return new StorageError(
      ErrorCode.StorageAuth,
      `${what}: refused (${code}); check the S3 credentials and permissions`,
      {
        ...(status ? { statusCode: status } : {}),
        errorCode: code,
      },
    );
  }
  if (status !== undefined && status >= 400) {
    // The retry table retries 5xx, 408 and 429; a 503 SlowDown lands there too.
    return new StorageError(ErrorCode.StorageHttp, `${what}: S3 answered ${status} (${code})`, {
      statusCode: status,
      errorCode: code,
    });
  }
  if (RETRYABLE_CODES.has(code))
    return new StorageError(ErrorCode.StorageNetwork, `${what}: ${code}`, { errorCode: code });
  // No HTTP status: the request never got an answer (refused, reset, DNS, timeout).
  const detail = err instanceof Error ? scrubUrls(err.message) : String(err);
  return new StorageError(ErrorCode.StorageNetwork, `${what} failed before S3 answered (${code}): ${detail}`, {
    errorCode: code,
  });
}
