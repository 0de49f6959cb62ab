/**
 * `atVersion`: the same client (one session) at another API version, for calls on a job created at that version.
 * A Bulk 2.0 query's results answer 409 at any other version than the job's, so the version matters.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { DEV_CREDENTIALS } from '../../emulator/index.js';
import {
  createSalesforceClient,
  isSalesforceError,
  OAuthPasswordAuthenticator,
  type SalesforceClient,
} from '../../salesforce/index.js';
import { startEmulator } from '../helpers/emulator.js';
import { eventually } from '../helpers/eventually.js';

const emulator = await startEmulator({ after });
const sf: SalesforceClient = createSalesforceClient({
  apiVersion: '62.0',
  auth: new OAuthPasswordAuthenticator({ loginUrl: emulator.url, ...DEV_CREDENTIALS }),
});

test('atVersion speaks the version a job was created at, on the same session', async () => {
  const at60 = sf.atVersion('60.0');
  assert.equal(at60.apiVersion, '60.0');
  assert.equal(sf.atVersion('60.0'), at60, 'made once and kept');
  assert.equal(sf.atVersion('62.0'), sf, 'its own version is the client itself');
  assert.equal(at60.http, sf.http, 'one HTTP layer and session');
  assert.throws(() => sf.atVersion('sixty'), /apiVersion must look like "62.0"/);

  const job = await at60.bulk2Query.createJob({ query: 'SELECT Id FROM Contact', operation: 'query' });
  await eventually(async () => (await sf.bulk2Query.getJob(job.id)).state === 'JobComplete', {
    timeoutMs: 10_000,
    what: 'the query job to complete',
  });
  const refused = await sf.bulk2Query.openPage(job.id, {}).then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.ok(isSalesforceError(refused) && refused.statusCode === 409, 'results at another version answer 409');
  const page = await at60.bulk2Query.openPage(job.id, {});
  page.body.resume();
  assert.equal(page.numberOfRecords, 0, 'results at the job’s version are served');
});
