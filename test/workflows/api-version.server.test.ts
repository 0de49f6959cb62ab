/**
 * A job keeps the API version it was created with: workers configured with SF_API_VERSION=60.0 create a query job,
 * a Bulk 2.0 ingest job and a v1 ingest job, the worker is replaced by one configured with 62.0 while all three
 * run, and the new worker finishes them at 60.0. Salesforce answers a query's results at any other version with
 * 409, so without the version in the job's state the query would fail; for ingest, the emulator's request
 * counters show that no call on any of the jobs was made at 62.0.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startBulkIngest, startBulkQuery } from '../../client/starters.js';
import { createSalesforceEmulator, DEV_CREDENTIALS, type SalesforceEmulator } from '../../emulator/index.js';
import { createSalesforceClient, salesforceOptionsFromEnv } from '../../salesforce/index.js';
import { FileStagingStore } from '../../storage/index.js';
import { createBulkflowWorker } from '../../worker/create-worker.js';
import { progressQuery } from '../../workflows/contract.js';
import { contactRows, writeCsv } from '../helpers/data.js';
import { eventually } from '../helpers/eventually.js';
import { insertRows } from '../helpers/org-seed.js';
import { readCsvFile } from '../helpers/org.js';
import { createLocalEnv, workflowBundle } from '../helpers/temporal.js';

let env: TestWorkflowEnvironment;
let emulator: SalesforceEmulator;
const taskQueue = `api-version-${randomUUID()}`;
const dir = mkdtempSync(path.join(tmpdir(), 'bulkflow-api-version-'));
const SEEDED = 600;
const LOADED = 400;
const LOADED_V1 = 800;
const FAST_POLL = { initialMs: 100, ceilingMs: 300 };

before(async () => {
  env = await createLocalEnv();
  // Slow enough that both jobs are still running when the worker is replaced.
  emulator = await createSalesforceEmulator({ recordsPerSecond: 100 });
  insertRows(
    emulator.org,
    'Contact',
    ['LastName', 'Email'],
    Array.from({ length: SEEDED }, (_, i) => [`Seeded ${i}`, `seeded${i}@example.com`]),
  );
});

after(async () => {
  await emulator?.close();
  await env?.teardown();
});

/** A worker configured the way `bulkflow worker` is: from the environment, SF_API_VERSION included. */
async function workerAt(apiVersion: string) {
  const options = salesforceOptionsFromEnv({
    SF_LOGIN_URL: emulator.url,
    SF_CLIENT_ID: DEV_CREDENTIALS.clientId,
    SF_CLIENT_SECRET: DEV_CREDENTIALS.clientSecret,
    SF_USERNAME: DEV_CREDENTIALS.username,
    SF_PASSWORD: DEV_CREDENTIALS.password,
    SF_SECURITY_TOKEN: DEV_CREDENTIALS.securityToken,
    SF_API_VERSION: apiVersion,
  });
  return createBulkflowWorker({
    connection: env.nativeConnection,
    salesforce: createSalesforceClient(options),
    taskQueue,
    staging: new FileStagingStore(path.join(dir, 'staging')),
    workflowBundle: await workflowBundle(),
  });
}

test('a query, a 2.0 ingest and a v1 ingest created at 60.0 finish at 60.0 after a restart configured with 62.0', async () => {
  const file = path.join(dir, 'load.csv');
  writeCsv(file, contactRows(LOADED, 'ver') as unknown as Record<string, string>[]);
  const out = path.join(dir, 'query.csv');
  const fileV1 = path.join(dir, 'load-v1.csv');
  writeCsv(fileV1, contactRows(LOADED_V1, 'ver1') as unknown as Record<string, string>[]);

  const query = await startBulkQuery(
    env.client,
    { soql: 'SELECT Id, Email FROM Contact', destination: { url: pathToFileURL(out).href }, pollPolicy: FAST_POLL },
    { taskQueue, workflowId: `version-query-${randomUUID()}` },
  );
  const ingest = await startBulkIngest(
    env.client,
    { object: 'Contact', operation: 'insert', source: { url: pathToFileURL(file).href }, pollPolicy: FAST_POLL },
    { taskQueue, workflowId: `version-ingest-${randomUUID()}` },
  );
  const ingestV1 = await startBulkIngest(
    env.client,
    {
      object: 'Contact',
      operation: 'insert',
      api: '1.0',
      source: { url: pathToFileURL(fileV1).href },
      pollPolicy: FAST_POLL,
    },
    { taskQueue, workflowId: `version-ingest-v1-${randomUUID()}` },
  );

  const before = await workerAt('60.0');
  await before.runUntil(
    eventually(
      async () => {
        const [q, i, v1] = await Promise.all([query, ingest, ingestV1].map((h) => h.query(progressQuery)));
        return q?.jobs[0]?.state === 'InProgress' && i?.jobs[0]?.state === 'InProgress' && v1?.state === 'Processing';
      },
      { timeoutMs: 60_000, intervalMs: 100, what: 'the three Salesforce jobs to be processing' },
    ),
  );

  // From here every call is counted by the version in its path (a latency fault of 0 ms only counts).
  emulator.faults.set([
    { type: 'latency', ms: 0, path: '/services/data/v62.0/jobs/' },
    { type: 'latency', ms: 0, path: '/services/data/v60.0/jobs/' },
    { type: 'latency', ms: 0, path: '/services/async/62.0/job/' },
    { type: 'latency', ms: 0, path: '/services/async/60.0/job/' },
  ]);
  const afterRestart = await workerAt('62.0');
  const [queried, loaded, loadedV1] = await afterRestart.runUntil(
    Promise.all([query.result(), ingest.result(), ingestV1.result()]),
  );
  const [at62, at60, v1At62, v1At60] = emulator.faults.report();

  assert.equal(queried.state, 'Completed', queried.failureMessage);
  assert.equal(queried.records.total, SEEDED);
  assert.equal(readCsvFile(out).length, SEEDED);
  assert.equal(queried.jobs[0]?.apiVersion, '60.0', 'the query job keeps the version it was created with');

  assert.equal(loaded.state, 'Completed', loaded.failureMessage);
  assert.deepEqual(loaded.records, { total: LOADED, successful: LOADED, failed: 0, unprocessed: 0 });
  assert.equal(loaded.jobs[0]?.apiVersion, '60.0', 'the ingest job keeps the version it was created with');

  assert.equal(loadedV1.state, 'Completed', loadedV1.failureMessage);
  assert.deepEqual(loadedV1.records, { total: LOADED_V1, successful: LOADED_V1, failed: 0, unprocessed: 0 });
  assert.equal(loadedV1.jobs[0]?.apiVersion, '60.0', 'the v1 job keeps the version it was created with');

  assert.equal(at62?.seen, 0, 'no call on a 2.0 job was made at the restarted worker’s 62.0');
  assert.ok((at60?.seen ?? 0) > 0, 'the restarted worker called at 60.0');
  assert.equal(v1At62?.seen, 0, 'no call on the v1 job was made at 62.0');
  assert.ok((v1At60?.seen ?? 0) > 0, 'the restarted worker called the v1 job at 60.0');
  emulator.faults.clear();
});
