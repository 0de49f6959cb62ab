import assert from 'node:assert/strict';
import { before, beforeEach, describe, it } from 'node:test';
import { DailyBatchCounter } from '../../emulator/bulk1/daily-batches.js';
import { startEmulator, useEmulator } from '../helpers/emulator.js';
import { eventually } from '../helpers/eventually.js';
import { V1Client, soapLogin, xmlError } from '../helpers/bulk1-client.js';
import type { Info } from '../helpers/bulk1-client.js';

function contactsCsv(count: number, prefix = 'C'): string {
  const rows = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  return `LastName\n${rows.join('\n')}\n`;
}

describe('Bulk v1 jobs: sessions, states and limits', () => {
  const emulator = useEmulator();
  let v1: V1Client;
  before(async () => {
    v1 = new V1Client(emulator.url, await soapLogin(emulator.url));
  });
  beforeEach(() => emulator.reset());

  it('answers a bad session with HTTP 400 InvalidSessionId, in XML or JSON', async () => {
    const stranger = new V1Client(emulator.url, 'not-a-session');
    const xml = await stranger.call('GET', '/7505g00001LY7VKAA1');
    assert.deepEqual([xml.status, xml.contentType], [400, 'application/xml']);
    assert.equal(xml.text, xmlError('InvalidSessionId', 'Invalid session id'));
    const job = await v1.createJsonJob({ operation: 'insert', object: 'Account', contentType: 'JSON' });
    const json = await stranger.call('GET', `/${job.id}`);
    assert.deepEqual([json.status, json.contentType], [400, 'application/json']);
    assert.deepEqual(JSON.parse(json.text), {
      exceptionCode: 'InvalidSessionId',
      exceptionMessage: 'Invalid session id',
    });
    const missing = await fetch(`${emulator.url}/services/async/59.0/job/${job.id}`);
    assert.equal(missing.status, 400);
  });

  it('refuses batches on a closed job and wrong state changes with InvalidJobState', async () => {
    const job = await v1.createXmlJob({ operation: 'insert', object: 'Contact', contentType: 'CSV' });
    assert.equal((await v1.setState(job.id, 'Closed')).status, 200);
    const refused = await v1.call('POST', `/${job.id}/batch`, contactsCsv(1), { 'Content-Type': 'text/csv' });
    assert.equal(refused.status, 400);
    assert.match(refused.text, /<exceptionCode>InvalidJobState<\/exceptionCode>/);
    const again = await v1.setState(job.id, 'Closed');
    assert.equal(again.text, xmlError('InvalidJobState', 'Closing already Closed Job not allowed'));
    const aborted = V1Client.info(await v1.setState(job.id, 'Aborted'), 'jobInfo');
    assert.equal(aborted.state, 'Aborted');
    const reopen = await v1.setState(job.id, 'Open');
    assert.deepEqual([reopen.status, reopen.text.includes('InvalidJobState')], [400, true]);
  });

  it('refuses unknown jobs and batches and invalid job definitions', async () => {
    const unknown = await v1.call('GET', '/750000000000000AAA');
    assert.equal(unknown.text, xmlError('InvalidJob', 'Invalid job id: 750000000000000AAA'));
    const job = await v1.createXmlJob({ operation: 'insert', object: 'Contact', contentType: 'CSV' });
    const batch = await v1.call('GET', `/${job.id}/batch/751000000000000AAA`);
    assert.equal(batch.text, xmlError('InvalidBatch', 'Invalid batch id: 751000000000000AAA'));
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ operation: 'INSERT', object: 'Contact' }, 'Invalid operation: INSERT'],
      [{ operation: 'insert', object: 'Nope__c' }, 'Unable to find object: Nope__c'],
      [
        { operation: 'upsert', object: 'Contact' },
        'External ID was blank for Contact. An External ID must be specified for upsert.',
      ],
      [
        { operation: 'upsert', object: 'Contact', externalIdFieldName: 'LastName' },
        'Field name provided, LastName does not match an External ID for Contact',
      ],
      [{ operation: 'insert', object: 'Contact', concurrencyMode: 7 }, 'Invalid concurrency mode: 7'],
    ];
    for (const [fields, message] of cases) {
      const answer = await v1.call('POST', '', JSON.stringify({ contentType: 'JSON', ...fields }), {
        'Content-Type': 'application/json',
      });
      assert.equal(answer.status, 400);
      assert.deepEqual(JSON.parse(answer.text), { exceptionCode: 'InvalidJob', exceptionMessage: message });
    }
  });

  it('fails batches over 10,000 records, empty ones and unknown fields; refuses bodies over 10 MB', async () => {
    const job = await v1.createXmlJob({ operation: 'insert', object: 'Contact', contentType: 'CSV' });
    const outcomes: Array<[string, string]> = [
      [
        contactsCsv(10_001),
        'InvalidBatch : Exceeded number of records: 10002. Number of records should be less than or equal to 10001',
      ],
      ['LastName\n', 'InvalidBatch : Records not found'],
      ['', 'InvalidBatch : Records not found'],
      ['LastName,Foo\nX,Y\n', 'InvalidBatch : Field name not found : Foo'],
    ];
    for (const [csv, stateMessage] of outcomes) {
      const batch = await v1.addBatch(job.id, csv, 'text/csv');
      const done = await v1.waitBatch(job.id, batch.id);
      assert.deepEqual(
        [done.state, done['stateMessage'], done['numberRecordsProcessed']],
        ['Failed', stateMessage, '0'],
      );
    }
    assert.equal(emulator.org.getRecords('Contact').length, 0);
    const exactly = await v1.addBatch(job.id, contactsCsv(10_000), 'text/csv');
    assert.equal((await v1.waitBatch(job.id, exactly.id)).state, 'Completed');
    assert.equal(emulator.org.getRecords('Contact').length, 10_000);
    const huge = `LastName\n${'x'.repeat(10_000_001)}\n`;
    const refused = await v1.call('POST', `/${job.id}/batch`, huge, { 'Content-Type': 'text/csv' });
    assert.equal(refused.status, 400);
    assert.equal(
      refused.text,
      xmlError('ClientInputError', 'Failed to read request. Exceeded max size limit of 10000000'),
    );
  });

  it('answers the result of a batch that failed as a whole with InvalidBatch "Records not processed"', async () => {
    // simple-salesforce's DML calls fetch results without checking the batch state; Salesforce refuses them so.
    const xmlJob = await v1.createXmlJob({ operation: 'insert', object: 'Contact', contentType: 'CSV' });
    for (const csv of ['LastName,Foo\nX,Y\n', 'LastName\n']) {
      const batch = await v1.addBatch(xmlJob.id, csv, 'text/csv');
      assert.equal((await v1.waitBatch(xmlJob.id, batch.id)).state, 'Failed');
      const answer = await v1.result(xmlJob.id, batch.id);
      assert.deepEqual([answer.status, answer.contentType], [400, 'application/xml']);
      assert.equal(answer.text, xmlError('InvalidBatch', 'Records not processed'));
    }
    const jsonJob = await v1.createJsonJob({ operation: 'insert', object: 'Contact', contentType: 'JSON' });
    const batch = await v1.addBatch(jsonJob.id, JSON.stringify([{ Foo: 'x' }]), 'application/json');
    assert.equal((await v1.waitBatch(jsonJob.id, batch.id)).state, 'Failed');
    const answer = await v1.result(jsonJob.id, batch.id);
    assert.deepEqual([answer.status, answer.contentType], [400, 'application/json']);
    assert.deepEqual(JSON.parse(answer.text), {
      exceptionCode: 'InvalidBatch',
      exceptionMessage: 'Records not processed',
    });
  });

  it('lists v1 jobs and batches in the admin stats', async () => {
    const job = await v1.createXmlJob({ operation: 'insert', object: 'Contact', contentType: 'CSV' });
    const batch = await v1.addBatch(job.id, contactsCsv(2), 'text/csv');
    await v1.waitBatch(job.id, batch.id);
    const stats = (await (await fetch(`${emulator.url}/__emulator/stats`)).json()) as {
      jobs: Record<string, unknown>[];
      batches: Record<string, unknown>[];
    };
    assert.deepEqual(
      stats.jobs.map((j) => [j['id'], j['api'], j['numberRecordsProcessed']]),
      [[job.id, '1.0', 2]],
    );
    assert.deepEqual(
      stats.batches.map((b) => [b['id'], b['jobId'], b['state']]),
      [[batch.id, job.id, 'Completed']],
    );
  });

  it('counts batches over a rolling day', () => {
    let now = 0;
    const counter = new DailyBatchCounter(3, () => now);
    counter.count();
    counter.count(2);
    assert.deepEqual(counter.snapshot(), { Max: 3, Remaining: 0 });
    now = 24 * 60 * 60 * 1000 + 1;
    assert.equal(counter.used(), 0);
  });
});

