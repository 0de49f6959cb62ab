import assert from 'node:assert/strict';
import { before, beforeEach, describe, it } from 'node:test';
import type { SalesforceEmulator } from '../../emulator/index.js';
import { useEmulator } from '../helpers/emulator.js';
import { API, createJob, getJob, ingestClient, login, pollJob, setState, uploadCsv } from '../helpers/emulator-http.js';
import type { Ingest, JobInfo } from '../helpers/emulator-http.js';
import { eventually } from '../helpers/eventually.js';
import { insertRows } from '../helpers/org-seed.js';

const ROWS = 50_000;
const STILL_WORKING = ['UploadComplete', 'InProgress'];

/**
 * The job info answered right after a large job was started. The emulator must answer it while the job is still
 * being worked; a machine fast enough to finish first may answer JobComplete only if processing handed the event
 * loop back at least `minimumYields` times on the way, which is what lets such a request in.
 */
function assertAnsweredWhileWorking(info: JobInfo, yields: number, minimumYields: number): void {
  if (info.state === 'JobComplete') {
    assert.ok(yields >= minimumYields, `the job completed after only ${yields} yields to the event loop`);
    return;
  }
  assert.ok(STILL_WORKING.includes(info.state), `unexpected state ${info.state}`);
  assert.ok(Number(info['numberRecordsProcessed']) < ROWS, JSON.stringify(info));
}

describe('answers while a large job is processing', () => {
  const emulator = useEmulator();
  let token: string;
  let ingest: Ingest;
  before(async () => {
    token = await login(emulator.url);
    ingest = ingestClient(emulator.url, token);
  });
  beforeEach(() => emulator.reset());

  it('answers a Bulk 2.0 ingest job-info GET issued right after UploadComplete', async () => {
    const lines = ['FirstName,LastName,Email,Description'];
    for (let i = 0; i < ROWS; i++) lines.push(`First${i},Last${i},user${i}@example.com,"Note ${i}, quoted"`);
    const job = await createJob(ingest, { object: 'Contact', operation: 'insert' });
    assert.equal((await uploadCsv(ingest, job.id, lines.join('\n') + '\n')).status, 201);
    const yieldsBefore = emulator.processingYields();
    assert.equal((await setState(ingest, job.id, 'UploadComplete')).status, 200);
    const info = await getJob(ingest, job.id);
    // Parsing takes a few steps and writing 50,000 rows 200 at a time takes 250.
    assertAnsweredWhileWorking(info, emulator.processingYields() - yieldsBefore, 250);
    const done = await pollJob(ingest, job.id, (j) => j.state === 'JobComplete', 120_000);
    assert.equal(done['numberRecordsProcessed'], ROWS);
    assert.equal(done['numberRecordsFailed'], 0);
  });

  it('answers a Bulk 2.0 query job-info GET issued right after the job is created', async () => {
    const rows = Array.from({ length: ROWS }, (_, i) => [`First${i}`, `Last${i}`]);
    insertRows(emulator.org, 'Contact', ['FirstName', 'LastName'], rows);
    const query = (path: string, init: RequestInit = {}) =>
      fetch(`${emulator.url}/services/data/${API}/jobs/query${path}`, {
        ...init,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...init.headers },
      });
    const yieldsBefore = emulator.processingYields();
    const soql = 'SELECT Id, LastName FROM Contact ORDER BY LastName DESC';
    const created = await query('', { method: 'POST', body: JSON.stringify({ operation: 'query', query: soql }) });
    assert.equal(created.status, 200, await created.clone().text());
    const { id } = (await created.json()) as JobInfo;
    const info = (await (await query(`/${id}`)).json()) as JobInfo;
    // 50,000 records are read, sorted and projected a few thousand per step: dozens of steps.
    assertAnsweredWhileWorking(info, emulator.processingYields() - yieldsBefore, 40);
    const done = await eventually(async () => (await (await query(`/${id}`)).json()) as JobInfo, {
      until: (current) => {
        if (current.state === 'JobComplete') return true;
        assert.ok(STILL_WORKING.includes(current.state), current.state);
        return false;
      },
      timeoutMs: 120_000,
      what: `query job ${id} to complete`,
    });
    assert.equal(done['numberRecordsProcessed'], ROWS);
    const page = await query(`/${id}/results?maxRecords=2`);
    assert.equal(page.headers.get('sforce-numberofrecords'), '2');
    assert.equal(await page.text(), '"Id","LastName"\n' + firstTwo(emulator));
  });
});

/** The first two rows of the query, worked out here: descending by lower-cased last name. */
function firstTwo(emulator: SalesforceEmulator): string {
  const contacts = emulator.org.getRecords('Contact').map((r) => [String(r['Id']), String(r['LastName'])] as const);
  contacts.sort(([, a], [, b]) => (a.toLowerCase() < b.toLowerCase() ? 1 : a.toLowerCase() > b.toLowerCase() ? -1 : 0));
  return contacts
    .slice(0, 2)
    .map(([id, name]) => `"${id}","${name}"\n`)
    .join('');
}
