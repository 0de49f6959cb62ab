import assert from 'node:assert/strict';
import { before, beforeEach, describe, it } from 'node:test';
import { useEmulator } from '../helpers/emulator.js';
import {
  adminRecords,
  createJob,
  getJob,
  ingestClient,
  login,
  results,
  runJob,
  setState,
  uploadCsv,
} from '../helpers/emulator-http.js';
import type { Ingest } from '../helpers/emulator-http.js';

describe('Bulk 2.0 insert jobs', () => {
  const emulator = useEmulator();
  let ingest: Ingest;
  before(async () => {
    ingest = ingestClient(emulator.url, await login(emulator.url));
  });
  beforeEach(() => emulator.reset());

  it('creates an Open job with the real field set and a relative contentUrl', async () => {
    const job = await createJob(ingest, { object: 'contact', operation: 'insert' });
    assert.equal(job.state, 'Open');
    assert.equal(job['object'], 'Contact');
    assert.equal(job['contentUrl'], `services/data/v62.0/jobs/ingest/${job.id}/batches`);
    assert.equal(job['columnDelimiter'], 'COMMA');
    assert.equal(job['lineEnding'], 'LF');
    assert.equal(job['apiVersion'], 62);
    assert.match(String(job['createdDate']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
  });

  it('stores and echoes assignmentRuleId (API 49.0 and later), and shows it only when given', async () => {
    const ruleId = '01Q5g0000004XyZEAU';
    const job = await createJob(ingest, { object: 'Lead', operation: 'insert', assignmentRuleId: ruleId });
    assert.equal(job['assignmentRuleId'], ruleId);
    assert.equal((await getJob(ingest, job.id))['assignmentRuleId'], ruleId);
    const plain = await createJob(ingest, { object: 'Lead', operation: 'insert' });
    assert.equal('assignmentRuleId' in (await getJob(ingest, plain.id)), false);
    const bad = await ingest('', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ object: 'Lead', operation: 'insert', assignmentRuleId: 42 }),
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), [
      { errorCode: 'API_ERROR', message: "Invalid value: '42' supplied for property: 'assignmentRuleId'" },
    ]);
  });

  it('inserts rows in the background and reports successes and failures', async () => {
    const csv =
      'FirstName,LastName,Email,Title\nAda,Lovelace,ada@example.com,Countess\nNo,,no@example.com,\nAlan,Turing,,\n';
    const job = await runJob(ingest, { object: 'Contact', operation: 'insert' }, csv);
    assert.equal(job.state, 'JobComplete');
    assert.equal(job['numberRecordsProcessed'], 3);
    assert.equal(job['numberRecordsFailed'], 1);
    assert.equal(job['contentUrl'], undefined);

    const successful = await results(ingest, job.id, 'successfulResults');
    assert.equal(successful.text.split('\n')[0], '"sf__Id","sf__Created",FirstName,LastName,Email,Title');
    assert.equal(successful.rows.length, 2);
    assert.ok(successful.rows.every((row) => /^003[0-9A-Za-z]{15}$/.test(row['sf__Id'] ?? '')));
    assert.ok(successful.rows.every((row) => row['sf__Created'] === 'true'));
    assert.match(successful.text, /"Ada","Lovelace","ada@example.com","Countess"\n/);

    const failed = await results(ingest, job.id, 'failedResults');
    assert.deepEqual(failed.rows, [
      {
        sf__Id: '',
        sf__Error: 'REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --',
        FirstName: 'No',
        LastName: '',
        Email: 'no@example.com',
        Title: '',
      },
    ]);
    assert.equal((await results(ingest, job.id, 'unprocessedrecords')).text, 'FirstName,LastName,Email,Title\n');

    const records = await adminRecords(emulator.url, 'Contact');
    assert.deepEqual(
      records.map((r) => [r['Name'], r['Email'], r['Title'], r['IsDeleted']]),
      [
        ['Ada Lovelace', 'ada@example.com', 'Countess', false],
        ['Alan Turing', null, null, false],
      ],
    );
    assert.deepEqual(
      emulator.org.getRecords('Contact').map((r) => r['Id']),
      successful.rows.map((r) => r['sf__Id']),
    );
  });

  it('reports per-record validation errors in Salesforce form', async () => {
    const csv = [
      'Name,NumberOfEmployees,Website,AnnualRevenue,ParentId',
      `${'x'.repeat(256)},,,,`,
      'Bad Employees,many,,,',
      'Bad Parent,,,,not-an-id',
      'Missing Parent,,,,001000000000000',
      'Fine,12,https://example.com,1500000.4,',
    ].join('\n');
    const job = await runJob(ingest, { object: 'Account', operation: 'insert' }, csv);
    assert.equal(job['numberRecordsFailed'], 4);
    const errors = (await results(ingest, job.id, 'failedResults')).rows.map((r) => r['sf__Error']);
    assert.deepEqual(errors, [
      `STRING_TOO_LONG:Account Name: data value too large: ${'x'.repeat(256)} (max length=255):Name --`,
      'INVALID_TYPE_ON_FIELD_IN_RECORD:Employees: value not of required type: many:NumberOfEmployees --',
      'MALFORMED_ID:Parent Account ID: id value of incorrect type: not-an-id:ParentId --',
      'INVALID_CROSS_REFERENCE_KEY:invalid cross reference id:--',
    ]);
    const [account] = await adminRecords(emulator.url, 'Account');
    assert.deepEqual([account?.['NumberOfEmployees'], account?.['AnnualRevenue']], [12, 1500000]);
  });

  it('refuses a second upload with the real BULK_API_ERROR', async () => {
    const job = await createJob(ingest, { object: 'Contact', operation: 'insert' });
    assert.equal((await uploadCsv(ingest, job.id, 'LastName\nOne\n')).status, 201);
    const second = await uploadCsv(ingest, job.id, 'LastName\nTwo\n');
    assert.equal(second.status, 400);
    const [error] = (await second.json()) as { errorCode: string; message: string }[];
    assert.equal(error?.errorCode, 'BULK_API_ERROR');
    assert.equal(
      error?.message,
      `Found multipe contents for job: <${job.id.slice(0, 15)}>, please 'Close' / 'Abort' / 'Delete' the current Job ` +
        "then create a new Job and make sure you only do 'PUT' once on a given Job.",
    );
  });

  it('fails the job on an unknown column and leaves every row unprocessed', async () => {
    const job = await runJob(ingest, { object: 'Contact', operation: 'insert' }, 'LastName,Shoe_Size__c\nA,9\nB,10\n');
    assert.equal(job.state, 'Failed');
    assert.equal(job['errorMessage'], 'InvalidBatch : Field name not found : Shoe_Size__c');
    assert.equal(job['numberRecordsProcessed'], 0);
    const unprocessed = await results(ingest, job.id, 'unprocessedRecords');
    assert.equal(unprocessed.text, 'LastName,Shoe_Size__c\n"A","9"\n"B","10"\n');
    assert.equal((await results(ingest, job.id, 'successfulResults')).rows.length, 0);
    assert.deepEqual(await adminRecords(emulator.url, 'Contact'), []);
  });

  it('answers job-state and lookup errors', async () => {
    const token = await login(emulator.url);
    for (const version of ['v40.0', 'v63.0']) {
      const res = await fetch(`${emulator.url}/services/data/${version}/jobs/ingest`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      assert.equal(res.status, 404, version);
    }
    const unknown = await ingest('/750000000000000AAA');
    assert.equal(unknown.status, 404);
    assert.deepEqual(await unknown.json(), [
      { errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' },
    ]);

    const job = await createJob(ingest, { object: 'Contact', operation: 'insert' });
    const deleteOpen = await ingest(`/${job.id}`, { method: 'DELETE' });
    assert.equal(deleteOpen.status, 400);
    assert.equal((await setState(ingest, job.id, 'Aborted')).status, 200);
    const reopen = await setState(ingest, job.id, 'UploadComplete');
    assert.equal(reopen.status, 400);
    assert.equal(((await reopen.json()) as { errorCode: string }[])[0]?.errorCode, 'INVALIDJOBSTATE');
    assert.equal((await getJob(ingest, job.id)).state, 'Aborted');
    assert.equal((await ingest(`/${job.id}/`, { method: 'DELETE' })).status, 204);
    assert.equal((await ingest(`/${job.id}`)).status, 404);
  });

  it('validates job creation', async () => {
    const create = (body: Record<string, unknown>) =>
      ingest('', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const cases: [Record<string, unknown>, string][] = [
      [{ object: 'Spaceship__c', operation: 'insert' }, 'INVALIDJOB'],
      [{ object: 'Contact', operation: 'merge' }, 'API_ERROR'],
      [{ object: 'Contact', operation: 'upsert' }, 'INVALIDJOB'],
      [{ object: 'Contact', operation: 'upsert', externalIdFieldName: 'Email' }, 'INVALIDJOB'],
      [{ object: 'Contact', operation: 'insert', columnDelimiter: 'COLON' }, 'API_ERROR'],
    ];
    for (const [body, errorCode] of cases) {
      const res = await create(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(((await res.json()) as { errorCode: string }[])[0]?.errorCode, errorCode);
    }
  });

  it('lists jobs and counts requests by route', async () => {
    await createJob(ingest, { object: 'Contact', operation: 'insert' });
    await createJob(ingest, { object: 'Account', operation: 'insert' });
    const list = (await (await ingest('/')).json()) as {
      done: boolean;
      records: { object: string }[];
      nextRecordsUrl: null;
    };
    assert.equal(list.done, true);
    assert.equal(list.nextRecordsUrl, null);
    assert.deepEqual(
      list.records.map((r) => r.object),
      ['Contact', 'Account'],
    );

    const stats = (await (await fetch(`${emulator.url}/__emulator/stats`)).json()) as {
      requests: Record<string, number>;
      jobs: { api: string; state: string }[];
    };
    assert.equal(stats.requests['POST /services/data/vXX.X/jobs/ingest'], 2);
    assert.equal(stats.requests['GET /services/data/vXX.X/jobs/ingest'], 1);
    assert.deepEqual(
      stats.jobs.map((j) => [j.api, j.state]),
      [
        ['2.0', 'Open'],
        ['2.0', 'Open'],
      ],
    );

    assert.equal((await fetch(`${emulator.url}/__emulator/reset`, { method: 'POST' })).status, 204);
    const after = (await (await fetch(`${emulator.url}/__emulator/stats`)).json()) as {
      jobs: unknown[];
      requests: object;
    };
    assert.deepEqual(after, { requests: {}, jobs: [], batches: [] });
  });
});
