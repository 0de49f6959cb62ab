/**
 * `s3://` inputs against a real S3-compatible server (moto) on loopback: contents stream through,
 * and failures arrive typed for the retry policy (missing bucket or key: not retried; 5xx and
 * connection failures: retried), without credentials in their messages.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { text } from 'node:stream/consumers';
import { after, before, test } from 'node:test';
import type { ApplicationFailure } from '@temporalio/common';
import { toApplicationFailure } from '../../activities/failures.js';
import { s3ClientFromEnv, scrubUrls, toS3Error } from '../../storage/s3-client.js';
import { openSource } from '../../storage/input-sources.js';
import { ErrorCode, InputError, isRetryable, StorageError } from '../../common/errors.js';
import { freePort, startS3Server, type S3TestServer } from '../helpers/s3-server.js';

let s3: S3TestServer;
let failing: Server;
let failingUrl: string;

before(async () => {
  s3 = await startS3Server();
  await s3.createBucket('inputs');
  // An "S3" that answers every request with 503 SlowDown, as S3 does when throttling.
  failing = createServer((req, res) => {
    req.resume();
    res.writeHead(503, { 'content-type': 'application/xml' });
    res.end(
      '<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
    );
  });
  await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
  failingUrl = `http://127.0.0.1:${(failing.address() as { port: number }).port}`;
});

after(async () => {
  await s3?.stop();
  await new Promise((resolve) => failing?.close(resolve));
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => assert.fail('expected a rejection'),
    (err: unknown) => {
      assert.ok(err instanceof Error);
      return err;
    },
  );
}

function assertNoSecrets(err: Error) {
  for (const secret of [s3.env.AWS_SECRET_ACCESS_KEY, s3.env.AWS_ACCESS_KEY_ID]) {
    assert.ok(!err.message.includes(secret!), `the message shows a credential: ${err.message}`);
  }
}

test('an s3:// input streams the object as it is', async () => {
  const csv = 'FirstName,LastName\nAda,Lovelace\nGrace,Hopper\n';
  await s3.put('inputs', 'contacts/2026-11-23.csv', csv);
  const stream = await openSource('s3://inputs/contacts/2026-11-23.csv', { s3: s3.client });
  assert.equal(await text(stream), csv);
});

test('a missing key is bad input: SF_INVALID_INPUT, 404, not retried', async () => {
  const err = await rejection(openSource('s3://inputs/nope.csv', { s3: s3.client }));
  assert.ok(err instanceof InputError, `got ${err.name}: ${err.message}`);
  assert.equal(err.statusCode, 404);
  assert.equal(err.errorCode, 'NoSuchKey');
  assert.match(err.message, /s3:\/\/inputs\/nope\.csv/);
  assert.equal(isRetryable(err), false);
  const failure = toApplicationFailure(err) as ApplicationFailure;
  assert.equal(failure.type, 'bulkflow.SF_INVALID_INPUT');
  assert.equal(failure.nonRetryable, true);
  assertNoSecrets(err);
});

test('a missing bucket is bad input too', async () => {
  const err = await rejection(openSource('s3://no-such-bucket/contacts.csv', { s3: s3.client }));
  assert.ok(err instanceof InputError, `got ${err.name}: ${err.message}`);
  assert.equal(err.errorCode, 'NoSuchBucket');
  assert.equal(isRetryable(err), false);
});

test('a 503 from S3 is retried', async () => {
  const client = s3ClientFromEnv({ ...s3.env, BULKFLOW_S3_ENDPOINT: failingUrl });
  // The SDK retries 503 itself (3 attempts by default) before giving up; then the activity's policy takes over.
  const err = await rejection(openSource('s3://inputs/contacts.csv', { s3: client }));
  client.destroy();
  assert.ok(err instanceof StorageError && err.code === ErrorCode.StorageHttp, `got ${err.name}: ${err.message}`);
  assert.equal(err.statusCode, 503);
  assert.equal(isRetryable(err), true);
  const failure = toApplicationFailure(err) as ApplicationFailure;
  assert.equal(failure.nonRetryable, false);
  assertNoSecrets(err);
});

test('no server listening is a network error, retried', async () => {
  const client = s3ClientFromEnv({ ...s3.env, BULKFLOW_S3_ENDPOINT: `http://127.0.0.1:${await freePort()}` });
  const err = await rejection(openSource('s3://inputs/contacts.csv', { s3: client }));
  client.destroy();
  assert.ok(err instanceof StorageError && err.code === ErrorCode.StorageNetwork, `got ${err.name}: ${err.message}`);
  assert.equal(isRetryable(err), true);
  assertNoSecrets(err);
});

test('refused credentials are an auth error, not retried', () => {
  const sdkError = Object.assign(new Error('Access Denied'), {
    name: 'AccessDenied',
    $metadata: { httpStatusCode: 403 },
  });
  const err = toS3Error(sdkError, 'Reading', 's3://inputs/contacts.csv');
  assert.ok(err instanceof StorageError && err.code === ErrorCode.StorageAuth, `got ${err.name}`);
  assert.equal(isRetryable(err), false);
});

test('presigned signatures and user info never reach a message', () => {
  const shown = scrubUrls(
    'GET https://user:pw@bucket.s3.amazonaws.com/a.csv?X-Amz-Credential=AKIA123%2F&X-Amz-Signature=abcdef failed',
  );
  assert.equal(shown, 'GET https://bucket.s3.amazonaws.com/a.csv?… failed');
});

test('an s3:// URL without a bucket is bad input', async () => {
  const err = await rejection(openSource('s3:///key.csv', { s3: s3.client }));
  assert.ok(err instanceof InputError);
});
