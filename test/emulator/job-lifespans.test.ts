/**
 * Job lifespans on the emulator's clock, and the v1 job's Failed state: a v1 job takes batches for 24 hours;
 * v1 jobs are deleted 7 days after their youngest batch, Bulk 2.0 jobs 7 days after they ended; deleted jobs
 * are unknown (404 NOT_FOUND, InvalidJob) and leave the lists. A closed v1 job whose batches all failed is Failed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { V1Client, soapLogin, xmlError } from '../helpers/bulk1-client.js';
import { startEmulator } from '../helpers/emulator.js';
import { createJob, ingestClient, login, runJob } from '../helpers/emulator-http.js';
import { dataClient, runBulkQuery } from '../helpers/emulator-query.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type TestContext = { after(fn: () => unknown): unknown };

async function v1Client(t: TestContext) {
  const emulator = await startEmulator(t);
  return { emulator, v1: new V1Client(emulator.url, await soapLogin(emulator.url)) };
}

describe('Bulk v1 job states and lifespans', () => {
  it('fails a closed job whose batches all failed; one completed batch keeps it Closed', async (t) => {
    const { v1 } = await v1Client(t);
    const failing = await v1.createXmlJob({ operation: 'insert', object: 'Contact', contentType: 'CSV' });
    const bad = await v1.addBatch(failing.id, 'Nope__c\nx\n', 'text/csv');
    assert.equal((await v1.waitBatch(failing.id, bad.id)).state, 'Failed');
    assert.equal((await v1.job(failing.id)).state, 'Open', 'an open job may still get batches');
    assert.equal(V1Client.info(await v1.setState(failing.id, 'Closed'), 'jobInfo').state, 'Closed');
    assert.equal((await v1.job(failing.id)).state, 'Failed');
    const closed = await v1.setState(failing.id, 'Closed');
    assert.equal(closed.text, xmlError('InvalidJobState', 'Closing already Failed Job not allowed'));

    const mixed = await v1.createXmlJob({ operation: 'insert', object: 'Contact', contentType: 'CSV' });
    const good = await v1.addBatch(mixed.id, 'LastName\nOk\n', 'text/csv');
    const worse = await v1.addBatch(mixed.id, 'Nope__c\nx\n', 'text/csv');
    assert.equal((await v1.waitBatch(mixed.id, good.id)).state, 'Completed');
    assert.equal((await v1.waitBatch(mixed.id, worse.id)).state, 'Failed');
    await v1.setState(mixed.id, 'Closed');
    assert.equal((await v1.job(mixed.id)).state, 'Closed');
  });

  it('takes batches for 24 hours after the job was created', async (t) => {
    const { emulator, v1 } = await v1Client(t);
    const job = await v1.createXmlJob({ operation: 'insert', object: 'Contact', contentType: 'CSV' });
    emulator.clock.advance(23 * HOUR);
    await v1.addBatch(job.id, 'LastName\nIn time\n', 'text/csv');
    emulator.clock.advance(HOUR + MINUTE);
    const late = await v1.call('POST', `/${job.id}/batch`, 'LastName\nToo late\n', { 'Content-Type': 'text/csv' });
    assert.equal(late.status, 400);
    assert.equal(
      late.text,
      xmlError('InvalidJobState', `Unable to add a batch to job ${job.id}: it was created more than 24 hours ago`),
    );
  });

  it('deletes a job and its batches 7 days after its youngest batch', async (t) => {
    const { emulator, v1 } = await v1Client(t);
    const data = dataClient(emulator.url, await login(emulator.url));
    const job = await v1.createXmlJob({ operation: 'insert', object: 'Contact', contentType: 'CSV' });
    emulator.clock.advance(12 * HOUR);
    const batch = await v1.addBatch(job.id, 'LastName\nKept\n', 'text/csv');
    await v1.waitBatch(job.id, batch.id);
    emulator.clock.advance(7 * DAY - MINUTE);
    assert.equal((await v1.job(job.id)).id, job.id, 'a week after the job, but not after its batch');
    emulator.clock.advance(2 * MINUTE);
    const gone = await v1.call('GET', `/${job.id}`);
    assert.equal(gone.text, xmlError('InvalidJob', `Invalid job id: ${job.id}`));
    const batchGone = await v1.call('GET', `/${job.id}/batch/${batch.id}`);
    assert.equal(batchGone.text, xmlError('InvalidJob', `Invalid job id: ${job.id}`));
    const list = (await (await data('/jobs/ingest?jobType=Classic')).json()) as { records: unknown[] };
    assert.deepEqual(list.records, []);
  });
});

describe('Bulk 2.0 job lifespans', () => {
  it('deletes an ingest job 7 days after it ended; an open job stays', async (t) => {
    const emulator = await startEmulator(t);
    const token = await login(emulator.url);
    const ingest = ingestClient(emulator.url, token);
    const open = await createJob(ingest, { object: 'Contact', operation: 'insert' });
    const done = await runJob(ingest, { object: 'Contact', operation: 'insert' }, 'LastName\nOnce\n');
    assert.equal(done.state, 'JobComplete');
    emulator.clock.advance(7 * DAY - MINUTE);
    assert.equal((await ingest(`/${done.id}/successfulResults`)).status, 200);
    emulator.clock.advance(2 * MINUTE);
    for (const path of [`/${done.id}`, `/${done.id}/successfulResults`, `/${done.id}/failedResults`]) {
      const res = await ingest(path);
      assert.equal(res.status, 404, path);
      assert.deepEqual(await res.json(), [
        { errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' },
      ]);
    }
    const list = (await (await ingest('')).json()) as { records: Array<{ id: string }> };
    assert.deepEqual(
      list.records.map((job) => job.id),
      [open.id],
    );
    assert.equal((await ingest(`/${open.id}`)).status, 200);
  });

  it('deletes a query job and its results 7 days after it completed', async (t) => {
    const emulator = await startEmulator(t);
    const data = dataClient(emulator.url, await login(emulator.url));
    const job = await runBulkQuery(data, 'SELECT Id FROM Contact');
    assert.equal(job.state, 'JobComplete');
    emulator.clock.advance(7 * DAY);
    assert.equal((await data(`/jobs/query/${job.id}/results`)).status, 404);
    assert.equal((await data(`/jobs/query/${job.id}`)).status, 404);
  });
});
