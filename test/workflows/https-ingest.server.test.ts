/**
 * bulkIngestWorkflow end to end from an http(s) input served by a local node:http server on
 * loopback: a 503 is retried by the activity policy and the load then completes; a 404 fails fast.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startBulkIngest } from '../../client/starters.js';
import type { SalesforceEmulator } from '../../emulator/index.js';
import { formatCsvRow } from '../../csv/csv.js';
import { workflowFailure } from '../helpers/failures.js';
import { contactRows } from '../helpers/data.js';
import { emulatorStats, orgRecords, readCsvFile } from '../helpers/org.js';
import { startTestbed, type Testbed } from '../helpers/testbed.js';

let env: TestWorkflowEnvironment;
let emulator: SalesforceEmulator;
let bed: Testbed;
const taskQueue = `https-${randomUUID()}`;
const rows = contactRows(120, 'web');
const columns = ['FirstName', 'LastName', 'Email', 'Title', 'Description'] as const;
const csv = [formatCsvRow([...columns]), ...rows.map((r) => formatCsvRow(columns.map((c) => r[c])))].join('');
const requests: Array<{ path: string; status: number }> = [];
let throttleNext = 0;

// Serves /exports/contacts.csv in small chunks; answers 503 while `throttleNext` is above zero.
const server = createServer((req, res) => {
  const { pathname } = new URL(req.url ?? '/', 'http://x');
  const status = pathname !== '/exports/contacts.csv' ? 404 : throttleNext-- > 0 ? 503 : 200;
  requests.push({ path: pathname, status });
  if (status !== 200) return void res.writeHead(status).end();
  res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
  const body = Buffer.from(csv);
  for (let i = 0; i < body.length; i += 1024) res.write(body.subarray(i, i + 1024));
  res.end();
});
let base: string;

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  bed = await startTestbed({ taskQueue });
  ({ env, emulator } = bed);
});

after(async () => {
  await bed?.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

test('a 503 from the input server is retried, then every row is loaded', async () => {
  emulator.reset();
  requests.length = 0;
  throttleNext = 1;
  const handle = await startBulkIngest(
    env.client,
    { object: 'Contact', operation: 'insert', source: { url: `${base}/exports/contacts.csv?token=abc` } },
    { taskQueue, workflowId: `https-${randomUUID()}` },
  );
  const result = await handle.result();
  assert.equal(result.state, 'Completed');
  assert.deepEqual(result.records, { total: 120, successful: 120, failed: 0, unprocessed: 0 });
  assert.deepEqual(
    requests.map((r) => r.status),
    [503, 200],
  );

  const inOrg = await orgRecords(emulator.url, 'Contact');
  assert.equal(inOrg.length, 120);
  const byEmail = new Map(inOrg.map((r) => [r.Email, r]));
  for (const row of rows) {
    const record = byEmail.get(row.Email);
    assert.ok(record, `${row.Email} is missing from the org`);
    for (const column of columns) assert.equal(record[column], row[column], `${row.Email}.${column}`);
  }
  const successIds = result.results.successful.flatMap((ref) => readCsvFile(ref.url).map((r) => r.sf__Id));
  assert.deepEqual(new Set(successIds), new Set(inOrg.map((r) => r.Id)));
});

test('a 404 fails the workflow fast with a typed input error, without retries', async () => {
  emulator.reset();
  requests.length = 0;
  const handle = await startBulkIngest(
    env.client,
    { object: 'Contact', operation: 'insert', source: { url: `${base}/exports/gone.csv?X-Amz-Signature=s3cr3t` } },
    { taskQueue, workflowId: `https-404-${randomUUID()}` },
  );
  const cause = await workflowFailure(handle);
  assert.equal(cause.type, 'bulkflow.SF_INVALID_INPUT');
  assert.equal(cause.retryable, false);
  assert.match(cause.message, /answered 404/);
  assert.ok(!cause.message.includes('s3cr3t'), cause.message);
  assert.equal(requests.length, 1, 'a 404 is not retried');
  assert.equal((await emulatorStats(emulator.url)).jobs.length, 0);
});
