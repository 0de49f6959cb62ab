/**
 * The S3 staging store against a real S3-compatible server (moto) on loopback: streaming writes
 * (single and multipart) that are complete when 'finish' fires, streaming reads, existence checks,
 * typed failures, and selection by BULKFLOW_STAGING_URL.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Readable, type Writable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { after, before, test } from 'node:test';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { S3StagingStore } from '../../storage/s3-staging.js';
import { stagingStoreFromEnv } from '../../storage/staging-from-env.js';
import { isRetryable, InputError } from '../../salesforce/index.js';
import { startS3Server, type S3TestServer } from '../helpers/s3-server.js';

let s3: S3TestServer;
let store: S3StagingStore;

before(async () => {
  s3 = await startS3Server();
  await s3.createBucket('staging');
  store = new S3StagingStore({ bucket: 'staging', prefix: 'bulkflow/', client: s3.client, partSize: 5 * 1024 * 1024 });
});

after(async () => {
  await s3?.stop();
});

async function endAndFinish(sink: Writable): Promise<void> {
  const finished = once(sink, 'finish');
  sink.end();
  await finished;
}

test('urlFor names the object under the prefix, without path tricks', () => {
  assert.equal(store.urlFor('wf%2F1/run/input/unit-0001.csv'), 's3://staging/bulkflow/wf%2F1/run/input/unit-0001.csv');
  assert.equal(store.urlFor('../a//./b.csv'), 's3://staging/bulkflow/a/b.csv');
});

test("a written object is in the bucket by the time 'finish' fires", async () => {
  const sink = store.openWrite('runs/1/input/unit-0001.csv');
  sink.write('Name\n');
  sink.write('Acme\n');
  let presentAtFinish: boolean | undefined;
  const checked = new Promise<void>((resolve, reject) => {
    sink.once('finish', () => {
      // Asked synchronously from the 'finish' handler: the object must already be complete.
      s3.client
        .send(new HeadObjectCommand({ Bucket: 'staging', Key: 'bulkflow/runs/1/input/unit-0001.csv' }))
        .then((head) => {
          presentAtFinish = head.ContentLength === 10;
          resolve();
        }, reject);
    });
  });
  sink.end();
  await checked;
  assert.equal(presentAtFinish, true);
  const url = store.urlFor('runs/1/input/unit-0001.csv');
  assert.equal(await store.exists(url), true);
  assert.equal(await text(store.openRead(url)), 'Name\nAcme\n');
});

test('a large object streams through a multipart upload and reads back byte for byte', async () => {
  const chunk = randomBytes(1024 * 1024);
  const chunks = 12; // 12 MiB: three 5 MiB parts
  const expected = createHash('sha256');
  for (let i = 0; i < chunks; i++) expected.update(chunk);
  const sink = store.openWrite('runs/1/results/big.csv');
  await pipeline(
    Readable.from(
      (function* () {
        for (let i = 0; i < chunks; i++) yield chunk;
      })(),
    ),
    sink,
  );
  const url = store.urlFor('runs/1/results/big.csv');
  const back = await buffer(store.openRead(url));
  assert.equal(back.length, chunks * chunk.length);
  assert.equal(createHash('sha256').update(back).digest('hex'), expected.digest('hex'));
});

test('exists is false for a missing object', async () => {
  assert.equal(await store.exists(store.urlFor('runs/none.csv')), false);
});

test('reading a missing object fails the stream with a typed, non-retryable error', async () => {
  const err = await text(store.openRead(store.urlFor('runs/none.csv'))).then(
    () => assert.fail('expected an error'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof InputError, String(err));
  assert.equal(isRetryable(err), false);
});

test('writing into a missing bucket fails the stream instead of finishing', async () => {
  const broken = new S3StagingStore({ bucket: 'no-such-bucket', client: s3.client });
  const sink = broken.openWrite('a.csv');
  const err = await endAndFinish(sink).then(
    () => assert.fail("expected 'error', not 'finish'"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof InputError, String(err));
  assert.equal(err.errorCode, 'NoSuchBucket');
});

test('BULKFLOW_STAGING_URL=s3://bucket/prefix selects the S3 store, configured from the same environment', async () => {
  const fromEnv = stagingStoreFromEnv({ ...s3.env, BULKFLOW_STAGING_URL: 's3://staging/from-env' });
  assert.ok(fromEnv instanceof S3StagingStore);
  assert.equal(fromEnv.urlFor('x/y.csv'), 's3://staging/from-env/x/y.csv');
  await endAndFinish(fromEnv.openWrite('x/y.csv').end('hello'));
  assert.equal(await s3.getText('staging', 'from-env/x/y.csv'), 'hello');
  fromEnv.client.destroy();
});

test('createIfAbsent is a conditional write in S3: of racing writers exactly one wins, and a claim is kept', async () => {
  const wins = await Promise.all(
    Array.from({ length: 8 }, (_, i) => store.createIfAbsent('ledger/id/attempt-0001.json', `{"writer":${i}}`)),
  );
  assert.equal(wins.filter(Boolean).length, 1);
  const body = await text(store.openRead(store.urlFor('ledger/id/attempt-0001.json')));
  assert.equal(body, `{"writer":${wins.indexOf(true)}}`);
  assert.equal(await store.createIfAbsent('ledger/id/attempt-0001.json', '{}'), false, 'a second try loses too');
});

test('list names the keys under a prefix relative to the store, not a neighbour with the same stem', async () => {
  for (let i = 0; i < 3; i++) await store.createIfAbsent(`list/run/results/j${i}/successfulResults.csv`, 'x');
  await store.createIfAbsent('list/runner/other.csv', 'x');
  assert.deepEqual(await store.list('list/run/'), [
    'list/run/results/j0/successfulResults.csv',
    'list/run/results/j1/successfulResults.csv',
    'list/run/results/j2/successfulResults.csv',
  ]);
  assert.deepEqual(await store.list('nothing/'), []);
});
