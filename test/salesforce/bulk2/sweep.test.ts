import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { DEV_CREDENTIALS } from '../../../emulator/index.js';
import {
  createSalesforceClient,
  OAuthPasswordAuthenticator,
  sweepOrphanedIngestJobs,
  type SalesforceClient,
} from '../../../salesforce/index.js';
import { startEmulator } from '../../helpers/emulator.js';

const emulator = await startEmulator({ after });
const sf: SalesforceClient = createSalesforceClient({
  auth: new OAuthPasswordAuthenticator({ loginUrl: emulator.url, ...DEV_CREDENTIALS }),
});

test('sweep aborts only Open jobs older than the threshold; dry runs change nothing', async () => {
  const orphan = await sf.bulk2Ingest.createJob({ object: 'Contact', operation: 'insert' });
  const loaded = await sf.bulk2Ingest.createJob({ object: 'Contact', operation: 'insert' });
  await sf.bulk2Ingest.upload(loaded.id, () => Readable.from(['LastName\nLovelace\n']));
  await sf.bulk2Ingest.closeJob(loaded.id);

  assert.deepEqual(await sweepOrphanedIngestJobs(sf, { olderThanMs: 3_600_000 }), [], 'nothing is an hour old');

  const dry = await sweepOrphanedIngestJobs(sf, { olderThanMs: 0, dryRun: true, now: Date.now() + 1000 });
  assert.deepEqual(
    dry.map((j) => [j.id, j.aborted]),
    [[orphan.id, false]],
  );
  assert.equal((await sf.bulk2Ingest.getJob(orphan.id)).state, 'Open');

  const swept = await sweepOrphanedIngestJobs(sf, { olderThanMs: 0, now: Date.now() + 1000 });
  assert.deepEqual(
    swept.map((j) => j.id),
    [orphan.id],
  );
  assert.equal((await sf.bulk2Ingest.getJob(orphan.id)).state, 'Aborted');
  assert.notEqual((await sf.bulk2Ingest.getJob(loaded.id)).state, 'Aborted', 'a job with data is left alone');
});
