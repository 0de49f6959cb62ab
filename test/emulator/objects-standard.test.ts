import assert from 'node:assert/strict';
import { before, beforeEach, describe, it } from 'node:test';
import { useEmulator } from '../helpers/emulator.js';
import { adminRecords, ingestClient, login, results, runJob } from '../helpers/emulator-http.js';
import type { Ingest } from '../helpers/emulator-http.js';

describe('Lead, Opportunity, Case and Campaign through Bulk 2.0 ingest', () => {
  const emulator = useEmulator();
  let ingest: Ingest;
  before(async () => {
    ingest = ingestClient(emulator.url, await login(emulator.url));
  });
  beforeEach(() => emulator.reset());

  async function insert(object: string, csv: string) {
    const job = await runJob(ingest, { object, operation: 'insert' }, csv);
    assert.equal(job.state, 'JobComplete');
    const ok = (await results(ingest, job.id, 'successfulResults')).rows;
    const failed = (await results(ingest, job.id, 'failedResults')).rows;
    return { ids: ok.map((r) => r['sf__Id'] ?? ''), errors: failed.map((r) => r['sf__Error']), failed };
  }

  it('uses the real key prefixes', async () => {
    const csvs: Array<[string, string, string]> = [
      ['Lead', 'LastName,Company\nDoe,Acme\n', '00Q'],
      ['Opportunity', 'Name,StageName,CloseDate\nBig deal,Prospecting,2024-06-30\n', '006'],
      ['Case', 'Subject\nPrinter on fire\n', '500'],
      ['Campaign', 'Name\nSpring launch\n', '701'],
    ];
    for (const [object, csv, prefix] of csvs) {
      const { ids, errors } = await insert(object, csv);
      assert.deepEqual(errors, []);
      assert.equal(ids[0]?.slice(0, 3), prefix, object);
    }
  });

  it('applies defaults and derived fields', async () => {
    await insert('Lead', 'FirstName,LastName,Company\nJane,Doe,Acme\n');
    await insert('Case', 'Subject\nOne\nTwo\n');
    await insert(
      'Opportunity',
      'Name,StageName,CloseDate\nWon,Closed Won,2024-06-30\nOpen,Negotiation/Review,2024-07-31\n',
    );
    await insert('Campaign', 'Name\nSpring\n');
    const [lead] = await adminRecords(emulator.url, 'Lead');
    assert.deepEqual(
      [lead?.['Name'], lead?.['Status'], lead?.['IsConverted']],
      ['Jane Doe', 'Open - Not Contacted', false],
    );
    const cases = await adminRecords(emulator.url, 'Case');
    assert.deepEqual(
      cases.map((c) => [c['CaseNumber'], c['Status'], c['Priority'], c['IsClosed']]),
      [
        ['00001001', 'New', 'Medium', false],
        ['00001002', 'New', 'Medium', false],
      ],
    );
    const opportunities = await adminRecords(emulator.url, 'Opportunity');
    assert.deepEqual(
      opportunities.map((o) => [o['IsClosed'], o['IsWon'], o['Probability'], o['CloseDate']]),
      [
        [true, true, 100, '2024-06-30'],
        [false, false, 90, '2024-07-31'],
      ],
    );
    const [campaign] = await adminRecords(emulator.url, 'Campaign');
    assert.equal(campaign?.['Status'], 'Planned');
  });

  it('links lookups by id and by relationship external id columns', async () => {
    await runJob(ingest, { object: 'Account', operation: 'insert' }, 'Name,External_Id__c\nAcme,ACC-1\n');
    const [account] = await adminRecords(emulator.url, 'Account');
    const contact = await insert('Contact', `LastName,AccountId\nSmith,${String(account?.['Id'])}\n`);
    const csv = `Subject,Account.External_Id__c,ContactId\nHelp,acc-1,${contact.ids[0]}\n`;
    assert.deepEqual((await insert('Case', csv)).errors, []);
    const opp = await insert(
      'Opportunity',
      'Name,StageName,CloseDate,Account.External_Id__c\nDeal,Prospecting,2024-01-31,ACC-1\n',
    );
    assert.deepEqual(opp.errors, []);
    const [stored] = await adminRecords(emulator.url, 'Case');
    assert.deepEqual([stored?.['AccountId'], stored?.['ContactId']], [account?.['Id'], contact.ids[0]]);
    const [storedOpp] = await adminRecords(emulator.url, 'Opportunity');
    assert.equal(storedOpp?.['AccountId'], account?.['Id']);
  });

  it('reports every per-record error in the sf__Error text form', async () => {
    const lead = await insert('Lead', 'LastName,Company,External_Id__c\nOne,Acme,L-1\n');
    const leadId = lead.ids[0] ?? '';
    const leads = await insert(
      'Lead',
      ['LastName,Company,External_Id__c,Status', 'NoCompany,,L-2,', 'Dup,Acme,l-1,', "Bad,Acme,L-3,Won't"].join('\n'),
    );
    assert.deepEqual(leads.errors, [
      'REQUIRED_FIELD_MISSING:Required fields are missing: [Company]:Company --',
      `DUPLICATE_VALUE:duplicate value found: External_Id__c duplicates value on record with id: ${leadId}:--`,
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST:Status: bad value for restricted picklist field: Won&#39;t:Status --',
    ]);
    assert.deepEqual(
      leads.failed.map((r) => r['sf__Id']),
      ['', '', ''],
    );
    const opportunities = await insert(
      'Opportunity',
      [
        'Name,StageName,CloseDate,Amount,AccountId,Account.External_Id__c',
        'Missing,,,,,',
        'Typed,Prospecting,2024-01-31,lots,,',
        'Dated,Prospecting,31/01/2024,,,',
        'Malformed,Prospecting,2024-01-31,,abc,',
        'Nowhere,Prospecting,2024-01-31,,001000000000000,',
        'Foreign,Prospecting,2024-01-31,,,ACC-404',
      ].join('\n'),
    );
    assert.deepEqual(opportunities.errors, [
      'REQUIRED_FIELD_MISSING:Required fields are missing: [StageName, CloseDate]:StageName,CloseDate --',
      'INVALID_TYPE_ON_FIELD_IN_RECORD:Amount: value not of required type: lots:Amount --',
      "INVALID_FIELD:Failed to deserialize field at col 2. Due to, '31/01/2024' is not a valid value for the type xsd:date:CloseDate --",
      'MALFORMED_ID:Account ID: id value of incorrect type: abc:AccountId --',
      'INVALID_CROSS_REFERENCE_KEY:invalid cross reference id:--',
      'INVALID_FIELD:Foreign key external ID: ACC-404 not found for field External_Id__c in entity Account:--',
    ]);
    const long = 'x'.repeat(81);
    const campaign = await insert('Campaign', `Name\n${long}\n`);
    assert.deepEqual(campaign.errors, [`STRING_TOO_LONG:Name: data value too large: ${long} (max length=80):Name --`]);
  });

  it('reports ENTITY_IS_DELETED and clears fields with #N/A', async () => {
    const { ids } = await insert('Case', 'Subject,Origin\nOne,Phone\nTwo,Web\n');
    const [first = '', second = ''] = ids;
    const deleted = await runJob(ingest, { object: 'Case', operation: 'delete' }, `Id\n${first}\n`);
    assert.equal(deleted['numberRecordsFailed'], 0);
    const update = await runJob(
      ingest,
      { object: 'Case', operation: 'update' },
      `Id,Origin,Subject\n${first},Email,X\n${second},#N/A,\n`,
    );
    const failed = (await results(ingest, update.id, 'failedResults')).rows;
    assert.deepEqual(
      failed.map((r) => [r['sf__Id'], r['sf__Error']]),
      [[first, 'ENTITY_IS_DELETED:entity is deleted:--']],
    );
    const live = await adminRecords(emulator.url, 'Case');
    assert.deepEqual(
      live.map((c) => [c['Subject'], c['Origin']]),
      [['Two', null]],
    );
  });

  it('refuses writes to read-only fields', async () => {
    const { errors } = await insert('Case', 'Subject,CaseNumber\nOne,123\n');
    assert.equal(
      errors[0]?.startsWith('INVALID_FIELD_FOR_INSERT_UPDATE:Unable to create/update fields: CaseNumber.'),
      true,
    );
  });
});