describe('Bulk v1 concurrency and abort', () => {
  const emulator = useEmulator({ recordsPerSecond: 200 });
  let v1: V1Client;
  before(async () => {
    // 200 records a second per batch: a 40-record batch takes about 200 ms, long enough to watch.
    v1 = new V1Client(emulator.url, await soapLogin(emulator.url));
  });
  beforeEach(() => emulator.reset());

  /** Polls the batch list until every batch is final; returns the most batches seen InProgress at once. */
  async function watch(jobId: string): Promise<{ maxInProgress: number; completionOrder: string[] }> {
    let maxInProgress = 0;
    const completionOrder: string[] = [];
    await eventually(
      async () => {
        const batches: Info[] = await v1.batches(jobId);
        maxInProgress = Math.max(maxInProgress, batches.filter((b) => b.state === 'InProgress').length);
        for (const b of batches)
          if (b.state === 'Completed' && !completionOrder.includes(b.id)) completionOrder.push(b.id);
        return batches;
      },
      {
        until: (batches) => batches.every((b) => ['Completed', 'Failed', 'NotProcessed'].includes(b.state)),
        timeoutMs: 10_000,
        intervalMs: 5,
        what: `every batch of job ${jobId} to finish`,
      },
    );
    return { maxInProgress, completionOrder };
  }

  /** A job with three batches; the first has `firstRows` records (40 like the others unless given). */
  async function threeBatches(concurrencyMode: string, firstRows = 40) {
    const job = await v1.createXmlJob({ operation: 'insert', object: 'Contact', concurrencyMode, contentType: 'CSV' });
    const ids: string[] = [];
    for (const [i, prefix] of ['a', 'b', 'c'].entries())
      ids.push((await v1.addBatch(job.id, contactsCsv(i === 0 ? firstRows : 40, prefix), 'text/csv')).id);
    return { job, ids };
  }

  it('runs Serial batches one at a time, in order', async () => {
    const { job, ids } = await threeBatches('Serial');
    const seen = await watch(job.id);
    assert.equal(seen.maxInProgress, 1);
    assert.deepEqual(seen.completionOrder, ids);
    const names = emulator.org.getRecords('Contact').map((r) => String(r['LastName']).charAt(0));
    assert.deepEqual(names, [...'a'.repeat(40), ...'b'.repeat(40), ...'c'.repeat(40)]);
  });

  it('runs Parallel batches at the same time', async () => {
    const { job } = await threeBatches('Parallel');
    const seen = await watch(job.id);
    assert.ok(seen.maxInProgress >= 2, `at most ${seen.maxInProgress} batch(es) ran at once`);
    assert.equal(emulator.org.getRecords('Contact').length, 120);
  });

  it('aborting a job leaves Queued batches NotProcessed and lets the running one finish', async () => {
    // The first batch runs about 2 s, so the abort reaches it while it is InProgress even on a busy machine.
    const { job, ids } = await threeBatches('Serial', 400);
    await eventually(() => v1.batch(job.id, ids[0] ?? ''), {
      until: (batch) => batch.state === 'InProgress',
      timeoutMs: 5_000,
      intervalMs: 5,
      what: 'the first batch to start',
    });
    const aborted = V1Client.info(await v1.setState(job.id, 'Aborted'), 'jobInfo');
    assert.equal(aborted.state, 'Aborted');
    await watch(job.id);
    const states = (await v1.batches(job.id)).map((b) => [b.state, b['numberRecordsProcessed']]);
    assert.deepEqual(states, [
      ['Completed', '400'],
      ['NotProcessed', '0'],
      ['NotProcessed', '0'],
    ]);
    const notProcessed = await v1.result(job.id, ids[1] ?? '');
    assert.equal(notProcessed.text, xmlError('InvalidBatch', 'Batch not completed'));
    const closing = await v1.setState(job.id, 'Closed');
    assert.equal(closing.text, xmlError('InvalidJobState', 'Closing already Aborted Job not allowed'));
  });

  it('ends v1 sessions when they expire', async (t) => {
    const shortLived = await startEmulator(t, { sessionSeconds: 0.2 });
    const client = new V1Client(shortLived.url, await soapLogin(shortLived.url));
    const job = await client.createXmlJob({ operation: 'insert', object: 'Contact', contentType: 'CSV' });
    const answer = await eventually(() => client.call('GET', `/${job.id}`), {
      until: (a) => a.status !== 200,
      timeoutMs: 5_000,
      intervalMs: 10,
      what: 'the v1 session to expire',
    });
    assert.equal(answer.status, 400);
    assert.ok(answer.text.includes('<exceptionCode>InvalidSessionId</exceptionCode>'));
  });
});
