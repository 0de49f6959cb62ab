import assert from 'node:assert/strict';
import { before, beforeEach, describe, it } from 'node:test';
import Papa from 'papaparse';
import { useEmulator } from '../helpers/emulator.js';
import { V1Client, parseXml, soapLogin } from '../helpers/bulk1-client.js';

describe('Bulk v1 query and queryAll', () => {
  const emulator = useEmulator({ bulkV1QueryRowsPerFile: 2 });
  let v1: V1Client;
  before(async () => {
    // Two rows per result file, so five records make three files.
    v1 = new V1Client(emulator.url, await soapLogin(emulator.url));
  });
  beforeEach(async () => {
    emulator.reset();
    const job = await v1.createXmlJob({ operation: 'insert', object: 'Account', contentType: 'CSV' });
    const batch = await v1.addBatch(job.id, 'Name,Phone\nA0,1\nA1,"2, ""x"""\nA2,\nA3,4\nA4,5\n', 'text/csv');
    assert.equal((await v1.waitBatch(job.id, batch.id)).state, 'Completed');
  });

  /** Runs one query batch; returns the job, the final batch and its result ids. */
  async function query(operation: string, soql: string, contentType = 'CSV', headers: Record<string, string> = {}) {
    const job = await v1.createXmlJob({ operation, object: 'Account', contentType }, headers);
    const batch = await v1.addBatch(job.id, soql, contentType === 'JSON' ? 'application/json' : 'text/csv');
    const done = await v1.waitBatch(job.id, batch.id);
    return { job, batch: done };
  }

  async function resultIds(jobId: string, batchId: string): Promise<string[]> {
    const list = await v1.result(jobId, batchId);
    if (list.contentType === 'application/json') return JSON.parse(list.text) as string[];
    assert.equal(list.contentType, 'application/xml');
    const ids = parseXml(list.text, 'result-list')['result'];
    return (Array.isArray(ids) ? ids : [ids]) as string[];
  }

  async function csvRows(jobId: string, batchId: string): Promise<Record<string, string>[]> {
    const rows: Record<string, string>[] = [];
    for (const id of await resultIds(jobId, batchId)) {
      const file = await v1.result(jobId, batchId, id);
      assert.equal(file.contentType, 'text/csv');
      assert.match(file.text, /^"Id","Name","Phone"\n/);
      rows.push(...Papa.parse<Record<string, string>>(file.text, { header: true, skipEmptyLines: true }).data);
    }
    return rows;
  }

  it('splits CSV results into several files of quoted rows (jsforce style)', async () => {
    const { job, batch } = await query('query', 'SELECT Id, Name, Phone FROM Account');
    assert.deepEqual([batch.state, batch['numberRecordsProcessed']], ['Completed', '5']);
    const ids = await resultIds(job.id, batch.id);
    assert.equal(ids.length, 3);
    for (const id of ids) assert.match(id, /^752[0-9A-Za-z]{12}$/);
    const file = await v1.result(job.id, batch.id, ids[0]);
    const [first, second] = emulator.org.getRecords('Account');
    assert.equal(
      file.text,
      `"Id","Name","Phone"\n"${String(first?.['Id'])}","A0","1"\n"${String(second?.['Id'])}","A1","2, ""x"""\n`,
    );
    const rows = await csvRows(job.id, batch.id);
    assert.deepEqual(
      rows.map((r) => r['Name']),
      ['A0', 'A1', 'A2', 'A3', 'A4'],
    );
    assert.equal(rows[2]?.['Phone'], '');
  });

  it('leaves deleted records to queryAll', async () => {
    const [first] = emulator.org.getRecords('Account');
    const del = await v1.createXmlJob({ operation: 'delete', object: 'Account', contentType: 'CSV' });
    const batch = await v1.addBatch(del.id, `Id\n${String(first?.['Id'])}\n`, 'text/csv');
    await v1.waitBatch(del.id, batch.id);
    const live = await query('query', 'SELECT Id, Name, Phone FROM Account');
    assert.equal((await csvRows(live.job.id, live.batch.id)).length, 4);
    const all = await query('queryAll', 'SELECT Id, Name, Phone FROM Account');
    assert.equal((await csvRows(all.job.id, all.batch.id)).length, 5);
  });

  it('answers JSON records with attributes to a raw SOQL body sent as application/json', async () => {
    const { job, batch } = await query('query', 'SELECT Id, Name FROM Account', 'JSON');
    const ids = await resultIds(job.id, batch.id);
    const file = await v1.result(job.id, batch.id, ids[0]);
    assert.equal(file.contentType, 'application/json');
    const [first] = emulator.org.getRecords('Account');
    const records = JSON.parse(file.text) as Record<string, unknown>[];
    assert.deepEqual(records[0], {
      attributes: { type: 'Account', url: `/services/data/v59.0/sobjects/Account/${String(first?.['Id'])}` },
      Id: first?.['Id'],
      Name: 'A0',
    });
  });

  it('answers XML queryResult files for XML jobs', async () => {
    const { job, batch } = await query('query', 'SELECT Id, Name, Phone FROM Account', 'XML');
    const ids = await resultIds(job.id, batch.id);
    const file = await v1.result(job.id, batch.id, ids[1]);
    assert.equal(file.contentType, 'application/xml');
    const records = parseXml(file.text, 'queryResult')['records'] as Record<string, unknown>[];
    assert.deepEqual(
      records.map((r) => [r['type'], r['Name'], r['Phone']]),
      [
        ['Account', 'A2', { '@_xsi:nil': 'true' }],
        ['Account', 'A3', '4'],
      ],
    );
  });

  it('fails a malformed query and writes the no-records text for an empty result', async () => {
    const bad = await query('query', 'SELECT FROM Account');
    assert.equal(bad.batch.state, 'Failed');
    assert.match(String(bad.batch['stateMessage']), /^InvalidBatch : Failed to process query: MALFORMED_QUERY: /);
    const empty = await query('query', "SELECT Id FROM Account WHERE Name = 'nobody'");
    const [id] = await resultIds(empty.job.id, empty.batch.id);
    assert.equal((await v1.result(empty.job.id, empty.batch.id, id)).text, 'Records not found for this query');
  });

  it('PK chunking: the original batch ends NotProcessed and one batch per Id range covers every record', async () => {
    const { job, batch } = await query('query', 'SELECT Id, Name, Phone FROM Account', 'CSV', {
      'Sforce-Enable-PKChunking': 'chunkSize=2',
    });
    assert.equal(batch.state, 'NotProcessed');
    const batches = await v1.batches(job.id);
    assert.equal(batches.length, 4);
    const rows: Record<string, string>[] = [];
    for (const chunk of batches.slice(1)) {
      const done = await v1.waitBatch(job.id, chunk.id);
      assert.equal(done.state, 'Completed');
      rows.push(...(await csvRows(job.id, chunk.id)));
    }
    assert.deepEqual(rows.map((r) => r['Name']).sort(), ['A0', 'A1', 'A2', 'A3', 'A4']);
    const third = emulator.org.getRecords('Account')[2];
    const started = await query('query', 'SELECT Id, Name, Phone FROM Account', 'CSV', {
      'Sforce-Enable-PKChunking': `TRUE; chunkSize=250000; startRow=${String(third?.['Id']).slice(0, 15)}`,
    });
    const [, only] = await v1.batches(started.job.id);
    await v1.waitBatch(started.job.id, only?.id ?? '');
    const names = (await csvRows(started.job.id, only?.id ?? '')).map((r) => r['Name']);
    assert.deepEqual(names, ['A2', 'A3', 'A4']);
  });

  it('refuses a PK chunk size over 250,000', async () => {
    const answer = await v1.call(
      'POST',
      '',
      '<jobInfo xmlns="http://www.force.com/2009/06/asyncapi/dataload"><operation>query</operation><object>Account</object></jobInfo>',
      { 'Content-Type': 'application/xml', 'Sforce-Enable-PKChunking': 'chunkSize=250001' },
    );
    assert.equal(answer.status, 400);
    assert.match(answer.text, /<exceptionCode>InvalidJob<\/exceptionCode>/);
  });
});
