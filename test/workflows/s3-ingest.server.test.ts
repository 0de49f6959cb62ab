/**
 * bulkIngestWorkflow end to end from an `s3://` input with S3 staging, on a real local Temporal
 * server, an in-process worker, the emulator, and a real S3-compatible server (moto) on loopback.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import Papa from 'papaparse';
import { S3StagingStore } from '../../storage/s3-staging.js';
import { startBulkIngest } from '../../client/starters.js';
import type { SalesforceEmulator } from '../../emulator/index.js';
import { formatCsvRow } from '../../csv/csv.js';
import type { ResultFileRef } from '../../activities/types.js';
import { workflowFailure } from '../helpers/failures.js';
import { contactRows } from '../helpers/data.js';
import { emulatorStats, orgRecords } from '../helpers/org.js';
import { startTestbed, type Testbed } from '../helpers/testbed.js';
import { startS3Server, type S3TestServer } from '../helpers/s3-server.js';

let env: TestWorkflowEnvironment;
let emulator: SalesforceEmulator;
let s3: S3TestServer;
let bed: Testbed;
const taskQueue = `s3-${randomUUID()}`;

before(async () => {
  s3 = await startS3Server();
  // The worker reads s3:// inputs with a client from the environment, as a deployed worker would.
  Object.assign(process.env, s3.env);
  await s3.createBucket('inputs');
  await s3.createBucket('staging');
  bed = await startTestbed({
    taskQueue,
    worker: {
      staging: new S3StagingStore({ bucket: 'staging', prefix: 'bulkflow', client: s3.client }),
      // Small units, so that one input becomes several staged objects and Salesforce jobs.
      uploadLimits: { maxRows: 100, maxBytes: 1024 * 1024 },
    },
  });
  ({ env, emulator } = bed);
});

after(async () => {
  await bed?.close();
  await s3?.stop();
});

async function readResults(refs: ResultFileRef[]): Promise<Record<string, string>[]> {
  const rows: Record<string, string>[] = [];
  for (const ref of refs) {
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(ref.url);
    assert.ok(match, `result file ${ref.url} is not in S3`);
    const parsed = Papa.parse<Record<string, string>>(await s3.getText(match[1]!, match[2]!), {
      header: true,
      skipEmptyLines: true,
    });
    assert.equal(parsed.data.length, ref.rows);
    rows.push(...parsed.data);
  }
  return rows;
}

test('a CSV in S3 is loaded into the org row by row; staged units and results land in S3', async () => {
  emulator.reset();
  const rows = contactRows(250, 's3');
  const columns = ['FirstName', 'LastName', 'Email', 'Title', 'Description'] as const;
  const csv = [formatCsvRow([...columns]), ...rows.map((r) => formatCsvRow(columns.map((c) => r[c])))].join('');
  await s3.put('inputs', 'exports/contacts 2026-11-23.csv', csv);

  const workflowId = `s3-${randomUUID()}`;
  const handle = await startBulkIngest(
    env.client,
    { object: 'Contact', operation: 'insert', source: { url: 's3://inputs/exports/contacts 2026-11-23.csv' } },
    { taskQueue, workflowId },
  );
  const result = await handle.result();

  assert.equal(result.state, 'Completed');
  assert.deepEqual(result.records, { total: 250, successful: 250, failed: 0, unprocessed: 0 });
  assert.equal(result.jobs.length, 3);

  // Every input row is in the org, field by field.
  const inOrg = await orgRecords(emulator.url, 'Contact');
  assert.equal(inOrg.length, 250);
  const byEmail = new Map(inOrg.map((r) => [r.Email, r]));
  for (const row of rows) {
    const record = byEmail.get(row.Email);
    assert.ok(record, `${row.Email} is missing from the org`);
    for (const column of columns) assert.equal(record[column], row[column], `${row.Email}.${column}`);
  }

  // The result files are S3 objects that name every created record.
  const successful = await readResults(result.results.successful);
  assert.equal(successful.length, 250);
  assert.deepEqual(new Set(successful.map((r) => r.sf__Id)), new Set(inOrg.map((r) => r.Id)));
  assert.equal((await readResults(result.results.failed)).length, 0);

  // The staged upload units are there too, under the workflow's prefix.
  const staged = await s3.keys('staging', `bulkflow/${encodeURIComponent(workflowId)}/`);
  assert.equal(staged.filter((k) => /\/input\/unit-\d{4}\.csv$/.test(k)).length, 3);
  assert.equal(staged.filter((k) => /\/results\/.+\/successfulResults\.csv$/.test(k)).length, 3);
});

test('a missing S3 object fails the workflow fast with a typed input error, before any job exists', async () => {
  emulator.reset();
  const handle = await startBulkIngest(
    env.client,
    { object: 'Contact', operation: 'insert', source: { url: 's3://inputs/exports/missing.csv' } },
    { taskQueue, workflowId: `s3-missing-${randomUUID()}` },
  );
  const cause = await workflowFailure(handle);
  assert.equal(cause.type, 'bulkflow.SF_INVALID_INPUT');
  assert.equal(cause.retryable, false);
  assert.match(cause.message, /s3:\/\/inputs\/exports\/missing\.csv: not found \(NoSuchKey\)/);
  assert.ok(!cause.message.includes(s3.env.AWS_SECRET_ACCESS_KEY!));
  assert.equal((await emulatorStats(emulator.url)).jobs.length, 0);
});
