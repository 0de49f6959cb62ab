/**
 * An incremental export cycle written to S3 (moto on loopback), as `--to s3://bucket/prefix` does: the cycle's
 * objects under its partitioned prefix, the manifest last, and a retry writing the same keys again.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { cycleFolder } from '../../common/sync-window.js';
import { writeSyncCycle } from '../../storage/sync-files.js';
import { startS3Server, type S3TestServer } from '../helpers/s3-server.js';

let s3: S3TestServer;

before(async () => {
  s3 = await startS3Server();
  Object.assign(process.env, s3.env); // destinations use the S3 client from the environment
  await s3.createBucket('exports');
});

after(async () => {
  await s3?.stop();
});

const CSV =
  'Id,SystemModstamp,IsDeleted,LastName\n' +
  '003000000000001AAA,2026-12-07T22:35:19.000Z,false,Doe\n' +
  '003000000000002AAA,2026-12-07T22:35:19.000Z,true,Gone\n' +
  '003000000000003AAA,2026-12-07T22:35:20.000Z,false,Roe\n';

test('a cycle lands under its partitioned prefix, and a retry writes the same keys', async () => {
  const folder = cycleFolder('s3://exports/crm', 'Contact', 7, Date.parse('2026-12-07T22:40:00Z'));
  const cycle = { folder, maxRowsPerFile: 1, cutoffMs: Date.parse('2026-12-07T22:40:00Z'), manifest: { cycle: 7 } };
  const written = await writeSyncCycle(Readable.from([CSV]), cycle);
  assert.deepEqual(written.counts, { changed: 2, deleted: 1, deferred: 0 });
  const prefix = 'crm/object=Contact/date=2026-12-07/cycle=000007/';
  const expected = ['_manifest.json', 'changes-0001.csv', 'changes-0002.csv', 'deletes-0001.csv'].map(
    (k) => prefix + k,
  );
  assert.deepEqual((await s3.keys('exports', 'crm/')).sort(), expected);
  assert.equal(
    await s3.getText('exports', `${prefix}changes-0002.csv`),
    'Id,SystemModstamp,IsDeleted,LastName\n003000000000003AAA,2026-12-07T22:35:20.000Z,false,Roe\n',
  );
  const manifest = JSON.parse(await s3.getText('exports', `${prefix}_manifest.json`)) as { files: unknown[] };
  assert.equal(manifest.files.length, 3);

  await writeSyncCycle(Readable.from([CSV]), cycle);
  assert.deepEqual((await s3.keys('exports', 'crm/')).sort(), expected);
});
