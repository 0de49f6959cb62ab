/**
 * Where a query's records go and in what shape, on a real local Temporal server with the emulator: CSV into an
 * s3:// object (moto), JSON lines split into files of N records at a file:// destination, and the daily
 * query-job allowance checked before any Salesforce job exists.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import Papa from 'papaparse';
import { bulkflowErrorOf } from '../../client/errors.js';
import { startBulkQuery } from '../../client/starters.js';
import type { SalesforceEmulator } from '../../emulator/index.js';
import type { BulkQueryInput } from '../../workflows/contract.js';
import { contactRows } from '../helpers/data.js';
import { emulatorStats, orgRecords } from '../helpers/org.js';
import { insertRows } from '../helpers/org-seed.js';
import { startS3Server, type S3TestServer } from '../helpers/s3-server.js';
import { startTestbed, type Testbed } from '../helpers/testbed.js';

let env: TestWorkflowEnvironment;
let emulator: SalesforceEmulator;
let bed: Testbed;
let s3: S3TestServer;
const taskQueue = `query-dest-${randomUUID()}`;
const dir = mkdtempSync(path.join(tmpdir(), 'bulkflow-query-dest-'));
const FAST_POLL = { initialMs: 100, ceilingMs: 300 };
const SOQL = 'SELECT Id, FirstName, LastName, Email, Title, Description, Birthdate FROM Contact';
const COUNT = 1_050;

before(async () => {
  s3 = await startS3Server();
  // The worker opens s3:// destinations with a client from the environment, as a deployed worker does.
  Object.assign(process.env, s3.env);
  await s3.createBucket('exports');
  bed = await startTestbed({ taskQueue, dir });
  ({ env, emulator } = bed);
  const header = ['FirstName', 'LastName', 'Email', 'Title', 'Description'];
  const rows = contactRows(COUNT, 'dest').map((r) => header.map((h) => r[h as keyof typeof r]));
  insertRows(emulator.org, 'Contact', header, rows);
});

after(async () => {
  await bed?.close();
  await s3?.stop();
});

async function query(input: Omit<BulkQueryInput, 'soql'>) {
  return (await startBulkQuery(env.client, { soql: SOQL, pollPolicy: FAST_POLL, ...input }, { taskQueue })).result();
}

/** The org's Contacts as the query's columns, as text (empty for none). */
async function orgContacts(): Promise<Map<string, Record<string, string>>> {
  const columns = ['Id', 'FirstName', 'LastName', 'Email', 'Title', 'Description', 'Birthdate'];
  const records = await orgRecords(emulator.url, 'Contact');
  return new Map(
    records.map((r) => [
      r.Id,
      Object.fromEntries(
        columns.map((c) => [c, r[c] === null || r[c] === undefined ? '' : String(r[c] as string | number | boolean)]),
      ),
    ]),
  );
}

test('CSV to an s3:// destination: one object with the header and every Contact as the org holds it', async () => {
  const result = await query({ destination: { url: 's3://exports/contacts/all.csv' }, pageSize: 400 });
  assert.equal(result.state, 'Completed');
  assert.equal(result.records.total, COUNT);
  assert.deepEqual(result.results.records, { url: 's3://exports/contacts/all.csv', rows: COUNT });
  const text = await s3.getText('exports', 'contacts/all.csv');
  const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
  assert.deepEqual(parsed.meta.fields, ['Id', 'FirstName', 'LastName', 'Email', 'Title', 'Description', 'Birthdate']);
  const org = await orgContacts();
  assert.equal(parsed.data.length, org.size);
  for (const row of parsed.data) assert.deepEqual(row, org.get(row.Id ?? ''), `row ${row.Id}`);
});

test('JSON lines split into files of 400 at a file:// destination, named by index, every record once', async () => {
  const out = path.join(dir, 'jsonl', 'contacts.jsonl');
  const result = await query({ destination: { url: pathToFileURL(out).href }, format: 'jsonl', splitRows: 400 });
  assert.equal(result.state, 'Completed');
  assert.equal(result.records.total, COUNT);
  assert.equal(result.results.records, undefined, 'a split has no single file');
  const names = ['contacts-00001.jsonl', 'contacts-00002.jsonl', 'contacts-00003.jsonl'];
  assert.deepEqual(readdirSync(path.dirname(out)).sort(), names);
  assert.deepEqual(
    result.results.files,
    names.map((name, i) => ({ url: pathToFileURL(path.join(path.dirname(out), name)).href, rows: [400, 400, 250][i] })),
  );
  const org = await orgContacts();
  const seen = new Set<string>();
  for (const file of result.results.files ?? []) {
    const lines = readFileSync(fileURLToPath(file.url), 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, file.rows);
    for (const line of lines) {
      const record = JSON.parse(line) as Record<string, string | null>;
      assert.deepEqual(Object.keys(record), [
        'Id',
        'FirstName',
        'LastName',
        'Email',
        'Title',
        'Description',
        'Birthdate',
      ]);
      assert.equal(record.Birthdate, null, 'an empty field is null');
      const expected = org.get(record.Id ?? '');
      assert.ok(expected, `record ${record.Id} is in the org`);
      seen.add(record.Id ?? '');
      assert.deepEqual(record, { ...expected, Birthdate: null }, 'values are the text Salesforce gives');
    }
  }
  assert.equal(seen.size, COUNT, 'no record twice, none missing');
});

test('a query past the daily query-job allowance is refused before any job exists, naming the limit', async () => {
  const jobsBefore = (await emulatorStats(emulator.url)).jobs.length;
  // Another integration has used up the day's query jobs.
  emulator.limits.consume('DailyBulkV2QueryJobs', emulator.limits.remaining('DailyBulkV2QueryJobs'));
  try {
    const err = await query({}).then(
      () => assert.fail('expected the query to be refused'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof WorkflowFailedError);
    const cause = bulkflowErrorOf(err);
    assert.equal(cause.type, 'bulkflow.SF_INSUFFICIENT_LIMITS');
    assert.equal(cause.retryable, false);
    assert.match(cause.message, /DailyBulkV2QueryJobs: needs 1, 0 of 10000 remaining/);
    assert.equal((await emulatorStats(emulator.url)).jobs.length, jobsBefore, 'no Salesforce job was created');
  } finally {
    emulator.limits.reset();
  }
});
