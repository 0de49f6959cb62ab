import assert from 'node:assert/strict';
import { before, beforeEach, describe, it } from 'node:test';
import { useEmulator } from '../helpers/emulator.js';
import { ASYNC_NS, V1Client, parseXml, soapLogin } from '../helpers/bulk1-client.js';

const CSV_HEADER = '"Id","Success","Created","Error"';
const MISSING_LASTNAME = 'REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --';

describe('Bulk v1 ingest', () => {
  const emulator = useEmulator();
  let v1: V1Client;
  before(async () => {
    v1 = new V1Client(emulator.url, await soapLogin(emulator.url));
  });
  beforeEach(() => emulator.reset());

  async function runCsv(fields: Record<string, string>, csv: string) {
    const job = await v1.createXmlJob({ ...fields, contentType: 'CSV' });
    const batch = await v1.addBatch(job.id, csv, 'text/csv');
    const done = await v1.waitBatch(job.id, batch.id);
    const result = await v1.result(job.id, batch.id);
    return { job, batch: done, result };
  }

  it('runs a CSV batch while the job is Open and answers results in input order (jsforce style)', async () => {
    const job = await v1.createXmlJob({ contentType: 'CSV', object: 'Contact', operation: 'insert' });
    const answer = await v1.call('GET', `/${job.id}`);
    assert.equal(answer.contentType, 'application/xml');
    assert.deepEqual(
      Object.keys(parseXml(answer.text, 'jobInfo')).filter((key) => !key.startsWith('@_')),
      [
        ...['id', 'operation', 'object', 'createdById', 'createdDate', 'systemModstamp', 'state'],
        ...[
          'concurrencyMode',
          'contentType',
          'numberBatchesQueued',
          'numberBatchesInProgress',
          'numberBatchesCompleted',
        ],
        ...['numberBatchesFailed', 'numberBatchesTotal', 'numberRecordsProcessed', 'numberRetries', 'apiVersion'],
        ...['numberRecordsFailed', 'totalProcessingTime', 'apiActiveProcessingTime', 'apexProcessingTime'],
      ],
    );
    assert.equal(job['apiVersion'], '59.0');
    const csv = 'FirstName,LastName,Title\nAda,Lovelace,"Countess, of ""Lovelace"""\nNo,,X\nGrace,Hopper,\n';
    const batch = await v1.addBatch(job.id, csv, 'text/csv');
    assert.equal(batch.state, 'Queued');
    const done = await v1.waitBatch(job.id, batch.id);
    assert.deepEqual(
      [done.state, done['numberRecordsProcessed'], done['numberRecordsFailed']],
      ['Completed', '3', '1'],
    );
    const result = await v1.result(job.id, batch.id);
    assert.equal(result.contentType, 'text/csv');
    const [ada, grace] = emulator.org.getRecords('Contact');
    assert.equal(ada?.['Title'], 'Countess, of "Lovelace"');
    assert.equal(
      result.text,
      `${CSV_HEADER}\n"${String(ada?.['Id'])}","true","true",""\n"","false","false","${MISSING_LASTNAME}"\n` +
        `"${String(grace?.['Id'])}","true","true",""\n`,
    );
    const closed = V1Client.info(await v1.setState(job.id, 'Closed'), 'jobInfo');
    assert.deepEqual(
      [closed.state, closed['numberBatchesCompleted'], closed['numberRecordsFailed']],
      ['Closed', '1', '1'],
    );
    const request = await v1.call('GET', `/${job.id}/batch/${batch.id}/request`);
    assert.deepEqual([request.contentType, request.text], ['text/csv', csv]);
  });

  it('updates, upserts on an external id, deletes and hard-deletes from CSV', async () => {
    await runCsv({ operation: 'insert', object: 'Account' }, 'Name,External_Id__c\nAcme,A1\nGlobex,A2\n');
    const [acme, globex] = emulator.org.getRecords('Account');
    const acmeId = String(acme?.['Id']);
    const update = await runCsv(
      { operation: 'update', object: 'Account' },
      `Id,Phone,Site\n${acmeId},555-0100,#N/A\nnonsense,1,\n`,
    );
    assert.equal(
      update.result.text,
      `${CSV_HEADER}\n"${acmeId}","true","false",""\n` +
        '"","false","false","MALFORMED_ID:Account ID: id value of incorrect type: nonsense:Id --"\n',
    );
    const upsert = await runCsv(
      { operation: 'upsert', object: 'Account', externalIdFieldName: 'External_Id__c' },
      'External_Id__c,Name\na2,Globex Corp\nA3,Initech\n',
    );
    const initech = emulator.org.getRecords('Account')[2];
    assert.equal(
      upsert.result.text,
      `${CSV_HEADER}\n"${String(globex?.['Id'])}","true","false",""\n"${String(initech?.['Id'])}","true","true",""\n`,
    );
    assert.equal(emulator.org.getRecords('Account')[1]?.['Name'], 'Globex Corp');
    await runCsv({ operation: 'delete', object: 'Account' }, `Id\n${acmeId}\n`);
    await runCsv({ operation: 'hardDelete', object: 'Account' }, `Id\n${String(globex?.['Id'])}\n`);
    const all = emulator.org.getRecords('Account', { includeDeleted: true });
    assert.deepEqual(
      all.map((r) => [r['Name'], r['IsDeleted']]),
      [
        ['Acme', true],
        ['Initech', false],
      ],
    );
  });

  it('reads XML batches: nested relationship records, xsi:nil and elements in any order', async () => {
    await runCsv({ operation: 'insert', object: 'Account' }, 'Name,External_Id__c\nAcme,A1\n');
    const job = await v1.createXmlJob({ object: 'Contact', contentType: 'XML', operation: 'insert' });
    const xml =
      `<?xml version="1.0" encoding="UTF-8"?><sObjects xmlns="${ASYNC_NS}" ` +
      'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
      '<sObject><LastName>Smith</LastName><Title xsi:nil="true"/>' +
      '<Account><sObject><External_Id__c>A1</External_Id__c></sObject></Account></sObject>' +
      '<sObject><FirstName>Nobody</FirstName></sObject>' +
      '<sObject><Email>jones@example.com</Email><LastName>Jones</LastName></sObject></sObjects>';
    const batch = await v1.addBatch(job.id, xml, 'application/xml');
    assert.equal((await v1.waitBatch(job.id, batch.id)).state, 'Completed');
    const result = await v1.result(job.id, batch.id);
    assert.equal(result.contentType, 'application/xml');
    const rows = parseXml(result.text, 'results')['result'] as Record<string, unknown>[];
    const [smith, jones] = emulator.org.getRecords('Contact');
    assert.deepEqual(rows[0], { id: smith?.['Id'], success: 'true', created: 'true' });
    assert.deepEqual(rows[1], {
      errors: {
        fields: 'LastName',
        message: 'Required fields are missing: [LastName]',
        statusCode: 'REQUIRED_FIELD_MISSING',
      },
      id: { '@_xsi:nil': 'true' },
      success: 'false',
      created: 'false',
    });
    assert.equal(rows[2]?.['id'], jones?.['Id']);
    assert.equal(smith?.['AccountId'], emulator.org.getRecords('Account')[0]?.['Id']);
  });

  it('speaks JSON end to end like simple-salesforce: int concurrencyMode, nested references, nulls', async () => {
    await runCsv({ operation: 'insert', object: 'Account' }, 'Name,External_Id__c\nAcme,A1\n');
    const job = await v1.createJsonJob({
      operation: 'insert',
      object: 'Contact',
      concurrencyMode: 0,
      contentType: 'JSON',
    });
    assert.deepEqual(
      [job.state, job['concurrencyMode'], job['apiVersion'], job['externalIdFieldName']],
      ['Open', 'Parallel', 59, null],
    );
    const records = [
      { LastName: 'Smith', Account: { External_Id__c: 'A1' }, Title: null },
      { FirstName: 'NoLast' },
      { LastName: 'Brown', Account: { External_Id__c: 'missing' } },
    ];
    const batch = await v1.addBatch(job.id, JSON.stringify(records), 'application/json');
    assert.equal(typeof batch['stateMessage'], 'object');
    assert.equal((await v1.waitBatch(job.id, batch.id)).state, 'Completed');
    const result = await v1.result(job.id, batch.id);
    assert.equal(result.contentType, 'application/json');
    const smith = emulator.org.getRecords('Contact')[0];
    assert.deepEqual(JSON.parse(result.text), [
      { success: true, created: true, id: smith?.['Id'], errors: [] },
      {
        success: false,
        created: false,
        id: null,
        errors: [
          {
            message: 'Required fields are missing: [LastName]',
            fields: ['LastName'],
            statusCode: 'REQUIRED_FIELD_MISSING',
            extendedErrorDetails: null,
          },
        ],
      },
      {
        success: false,
        created: false,
        id: null,
        errors: [
          {
            message: 'Foreign key external ID: missing not found for field External_Id__c in entity Account',
            fields: [],
            statusCode: 'INVALID_FIELD',
            extendedErrorDetails: null,
          },
        ],
      },
    ]);
    // include_detailed_results zips /request with /result by position.
    const request = await v1.call('GET', `/${job.id}/batch/${batch.id}/request`);
    assert.deepEqual(JSON.parse(request.text), records);
    const closed = await v1.setState(job.id, 'Closed', true);
    assert.equal(closed.contentType, 'application/json');
    assert.equal((JSON.parse(closed.text) as { state: string }).state, 'Closed');
  });

  it('upserts and deletes from JSON and lists batches as {"batchInfo":[…]}', async () => {
    const job = await v1.createJsonJob({
      operation: 'upsert',
      object: 'Account',
      externalIdFieldName: 'External_Id__c',
      concurrencyMode: 1,
      contentType: 'JSON',
    });
    assert.equal(job['concurrencyMode'], 'Serial');
    const first = await v1.addBatch(
      job.id,
      JSON.stringify([{ External_Id__c: 'E1', Name: 'One' }]),
      'application/json',
    );
    const second = await v1.addBatch(
      job.id,
      JSON.stringify([{ External_Id__c: 'e1', Name: 'Uno' }]),
      'application/json',
    );
    await v1.waitBatch(job.id, first.id);
    await v1.waitBatch(job.id, second.id);
    const created = (JSON.parse((await v1.result(job.id, second.id)).text) as { created: boolean }[])[0];
    assert.equal(created?.created, false);
    assert.deepEqual(
      (await v1.batches(job.id)).map((b) => b.id),
      [first.id, second.id],
    );
    const [record] = emulator.org.getRecords('Account');
    assert.equal(record?.['Name'], 'Uno');
    const del = await v1.createJsonJob({ operation: 'delete', object: 'Account', contentType: 'JSON' });
    const batch = await v1.addBatch(del.id, JSON.stringify([{ Id: record?.['Id'] }]), 'application/json');
    assert.equal((await v1.waitBatch(del.id, batch.id)).state, 'Completed');
    assert.equal(emulator.org.getRecords('Account').length, 0);
  });
});
