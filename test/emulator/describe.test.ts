import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSalesforceEmulator } from '../../emulator/index.js';
import type { SalesforceEmulator } from '../../emulator/index.js';
import { API, login } from '../helpers/emulator-http.js';

type Field = Record<string, unknown> & { name: string };
type SObjectDescribe = Record<string, unknown> & { name: string; fields: Field[] };
type GlobalEntry = Record<string, unknown> & { name: string; urls: Record<string, string> };

describe('sObject describe', () => {
  let emulator: SalesforceEmulator;
  let token = '';
  before(async () => {
    emulator = await createSalesforceEmulator({
      customObjects: [
        {
          name: 'Invoice__c',
          keyPrefix: 'a01',
          fields: [
            { name: 'Number__c', type: 'string', length: 20, required: true, unique: true, externalId: true },
            { name: 'Stage__c', type: 'picklist', picklistValues: ['Draft', 'Paid'], restricted: true },
            { name: 'Account__c', type: 'reference', referenceTo: 'Account' },
            { name: 'Amount__c', type: 'currency', precision: 16, scale: 2 },
          ],
        },
        {
          name: 'Contact',
          fields: [{ name: 'Tier__c', type: 'picklist', picklistValues: ['Gold'], defaultValue: 'Gold' }],
        },
      ],
    });
    token = await login(emulator.url);
  });
  after(() => emulator.close());

  const get = async (path: string, auth = true) => {
    const headers: Record<string, string> = auth ? { Authorization: `Bearer ${token}` } : {};
    const res = await fetch(`${emulator.url}/services/data/${API}${path}`, { headers });
    return { status: res.status, body: await res.json() };
  };
  const describeObject = async (name: string) => {
    const { status, body } = await get(`/sobjects/${name}/describe`);
    assert.equal(status, 200);
    return body as SObjectDescribe;
  };
  const field = (object: SObjectDescribe, name: string): Field => {
    const found = object.fields.find((f) => f.name === name);
    assert.ok(found, `${object.name}.${name} is described`);
    return found;
  };

  it('lists every object in describeGlobal, custom ones included, sorted by name', async () => {
    const { status, body } = await get('/sobjects/');
    assert.equal(status, 200);
    const global = body as { encoding: string; maxBatchSize: number; sobjects: GlobalEntry[] };
    assert.equal(global.encoding, 'UTF-8');
    assert.equal(global.maxBatchSize, 200);
    const names = global.sobjects.map((s) => s.name);
    for (const name of ['Account', 'Contact', 'Invoice__c']) assert.ok(names.includes(name), name);
    assert.deepEqual(names, [...names].sort());
    const invoice = global.sobjects.find((s) => s.name === 'Invoice__c');
    assert.deepEqual(
      { ...invoice, urls: undefined },
      {
        ...invoice,
        custom: true,
        keyPrefix: 'a01',
        label: 'Invoice',
        labelPlural: 'Invoices',
        createable: true,
        updateable: true,
        deletable: true,
        queryable: true,
        urls: undefined,
      },
    );
    assert.equal(invoice?.urls['describe'], `/services/data/${API}/sobjects/Invoice__c/describe`);
    const opportunity = global.sobjects.find((s) => s.name === 'Opportunity');
    assert.equal(opportunity?.['labelPlural'], 'Opportunities');
    assert.equal(opportunity?.['custom'], false);
  });

  it("describes Contact's fields: required, system, external id, picklist and lookup", async () => {
    const contact = await describeObject('contact');
    assert.equal(contact.name, 'Contact');
    assert.equal(contact['keyPrefix'], '003');
    assert.equal(contact['queryable'], true);
    const lastName = field(contact, 'LastName');
    assert.equal(lastName['nillable'], false);
    assert.equal(lastName['createable'], true);
    assert.equal(lastName['type'], 'string');
    assert.equal(lastName['length'], 80);
    const id = field(contact, 'Id');
    assert.deepEqual(
      [id['idLookup'], id['createable'], id['nillable'], id['defaultedOnCreate'], id['type']],
      [true, false, false, true, 'id'],
    );
    const external = field(contact, 'External_Id__c');
    assert.deepEqual([external['externalId'], external['idLookup'], external['unique']], [true, true, true]);
    assert.equal(external['custom'], true);
    const account = field(contact, 'AccountId');
    assert.deepEqual(account['referenceTo'], ['Account']);
    assert.equal(account['relationshipName'], 'Account');
    assert.equal(account['type'], 'reference');
    assert.equal(field(contact, 'FirstName')['relationshipName'], null);
    assert.deepEqual(field(contact, 'FirstName')['referenceTo'], []);
    assert.equal(field(contact, 'Birthdate')['length'], 0);
    assert.equal(field(contact, 'OwnerId')['defaultedOnCreate'], true);
    assert.equal(field(contact, 'CreatedDate')['nillable'], false);
    assert.equal(field(contact, 'Name')['nameField'], true);
  });

  it('gives picklist values with their default, and custom fields on standard objects', async () => {
    const contact = await describeObject('Contact');
    assert.deepEqual((field(contact, 'Salutation')['picklistValues'] as unknown[])[0], {
      active: true,
      defaultValue: false,
      label: 'Mr.',
      validFor: null,
      value: 'Mr.',
    });
    const tier = field(contact, 'Tier__c');
    assert.deepEqual(tier['picklistValues'], [
      { active: true, defaultValue: true, label: 'Gold', validFor: null, value: 'Gold' },
    ]);
    assert.equal(tier['defaultedOnCreate'], true);
    assert.equal(tier['custom'], true);
    const lead = await describeObject('Lead');
    assert.equal(field(lead, 'Status')['restrictedPicklist'], true);
    const caseDescribe = await describeObject('Case');
    const caseNumber = field(caseDescribe, 'CaseNumber');
    assert.deepEqual([caseNumber['autoNumber'], caseNumber['defaultedOnCreate']], [true, true]);
  });

  it('describes a custom object: external id, restricted picklist, lookup, currency', async () => {
    const invoice = await describeObject('Invoice__c');
    assert.equal(invoice['custom'], true);
    const number = field(invoice, 'Number__c');
    assert.deepEqual(
      [number['externalId'], number['idLookup'], number['nillable'], number['length'], number['byteLength']],
      [true, true, false, 20, 60],
    );
    const stage = field(invoice, 'Stage__c');
    assert.equal(stage['restrictedPicklist'], true);
    assert.deepEqual(
      (stage['picklistValues'] as { value: string }[]).map((v) => v.value),
      ['Draft', 'Paid'],
    );
    const account = field(invoice, 'Account__c');
    assert.deepEqual([account['referenceTo'], account['relationshipName']], [['Account'], 'Account__r']);
    const amount = field(invoice, 'Amount__c');
    assert.deepEqual([amount['type'], amount['precision'], amount['scale'], amount['length']], ['currency', 16, 2, 0]);
    for (const f of invoice.fields) assert.equal(f['calculated'], false, f.name);
  });

  it("lists child relationships on the parent's describe", async () => {
    const account = await describeObject('Account');
    const children = account['childRelationships'] as Record<string, unknown>[];
    const contacts = children.find((c) => c['childSObject'] === 'Contact' && c['field'] === 'AccountId');
    assert.equal(contacts?.['relationshipName'], 'Contacts');
    const invoices = children.find((c) => c['childSObject'] === 'Invoice__c');
    assert.equal(invoices?.['relationshipName'], 'Invoices__r');
  });

  it('answers the basic information resource', async () => {
    const { status, body } = await get('/sobjects/Account');
    assert.equal(status, 200);
    const info = body as { objectDescribe: GlobalEntry; recentItems: unknown[] };
    assert.equal(info.objectDescribe.name, 'Account');
    assert.deepEqual(info.recentItems, []);
  });

  it('answers 404 NOT_FOUND for an unknown object, as Salesforce does', async () => {
    for (const path of ['/sobjects/Nope__c/describe', '/sobjects/Nope__c']) {
      const { status, body } = await get(path);
      assert.equal(status, 404);
      assert.deepEqual(body, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    }
  });

  it('needs a session, and counts in request stats', async () => {
    for (const path of ['/sobjects', '/sobjects/Contact/describe']) {
      const { status, body } = await get(path, false);
      assert.equal(status, 401);
      assert.deepEqual(body, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    }
    const stats = (await (await fetch(`${emulator.url}/__emulator/stats`)).json()) as {
      requests: Record<string, number>;
    };
    assert.ok((stats.requests['GET /services/data/vXX.X/sobjects/{object}/describe'] ?? 0) >= 1);
  });
});
