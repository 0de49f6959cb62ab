/**
 * Adopting Bulk 2.0 jobs bulkflow did not create: an ingest job made by unmodified jsforce and a query job made
 * through the raw API are followed by id with `startBulkAdopt` on `bulkflow worker` processes; each time the
 * worker is SIGKILLed while the job runs and another takes over. The saved results equal what the org holds,
 * and a job already followed is not adopted by a second workflow.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { Connection as JsforceConnection } from 'jsforce';
import { startBulkAdopt } from '../../client/starters.js';
import { DEV_CREDENTIALS } from '../../emulator/index.js';
import { progressQuery } from '../../workflows/contract.js';
import { contactRows } from '../helpers/data.js';
import { startEmulator } from '../helpers/emulator.js';
import { login } from '../helpers/emulator-http.js';
import { dataClient } from '../helpers/emulator-query.js';
import { eventually } from '../helpers/eventually.js';
import { orgRecords, readCsvFile } from '../helpers/org.js';
import { startWorkerProcess, workerEnv, type WorkerProcess } from '../helpers/processes.js';
import { startKillableServer, type KillableServer } from '../helpers/temporal.js';

let server: KillableServer;
let connection: Connection;
let client: Client;
let env: NodeJS.ProcessEnv;
let worker: WorkerProcess | undefined;
const dir = mkdtempSync(path.join(tmpdir(), 'bulkflow-adopt-'));
// Slow enough that each job runs for seconds: the worker dies while bulkflow polls it.
const emulator = await startEmulator({ after }, { recordsPerSecond: 400 });
const ROWS = 2_000;
const taskQueue = `adopt-${randomUUID()}`;

before(async () => {
  server = await startKillableServer();
  env = workerEnv({
    temporalAddress: server.current.address,
    taskQueue,
    emulatorUrl: emulator.url,
    stagingDir: path.join(dir, 'staging'),
  });
  worker = await startWorkerProcess(env);
  connection = await Connection.connect({ address: server.current.address });
  client = new Client({ connection });
});

after(async () => {
  await worker?.stop();
  await connection?.close();
  await server?.stop();
});

/** Kills the worker once the adopting workflow has seen the job process rows, and starts another. */
async function killWorkerWhileProcessing(workflowId: string): Promise<void> {
  await eventually(() => client.workflow.getHandle(workflowId).query(progressQuery), {
    until: (p) => p.state === 'Processing' && (p.jobs[0]?.recordsProcessed ?? 0) > 0,
    timeoutMs: 30_000,
    intervalMs: 100,
    what: `${workflowId} polling a job that has processed rows`,
  });
  await worker?.kill();
  worker = await startWorkerProcess(env);
}

test('a Bulk 2.0 ingest job made by jsforce is adopted, survives a killed worker, and its results are the org', async () => {
  const conn = new JsforceConnection({ loginUrl: emulator.url });
  await conn.login(DEV_CREDENTIALS.username, DEV_CREDENTIALS.password + DEV_CREDENTIALS.securityToken);
  const rows = contactRows(ROWS, 'adopted');
  const job = conn.bulk2.createJob({ object: 'Contact', operation: 'insert' });
  await job.open();
  await job.uploadData(rows);
  await job.close();
  const jobId = job.id;

  const handle = await startBulkAdopt(
    client,
    { jobId, pollPolicy: { initialMs: 200, ceilingMs: 1_000 } },
    { taskQueue },
  );
  assert.equal(handle.workflowId, `bulk-adopt-${jobId}`);
  await killWorkerWhileProcessing(handle.workflowId);
  const again = await startBulkAdopt(client, { jobId }, { taskQueue });
  assert.equal(again.firstExecutionRunId, handle.firstExecutionRunId, 'adopting again attaches to the same run');

  const result = await handle.result();
  assert.equal(result.state, 'Completed');
  assert.equal(result.kind, 'ingest');
  assert.equal(result.object, 'Contact');
  assert.deepEqual(result.records, { successful: ROWS, failed: 0, unprocessed: 0, total: ROWS });
  const saved = readCsvFile(result.results.successful?.url ?? '');
  const org = (await orgRecords(emulator.url, 'Contact')).filter((r) => String(r.LastName).startsWith('Last adopted-'));
  assert.equal(org.length, ROWS);
  assert.deepEqual(new Set(saved.map((r) => r.sf__Id)), new Set(org.map((r) => r.Id)), 'every saved id is in the org');
  const byId = new Map(org.map((r) => [r.Id, r]));
  for (const row of saved) assert.equal(row.Email, byId.get(row.sf__Id ?? '')?.Email);
});

test('a query job made through the raw API is adopted, survives a killed worker, and its records are the org', async () => {
  const data = dataClient(emulator.url, await login(emulator.url));
  const res = await data('/jobs/query', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ operation: 'query', query: 'SELECT Id, Email, LastName FROM Contact' }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const { id: jobId } = (await res.json()) as { id: string };

  const out = path.join(dir, 'adopted-query.csv');
  const handle = await startBulkAdopt(
    client,
    {
      jobId,
      destination: { url: pathToFileURL(out).href },
      pollPolicy: { initialMs: 200, ceilingMs: 1_000 },
    },
    { taskQueue },
  );
  await killWorkerWhileProcessing(handle.workflowId);
  const result = await handle.result();
  assert.equal(result.state, 'Completed');
  assert.equal(result.kind, 'query');
  const org = await orgRecords(emulator.url, 'Contact');
  assert.equal(result.records.total, org.length);
  const exported = readCsvFile(out);
  assert.equal(exported.length, org.length);
  const byId = new Map(org.map((r) => [r.Id, r]));
  for (const row of exported) {
    assert.equal(row.Email, byId.get(row.Id ?? '')?.Email, `row ${row.Id}`);
    assert.equal(row.LastName, byId.get(row.Id ?? '')?.LastName);
  }
  assert.equal(new Set(exported.map((r) => r.Id)).size, org.length, 'no record twice');
});

test('a job another bulkflow workflow follows is not adopted a second time', async () => {
  const data = dataClient(emulator.url, await login(emulator.url));
  const res = await data('/jobs/query', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ operation: 'query', query: 'SELECT Id FROM Contact' }),
  });
  const { id: jobId } = (await res.json()) as { id: string };
  const first = await startBulkAdopt(client, { jobId }, { workflowId: `follower-${jobId}`, taskQueue });
  // Visibility catches up within moments; until then the second start is not refused.
  await eventually(
    async () => (await client.workflow.count(`BulkflowJobIds = '${jobId}' AND ExecutionStatus = 'Running'`)).count,
    { until: (n) => n === 1, timeoutMs: 15_000, what: 'the follower to be visible' },
  );
  await assert.rejects(startBulkAdopt(client, { jobId }, { taskQueue }), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'BUSINESS_ID_IN_USE');
    assert.match(err.message, new RegExp(`follower-${jobId}`));
    return true;
  });
  assert.equal((await first.result()).state, 'Completed');
});
