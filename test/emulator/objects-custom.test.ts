import assert from 'node:assert/strict';
import { before, beforeEach, describe, it } from 'node:test';
import { createSalesforceEmulator } from '../../emulator/index.js';
import { executeSoql } from '../../emulator/soql/index.js';
import type { CustomObjectDefinition } from '../../emulator/index.js';
import { useEmulator } from '../helpers/emulator.js';
import { adminRecords, ingestClient, login, results, runJob } from '../helpers/emulator-http.js';
import type { Ingest } from '../helpers/emulator-http.js';

const CUSTOM_OBJECTS: CustomObjectDefinition[] = [
  {
    name: 'Invoice__c',
    label: 'Invoice',
    keyPrefix: 'a01',
    fields: [
      { name: 'Invoice_Number__c', label: 'Invoice Number', type: 'string', length: 20, required: true, unique: true, externalId: true },
      { name: 'Notes__c', type: 'textarea', length: 1000 },
      { name: 'Contact_Email__c', label: 'Contact Email', type: 'email' },
      { name: 'Phone__c', type: 'phone' },
      { name: 'Site__c', type: 'url' },
      { name: 'Quantity__c', type: 'int', precision: 4 },
      { name: 'Weight__c', type: 'double', precision: 8, scale: 3 },
      { name: 'Total__c', type: 'currency', precision: 10, scale: 2 },
      { name: 'Discount__c', type: 'percent', precision: 5, scale: 2 },
      { name: 'Paid__c', type: 'boolean' },
      { name: 'Due__c', label: 'Due Date', type: 'date' },
      { name: 'Sent__c', type: 'datetime' },
      { name: 'Stage__c', label: 'Stage', type: 'picklist', picklistValues: ['Draft', 'Sent', 'Paid'], restricted: true, defaultValue: 'Draft' },
      { name: 'Tag__c', type: 'picklist', picklistValues: ['A', 'B'] },
      { name: 'Account__c', label: 'Account', type: 'reference', referenceTo: 'account' },
    ],
  },
  {
    name: 'Invoice_Line__c',
    keyPrefix: 'a02',
    fields: [
      { name: 'Invoice__c', type: 'reference', referenceTo: 'Invoice__c', required: true },
      { name: 'Amount__c', type: 'currency' },
    ],
  },
  {
    name: 'Account',
    fields: [
      { name: 'Tier__c', label: 'Tier', type: 'picklist', picklistValues: ['Gold', 'Silver'], restricted: true },
      { name: 'Legacy_Id__c', type: 'string', length: 10, externalId: true, unique: true },
    ],
  },
]; // prettier-ignore

