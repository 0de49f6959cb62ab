import assert from 'node:assert/strict';
import { before, beforeEach, describe, it } from 'node:test';
import { useEmulator } from '../helpers/emulator.js';
import { adminRecords, ingestClient, login, results, runJob } from '../helpers/emulator-http.js';
import type { Ingest } from '../helpers/emulator-http.js';

describe('Bulk 2.0 update, upsert and delete', () => {
  const emulator = useEmulator();
  let ingest: Ingest;
  before(async () => {
    ingest = ingestClient(emulator.url, await login(emulator.url));
  });
  beforeEach(() => emulator.reset());

  async function insertContacts(csv: string): Promise<string[]> {
    const job = await runJob(ingest, { object: 'Contact', operation: 'insert' }, csv);
    assert.equal(job['numberRecordsFailed'], 0);
    return (await results(ingest, job.id, 'successfulResults')).rows.map((r) => r['sf__Id'] ?? '');
  }

  it('updates by Id: empty cells leave fields alone, #N/A clears them', async () => {
    const [id] = await insertContacts('FirstName,LastName,Title,Department\nGrace,Hopper,Rear Admiral,Navy\n');
    const csv = `Id,Title,Department,Email\n${id},,#N/A,grace@example.com\n`;
    const job = await runJob(ingest, { object: 'Contact', operation: 'update' }, csv);
    assert.equal(job['numberRecordsFailed'], 0);
    const [success] = (await results(ingest, job.id, 'successfulResults')).rows;
    assert.deepEqual([success?.['sf__Id'], success?.['sf__Created']], [id, 'false']);
    const [record] = await adminRecords(emulator.url, 'Contact');
    assert.deepEqual(
      [record?.['Title'], record?.['Department'], record?.['Email']],
      ['Rear Admiral', null, 'grace@example.com'],
    );
  });

  it('accepts 15-character and case-folded 18-character ids and reports bad ones', async () => {
    const [id = ''] = await insertContacts('LastName\nOne\n');
    const csv = [
      'Id,Title',
      `${id.slice(0, 15)},Short`,
      `${id.toLowerCase()},Folded`,
      'nonsense,X',
      `${id},#N/A`,
      '003000000000000,Y',
      'LastName,Z',
    ].join('\n');
    const job = await runJob(ingest, { object: 'Contact', operation: 'update' }, csv);
    assert.equal(job['numberRecordsProcessed'], 6);
    const failed = (await results(ingest, job.id, 'failedResults')).rows.map((r) => r['sf__Error']);
    assert.deepEqual(failed, [
      'MALFORMED_ID:Contact ID: id value of incorrect type: nonsense:Id --',
      'INVALID_CROSS_REFERENCE_KEY:invalid cross reference id:--',
      'MALFORMED_ID:Contact ID: id value of incorrect type: LastName:Id --',
    ]);
    const [record] = await adminRecords(emulator.url, 'Contact');
    assert.equal(record?.['Title'], null);
  });

  it('refuses to clear a required field on update', async () => {
    const [id] = await insertContacts('LastName\nKeep\n');
    const job = await runJob(ingest, { object: 'Contact', operation: 'update' }, `Id,LastName\n${id},#N/A\n`);
    const [failed] = (await results(ingest, job.id, 'failedResults')).rows;
    assert.equal(failed?.['sf__Error'], 'REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --');
    assert.equal(failed?.['sf__Id'], id);
  });

  it('upserts on an external id, creating or updating, and links parents by external id', async () => {
    await runJob(ingest, { object: 'Account', operation: 'insert' }, 'Name,External_Id__c\nAcme,ACC-1\n');
    const [accountId] = (await adminRecords(emulator.url, 'Account')).map((r) => r['Id']);
    await insertContacts('LastName,External_Id__c,Email\nOld,C-1,old@example.com\n');
    const csv = [
      'External_Id__c,LastName,Account.External_Id__c',
      'c-1,Updated,ACC-1',
      'C-2,Created,',
      ',NoKey,',
      'C-3,Orphan,ACC-404',
    ].join('\n');
    const job = await runJob(
      ingest,
      { object: 'Contact', operation: 'upsert', externalIdFieldName: 'External_Id__c' },
      csv,
    );
    const successful = (await results(ingest, job.id, 'successfulResults')).rows;
    assert.deepEqual(
      successful.map((r) => [r['External_Id__c'], r['sf__Created']]),
      [
        ['c-1', 'false'],
        ['C-2', 'true'],
      ],
    );
    const failed = (await results(ingest, job.id, 'failedResults')).rows.map((r) => r['sf__Error']);
    assert.deepEqual(failed, [
      'MISSING_ARGUMENT:External_Id__c not specified:--',
      'INVALID_FIELD:Foreign key external ID: ACC-404 not found for field External_Id__c in entity Account:--',
    ]);
    const contacts = await adminRecords(emulator.url, 'Contact');
    assert.deepEqual(
      contacts.map((r) => [r['LastName'], r['Email'], r['AccountId']]),
      [
        ['Updated', 'old@example.com', accountId],
        ['Created', null, null],
      ],
    );
  });

  it('rejects duplicate external ids, bad emails and impossible dates', async () => {
    await insertContacts('LastName,External_Id__c\nFirst,DUP\n');
    const csv = 'LastName,External_Id__c,Email,Birthdate\nSecond,dup,,\nThird,,not-an-email,\nFourth,,,1990-02-30\n';
    const job = await runJob(ingest, { object: 'Contact', operation: 'insert' }, csv);
    const failed = (await results(ingest, job.id, 'failedResults')).rows.map((r) => r['sf__Error'] ?? '');
    assert.match(
      failed[0] ?? '',
      /^DUPLICATE_VALUE:duplicate value found: External_Id__c duplicates value on record with id: 003\w{15}:--$/,
    );
    assert.equal(failed[1], 'INVALID_EMAIL_ADDRESS:Email: invalid email address: not-an-email:Email --');
    assert.equal(
      failed[2],
      "INVALID_FIELD:Failed to deserialize field at col 3. Due to, '1990-02-30' is not a valid value for the type xsd:date:Birthdate --",
    );
  });

  it('soft-deletes, then reports ENTITY_IS_DELETED; hardDelete removes for good', async () => {
    const [a, b] = await insertContacts('LastName\nA\nB\n');
    const deleted = await runJob(ingest, { object: 'Contact', operation: 'delete' }, `Id\n${a}\n`);
    assert.equal(deleted['numberRecordsFailed'], 0);
    assert.deepEqual(
      (await adminRecords(emulator.url, 'Contact')).map((r) => r['Id']),
      [b],
    );
    const withDeleted = await adminRecords(emulator.url, 'Contact', true);
    assert.deepEqual(
      withDeleted.map((r) => [r['Id'], r['IsDeleted']]),
      [
        [a, true],
        [b, false],
      ],
    );

    const again = await runJob(ingest, { object: 'Contact', operation: 'update' }, `Id,Title\n${a},X\n`);
    const [failure] = (await results(ingest, again.id, 'failedResults')).rows;
    assert.equal(failure?.['sf__Error'], 'ENTITY_IS_DELETED:entity is deleted:--');

    const hard = await runJob(ingest, { object: 'Contact', operation: 'hardDelete' }, `Id\n${b}\n`);
    assert.equal(hard['numberRecordsFailed'], 0);
    assert.deepEqual(
      (await adminRecords(emulator.url, 'Contact', true)).map((r) => r['Id']),
      [a],
    );
  });
});
