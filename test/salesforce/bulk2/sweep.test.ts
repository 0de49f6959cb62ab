/**
 * The sweep of orphaned ingest jobs touches bulkflow's jobs only: those in the staging store's job index (written
 * by every create the moment Salesforce answers). It aborts bulkflow's Open Bulk 2.0 jobs and its v1 jobs left
 * Open without batches, and leaves every job of another user or tool alone, Open or not.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { DEV_CREDENTIALS, LIMITED_CREDENTIALS } from '../../../emulator/index.js';
import {
  Bulk1ContentType,
  createSalesforceClient,
  OAuthPasswordAuthenticator,
  sweepOrphanedIngestJobs,
  type SalesforceClient,
} from '../../../salesforce/index.js';
import { FileStagingStore } from '../../../storage/index.js';
import { recordedJobIndex, recordJob } from '../../../storage/run-ledger.js';
import { startEmulator } from '../../helpers/emulator.js';

const emulator = await startEmulator({ after });
const sf: SalesforceClient = createSalesforceClient({
  auth: new OAuthPasswordAuthenticator({ loginUrl: emulator.url, ...DEV_CREDENTIALS }),
});
/** Someone else in the same org. */
const other: SalesforceClient = createSalesforceClient({
  auth: new OAuthPasswordAuthenticator({ loginUrl: emulator.url, ...DEV_CREDENTIALS, ...LIMITED_CREDENTIALS }),
});

const run = { stagingPrefix: 'nightly-contacts/run-1', object: 'Contact', operation: 'insert' };
const later = () => Date.now() + 1000;

test("sweep aborts bulkflow's Open 2.0 jobs and v1 jobs without batches, and nobody else's", async () => {
  const store = new FileStagingStore(mkdtempSync(path.join(tmpdir(), 'bulkflow-sweep-')));
  const v2 = (client: SalesforceClient) => client.bulk2Ingest.createJob({ object: 'Contact', operation: 'insert' });
  const v1 = (client: SalesforceClient) =>
    client.bulk1.createJob({ object: 'Contact', operation: 'insert', contentType: Bulk1ContentType.CSV });

  // bulkflow's: recorded as its workers record every job they create.
  const orphan = await v2(sf);
  const loaded = await v2(sf);
  await sf.bulk2Ingest.upload(loaded.id, () => Readable.from(['LastName\nLovelace\n']));
  await sf.bulk2Ingest.closeJob(loaded.id);
  const v1Orphan = await v1(sf);
  const v1Fed = await v1(sf);
  await sf.bulk1.addBatch(v1Fed.id, () => Readable.from(['LastName\nHopper\n']));
  await recordJob(store, run, orphan.id, '2.0', sf.apiVersion);
  await recordJob(store, run, loaded.id, '2.0', sf.apiVersion);
  await recordJob(store, run, v1Orphan.id, '1.0', sf.apiVersion);
  await recordJob(store, run, v1Fed.id, '1.0', sf.apiVersion);
  // Not bulkflow's: another user's, and one of the same user made by another tool. All Open and empty.
  const theirs = await v2(other);
  const sameUserOtherTool = await v2(sf);
  const theirsV1 = await v1(other);

  const ownJobs = await recordedJobIndex(store);
  assert.deepEqual([...ownJobs.keys()].sort(), [orphan.id, loaded.id, v1Orphan.id, v1Fed.id].sort());
  assert.equal(ownJobs.get(v1Orphan.id)?.stagingPrefix, run.stagingPrefix);

  assert.deepEqual(await sweepOrphanedIngestJobs(sf, { olderThanMs: 3_600_000, ownJobs }), [], 'none an hour old');

  const dry = await sweepOrphanedIngestJobs(sf, { olderThanMs: 0, ownJobs, dryRun: true, now: later() });
  const expected = [
    [orphan.id, '2.0', false],
    [v1Orphan.id, '1.0', false],
  ].sort();
  assert.deepEqual(dry.map((j) => [j.id, j.api, j.aborted]).sort(), expected);
  assert.equal((await sf.bulk2Ingest.getJob(orphan.id)).state, 'Open', 'a dry run changes nothing');
  assert.equal((await sf.bulk1.getJob(v1Orphan.id)).state, 'Open');

  const swept = await sweepOrphanedIngestJobs(sf, { olderThanMs: 0, ownJobs, now: later() });
  assert.deepEqual(swept.map((j) => j.id).sort(), [orphan.id, v1Orphan.id].sort());
  assert.ok(swept.every((j) => j.aborted && j.object === 'Contact' && j.operation === 'insert'));
  assert.equal((await sf.bulk2Ingest.getJob(orphan.id)).state, 'Aborted');
  assert.equal((await sf.bulk1.getJob(v1Orphan.id)).state, 'Aborted');

  assert.notEqual((await sf.bulk2Ingest.getJob(loaded.id)).state, 'Aborted', 'a job with data is left alone');
  assert.equal((await sf.bulk1.getJob(v1Fed.id)).state, 'Open', 'a v1 job with a batch is left alone');
  assert.equal((await other.bulk2Ingest.getJob(theirs.id)).state, 'Open', "another user's job is left alone");
  assert.equal((await sf.bulk2Ingest.getJob(sameUserOtherTool.id)).state, 'Open', "another tool's job too");
  assert.equal((await other.bulk1.getJob(theirsV1.id)).state, 'Open', "and another user's v1 job");
});
