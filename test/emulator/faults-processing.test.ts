import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { useEmulator } from '../helpers/emulator.js';
import {
  createJob,
  ingestClient,
  login,
  pollJob,
  results,
  runJob,
  setState,
  uploadCsv,
} from '../helpers/emulator-http.js';
import type { Ingest } from '../helpers/emulator-http.js';
import { eventually } from '../helpers/eventually.js';

const LOCK_ERROR = 'UNABLE_TO_LOCK_ROW:unable to obtain exclusive access to this record:--';

const csvOf = (count: number) => `Name\n${Array.from({ length: count }, (_, i) => `Acme ${i + 1}`).join('\n')}\n`;

describe('processing faults', () => {
  const emulator = useEmulator();
  let ingest: Ingest;
  beforeEach(async () => {
    emulator.reset();
    ingest = ingestClient(emulator.url, await login(emulator.url));
  });

  it('fails every n-th row with UNABLE_TO_LOCK_ROW and writes the others', async () => {
    emulator.faults.set({ type: 'unableToLockRow', every: 3, object: 'Account' });
    const job = await runJob(ingest, { object: 'Account', operation: 'insert' }, csvOf(10));
    assert.equal(job.state, 'JobComplete');
    assert.equal(job['numberRecordsProcessed'], 10);
    assert.equal(job['numberRecordsFailed'], 3);
    const failed = await results(ingest, job.id, 'failedResults');
    assert.deepEqual(
      failed.rows.map((r) => [r['Name'], r['sf__Error']]),
      [3, 6, 9].map((n) => [`Acme ${n}`, LOCK_ERROR]),
    );
    assert.equal(emulator.org.getRecords('Account').length, 7);
    assert.equal(emulator.faults.report()[0]?.fired, 3);
  });

  it('hits the same rows again for the same seed, and at most count of them', async () => {
    const lockedRows = async () => {
      emulator.reset();
      emulator.faults.set({ type: 'unableToLockRow', rate: 0.3, seed: 7, count: 4 });
      const job = await runJob(ingest, { object: 'Account', operation: 'insert' }, csvOf(40));
      return (await results(ingest, job.id, 'failedResults')).rows.map((r) => r['Name']);
    };
    const first = await lockedRows();
    assert.equal(first.length, 4);
    assert.deepEqual(await lockedRows(), first);
    // Only jobs on the named object are touched.
    emulator.faults.set({ type: 'unableToLockRow', object: 'Contact' });
    const job = await runJob(ingest, { object: 'Account', operation: 'insert' }, csvOf(3));
    assert.equal(job['numberRecordsFailed'], 0);
  });

  it('fails a job after some rows, leaving the rest unprocessed', async () => {
    emulator.faults.set({ type: 'jobFailure', afterRecords: 4, count: 1 });
    const job = await runJob(ingest, { object: 'Account', operation: 'insert' }, csvOf(10));
    assert.equal(job.state, 'Failed');
    assert.equal(job['errorMessage'], 'InternalServerError : Retried more than 10 times');
    assert.equal(job['numberRecordsProcessed'], 4);
    assert.equal((await results(ingest, job.id, 'successfulResults')).rows.length, 4);
    assert.equal((await results(ingest, job.id, 'unprocessedrecords')).rows.length, 6);
    // count: 1, so the next job runs through.
    const next = await runJob(ingest, { object: 'Account', operation: 'insert' }, csvOf(2));
    assert.equal(next.state, 'JobComplete');
  });

  it('fails a job with the given message before it writes anything', async () => {
    emulator.faults.set({ type: 'jobFailure', errorMessage: 'InvalidBatch : Failed to process query', skip: 1 });
    const spared = await runJob(ingest, { object: 'Account', operation: 'insert' }, csvOf(1));
    assert.equal(spared.state, 'JobComplete');
    const failed = await runJob(ingest, { object: 'Account', operation: 'insert' }, csvOf(3));
    assert.equal(failed.state, 'Failed');
    assert.equal(failed['errorMessage'], 'InvalidBatch : Failed to process query');
    assert.equal(failed['numberRecordsProcessed'], 0);
  });

  it('slows processing down while the fault is set', async () => {
    emulator.faults.set({ type: 'slowProcessing', recordsPerSecond: 20 });
    const job = await createJob(ingest, { object: 'Account', operation: 'insert' });
    assert.equal((await uploadCsv(ingest, job.id, csvOf(200))).status, 201);
    assert.equal((await setState(ingest, job.id, 'UploadComplete')).status, 200);
    const partial = await pollJob(ingest, job.id, (j) => Number(j['numberRecordsProcessed']) > 0);
    assert.equal(partial.state, 'InProgress');
    assert.ok(Number(partial['numberRecordsProcessed']) < 200);
    emulator.faults.clear();
    const done = await pollJob(ingest, job.id, (j) => j.state === 'JobComplete');
    assert.equal(done['numberRecordsProcessed'], 200);
  });
});

describe('processing faults on Bulk v1', () => {
  const emulator = useEmulator();

  it('fails every n-th record of a v1 batch with UNABLE_TO_LOCK_ROW', async () => {
    const token = await login(emulator.url);
    const v1 = async (path: string, body?: unknown) => {
      const res = await fetch(`${emulator.url}/services/async/62.0/${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'X-SFDC-Session': token, 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      assert.ok(res.status < 300, text);
      return JSON.parse(text) as Record<string, unknown>;
    };
    emulator.faults.set({ type: 'unableToLockRow', every: 2 });
    const job = await v1('job', { operation: 'insert', object: 'Account', contentType: 'JSON' });
    const records = [1, 2, 3, 4].map((n) => ({ Name: `Acme ${n}` }));
    const batch = await v1(`job/${String(job['id'])}/batch`, records);
    const batchPath = `job/${String(job['id'])}/batch/${String(batch['id'])}`;
    await eventually(() => v1(batchPath), {
      until: (info) => info['state'] === 'Completed',
      timeoutMs: 5000,
      what: 'the v1 batch to complete',
    });
    const result = (await v1(`${batchPath}/result`)) as unknown as {
      success: boolean;
      errors: { statusCode: string }[];
    }[];
    assert.deepEqual(
      result.map((r) => [r.success, r.errors[0]?.statusCode]),
      [
        [true, undefined],
        [false, 'UNABLE_TO_LOCK_ROW'],
        [true, undefined],
        [false, 'UNABLE_TO_LOCK_ROW'],
      ],
    );
  });
});