describe('configurable custom objects and fields', () => {
  const emulator = useEmulator({ customObjects: CUSTOM_OBJECTS });
  let ingest: Ingest;
  before(async () => {
    ingest = ingestClient(emulator.url, await login(emulator.url));
  });
  beforeEach(() => emulator.reset());

  async function load(object: string, operation: string, csv: string, extra: Record<string, unknown> = {}) {
    const job = await runJob(ingest, { object, operation, ...extra }, csv);
    assert.equal(job.state, 'JobComplete', String(job['errorMessage']));
    const ok = (await results(ingest, job.id, 'successfulResults')).rows;
    const failed = (await results(ingest, job.id, 'failedResults')).rows;
    return { ids: ok.map((r) => r['sf__Id'] ?? ''), errors: failed.map((r) => r['sf__Error']) };
  }

  it('stores every field type under the org-specific key prefix; Name defaults to the id', async () => {
    await load('Account', 'insert', 'Name,Legacy_Id__c,Tier__c\nAcme,L-1,Gold\n');
    const header =
      'Invoice_Number__c,Notes__c,Contact_Email__c,Phone__c,Site__c,Quantity__c,Weight__c,Total__c,Discount__c,Paid__c,Due__c,Sent__c,Tag__c,Account__r.Legacy_Id__c';
    const row =
      'INV-1,"two\nlines",a@b.co,555-0100,https://x.test,12,1.2345,99.999,12.5,true,2024-02-29,2024-03-01T10:00:00Z,Z,L-1';
    const { ids, errors } = await load('invoice__c', 'insert', `${header}\n${row}\n`);
    assert.deepEqual(errors, []);
    assert.match(ids[0] ?? '', /^a01\w{15}$/);
    const [invoice] = await adminRecords(emulator.url, 'Invoice__c');
    const [account] = await adminRecords(emulator.url, 'Account');
    assert.deepEqual(
      [
        invoice?.['Name'], invoice?.['Notes__c'], invoice?.['Quantity__c'], invoice?.['Weight__c'], invoice?.['Total__c'],
        invoice?.['Discount__c'], invoice?.['Paid__c'], invoice?.['Due__c'], invoice?.['Sent__c'], invoice?.['Stage__c'],
        invoice?.['Tag__c'], invoice?.['Account__c'],
      ],
      [
        ids[0], 'two\nlines', 12, 1.235, 100, 12.5, true, '2024-02-29', '2024-03-01T10:00:00.000+0000', 'Draft', 'Z',
        account?.['Id'],
      ],
    ); // prettier-ignore
  });

  it('upserts on a custom external id (matched case-insensitively) and links children by relationship', async () => {
    await load('Invoice__c', 'insert', 'Name,Invoice_Number__c\nFirst,INV-1\n');
    const upsert = await load('Invoice__c', 'upsert', 'Invoice_Number__c,Stage__c\ninv-1,Sent\nINV-2,Paid\n', {
      externalIdFieldName: 'Invoice_Number__c',
    });
    assert.deepEqual(upsert.errors, []);
    const invoices = await adminRecords(emulator.url, 'Invoice__c');
    assert.deepEqual(
      invoices.map((r) => [r['Name'], r['Invoice_Number__c'], r['Stage__c']]),
      [
        ['First', 'inv-1', 'Sent'],
        [invoices[1]?.['Id'], 'INV-2', 'Paid'],
      ],
    );
    const lines = await load('Invoice_Line__c', 'insert', 'Invoice__r.Invoice_Number__c,Amount__c\nINV-2,10.5\n,3\n');
    assert.deepEqual(lines.errors, ['REQUIRED_FIELD_MISSING:Required fields are missing: [Invoice__c]:Invoice__c --']);
    const result = executeSoql(emulator.org, 'SELECT Invoice__r.Invoice_Number__c, Amount__c FROM Invoice_Line__c', {
      includeDeleted: false,
    });
    assert.deepEqual(result.fields, ['Invoice__r.Invoice_Number__c', 'Amount__c']);
    assert.deepEqual(result.rows, [['INV-2', 10.5]]);
  });

  it('validates custom fields with Salesforce errors', async () => {
    await load('Invoice__c', 'insert', 'Invoice_Number__c\nINV-1\n');
    const csv = [
      'Invoice_Number__c,Stage__c,Quantity__c,Contact_Email__c,Total__c',
      ',,,,',
      'inv-1,,,,',
      'INV-2,Lost,,,',
      'INV-3,,1.5,,',
      'INV-4,,,not-an-email,',
      'INV-5,,,,123456789',
      `${'N'.repeat(21)},,,,`,
    ].join('\n');
    const { errors } = await load('Invoice__c', 'insert', csv);
    const [first] = await adminRecords(emulator.url, 'Invoice__c');
    assert.deepEqual(errors, [
      'REQUIRED_FIELD_MISSING:Required fields are missing: [Invoice_Number__c]:Invoice_Number__c --',
      `DUPLICATE_VALUE:duplicate value found: Invoice_Number__c duplicates value on record with id: ${String(first?.['Id'])}:--`,
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST:Stage: bad value for restricted picklist field: Lost:Stage__c --',
      'INVALID_TYPE_ON_FIELD_IN_RECORD:Quantity: value not of required type: 1.5:Quantity__c --',
      'INVALID_EMAIL_ADDRESS:Contact Email: invalid email address: not-an-email:Contact_Email__c --',
      'NUMBER_OUTSIDE_VALID_RANGE:Total: value outside of valid range on numeric field: 123456789:Total__c --',
      `STRING_TOO_LONG:Invoice Number: data value too large: ${'N'.repeat(21)} (max length=20):Invoice_Number__c --`,
    ]);
  });

  it('adds custom fields to standard objects', async () => {
    const { errors } = await load('Account', 'insert', 'Name,Tier__c,Legacy_Id__c\nAcme,Gold,L-1\nBad,Bronze,L-2\n');
    assert.deepEqual(errors, [
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST:Tier: bad value for restricted picklist field: Bronze:Tier__c --',
    ]);
    const upsert = await load('Account', 'upsert', 'Legacy_Id__c,Name\nL-1,Acme Renamed\n', {
      externalIdFieldName: 'Legacy_Id__c',
    });
    assert.deepEqual(upsert.errors, []);
    const rows = executeSoql(emulator.org, "SELECT Name, Tier__c FROM Account WHERE Tier__c = 'gold'", {
      includeDeleted: false,
    }).rows;
    assert.deepEqual(rows, [['Acme Renamed', 'Gold']]);
  });

  it('refuses invalid definitions when the emulator starts', async () => {
    const bad: Array<[CustomObjectDefinition[], RegExp]> = [
      [[{ name: 'Invoice', keyPrefix: 'a01', fields: [] }], /must look like My_Object__c/],
      [[{ name: 'Invoice__c', fields: [] }], /keyPrefix must be 3 characters/],
      [[{ name: 'Invoice__c', keyPrefix: '001', fields: [] }], /keyPrefix 001 is already used/],
      [[{ name: 'Account', fields: [{ name: 'Tier', type: 'string' }] }], /must look like My_Field__c/],
      [[{ name: 'Account', fields: [{ name: 'Kind__c', type: 'picklist' }] }], /needs picklistValues/],
      [[{ name: 'Account', fields: [{ name: 'Boss__c', type: 'reference', referenceTo: 'Nope__c' }] }], /unknown object 'Nope__c'/],
      [[{ name: 'Account', fields: [{ name: 'X__c', type: 'int' }, { name: 'x__c', type: 'int' }] }], /defined twice/],
    ]; // prettier-ignore
    for (const [customObjects, message] of bad) {
      await assert.rejects(createSalesforceEmulator({ customObjects }), message);
    }
  });
});
