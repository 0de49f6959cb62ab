import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createSalesforceEmulator } from '../../emulator/index.js';
import type { SalesforceEmulator } from '../../emulator/index.js';
import { API, login } from '../helpers/emulator-http.js';
import { deleteRows, insertRows } from '../helpers/org-seed.js';

type JsonRecord = Record<string, unknown> & { attributes: { type: string; url: string } };
interface QueryPage {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: JsonRecord[];
}

const LOCATOR_URL = new RegExp(`^/services/data/${API.replace('.', '\\.')}/query/01g[0-9A-Za-z]{15}-(\\d+)$`);

describe('REST query', () => {
  let emulator: SalesforceEmulator;
  let token = '';
  before(async () => {
    emulator = await createSalesforceEmulator();
    token = await login(emulator.url);
  });
  after(() => emulator.close());
  beforeEach(() => emulator.reset());

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${emulator.url}${path}`, { headers: { Authorization: `Bearer ${token}`, ...headers } });
    return { status: res.status, body: await res.json() };
  };
  const query = async (soql: string, resource = 'query', headers: Record<string, string> = {}) => {
    return get(`/services/data/${API}/${resource}?q=${encodeURIComponent(soql)}`, headers);
  };
  const page = async (soql: string, resource = 'query', headers: Record<string, string> = {}) => {
    const { status, body } = await query(soql, resource, headers);
    assert.equal(status, 200, JSON.stringify(body));
    return body as QueryPage;
  };
  /** Follows nextRecordsUrl to the end; returns every page. */
  const allPages = async (first: QueryPage) => {
    const pages = [first];
    for (let current = first; !current.done;) {
      assert.match(current.nextRecordsUrl ?? '', LOCATOR_URL);
      const { status, body } = await get(current.nextRecordsUrl ?? '');
      assert.equal(status, 200, JSON.stringify(body));
      current = body as QueryPage;
      pages.push(current);
    }
    return pages;
  };
  const seedContacts = (count: number) =>
    insertRows(
      emulator.org,
      'Contact',
      ['LastName'],
      Array.from({ length: count }, (_, i) => [`Person ${String(i).padStart(5, '0')}`]),
    );

  it('pages 4500 records in batches of 2000, every id exactly once', async () => {
    const ids = seedContacts(4500);
    const first = await page('SELECT Id, LastName FROM Contact');
    assert.equal(first.totalSize, 4500);
    assert.equal(first.done, false);
    assert.equal(LOCATOR_URL.exec(first.nextRecordsUrl ?? '')?.[1], '2000');
    const pages = await allPages(first);
    assert.deepEqual(
      pages.map((p) => p.records.length),
      [2000, 2000, 500],
    );
    assert.ok(pages.every((p) => p.totalSize === 4500));
    assert.equal(pages.at(-1)?.nextRecordsUrl, undefined);
    const seen = pages.flatMap((p) => p.records.map((r) => r['Id']));
    assert.equal(new Set(seen).size, 4500);
    assert.deepEqual(new Set(seen), new Set(ids));
  });

  it('keeps ORDER BY across pages and honours Sforce-Query-Options batchSize', async () => {
    seedContacts(1100);
    const soql = 'SELECT LastName FROM Contact ORDER BY LastName DESC';
    const first = await page(soql, 'query', { 'Sforce-Query-Options': 'batchSize=500' });
    const pages = await allPages(first);
    assert.deepEqual(
      pages.map((p) => p.records.length),
      [500, 500, 100],
    );
    const names = pages.flatMap((p) => p.records.map((r) => r['LastName']));
    assert.equal(names[0], 'Person 01099');
    assert.deepEqual(names, [...names].sort().reverse());
    // Below the minimum of 200, Salesforce uses 200.
    const small = await page(soql, 'query', { 'Sforce-Query-Options': 'batchSize=50' });
    assert.equal(small.records.length, 200);
  });

  it('writes records as Salesforce does: attributes, JSON types, nulls, nested parents', async () => {
    const [accountId] = insertRows(
      emulator.org,
      'Account',
      ['Name', 'NumberOfEmployees', 'AnnualRevenue'],
      [['Acme', '250', '1500000']],
    );
    const [withAccount, without] = insertRows(
      emulator.org,
      'Contact',
      ['LastName', 'AccountId', 'DoNotCall', 'Birthdate'],
      [
        ['Alpha', accountId ?? '', 'true', '1990-04-01'],
        ['Beta', '', '', ''],
      ],
    );
    const soql =
      'SELECT Id, LastName, FirstName, DoNotCall, Birthdate, Account.Name, Account.NumberOfEmployees, AccountId ' +
      'FROM Contact ORDER BY LastName';
    const result = await page(soql);
    assert.deepEqual(result, {
      totalSize: 2,
      done: true,
      records: [
        {
          attributes: { type: 'Contact', url: `/services/data/${API}/sobjects/Contact/${withAccount}` },
          Id: withAccount,
          LastName: 'Alpha',
          FirstName: null,
          DoNotCall: true,
          Birthdate: '1990-04-01',
          Account: {
            attributes: { type: 'Account', url: `/services/data/${API}/sobjects/Account/${accountId}` },
            Name: 'Acme',
            NumberOfEmployees: 250,
          },
          AccountId: accountId,
        },
        {
          attributes: { type: 'Contact', url: `/services/data/${API}/sobjects/Contact/${without}` },
          Id: without,
          LastName: 'Beta',
          FirstName: null,
          DoNotCall: false,
          Birthdate: null,
          Account: null,
          AccountId: null,
        },
      ],
    });
    const accounts = await page("SELECT Name, AnnualRevenue FROM Account WHERE Name = 'acme'");
    assert.equal(accounts.records[0]?.['AnnualRevenue'], 1500000);
  });

  it('leaves deleted records to queryAll', async () => {
    const ids = seedContacts(5);
    deleteRows(emulator.org, 'Contact', ids.slice(0, 2));
    const live = await page('SELECT Id, IsDeleted FROM Contact');
    assert.equal(live.totalSize, 3);
    assert.ok(live.records.every((r) => r['IsDeleted'] === false));
    const all = await page('SELECT Id, IsDeleted FROM Contact', 'queryAll');
    assert.equal(all.totalSize, 5);
    assert.deepEqual(
      all.records.filter((r) => r['IsDeleted'] === true).map((r) => r['Id']),
      ids.slice(0, 2),
    );
    const onlyDeleted = await page('SELECT Id FROM Contact WHERE IsDeleted = true', 'queryAll');
    assert.equal(onlyDeleted.totalSize, 2);
  });

  it('pages queryAll under queryAll, and its locator works under query too', async () => {
    seedContacts(2500);
    const first = await page('SELECT Id FROM Contact', 'queryAll');
    assert.match(first.nextRecordsUrl ?? '', /\/queryAll\/01g[0-9A-Za-z]{15}-2000$/);
    const second = await get(first.nextRecordsUrl?.replace('/queryAll/', '/query/') ?? '');
    assert.equal((second.body as QueryPage).records.length, 500);
  });

  it('answers bad SOQL with the SOQL error codes', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['SELECT Idx FROM Contact', 'INVALID_FIELD', /No such column 'Idx' on entity 'Contact'/],
      ['SELECT Id FROM Nope__c', 'INVALID_TYPE', /sObject type 'Nope__c' is not supported/],
      ['SELECT FROM Contact', 'MALFORMED_QUERY', /unexpected token: 'FROM'/],
      ["SELECT Id FROM Contact WHERE DoNotCall = 'yes'", 'INVALID_FIELD', /must be of type boolean/],
      ['SELECT COUNT() FROM Contact', 'MALFORMED_QUERY', /emulator does not support aggregate functions/],
    ];
    for (const [soql, errorCode, message] of cases) {
      const { status, body } = await query(soql);
      assert.equal(status, 400, soql);
      const [error] = body as Array<{ errorCode: string; message: string }>;
      assert.equal(error?.errorCode, errorCode, soql);
      assert.match(error?.message ?? '', message, soql);
    }
    const missing = await get(`/services/data/${API}/query`);
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body, [{ errorCode: 'MALFORMED_QUERY', message: 'A query string has to be specified' }]);
  });

  it('refuses unknown, malformed and released locators with INVALID_QUERY_LOCATOR', async () => {
    seedContacts(2100);
    const invalid = [{ errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' }];
    for (const locator of ['01g5g0000000000AAA-2000', 'nonsense', '01g5g0000000000AAA']) {
      const { status, body } = await get(`/services/data/${API}/query/${locator}`);
      assert.equal(status, 400, locator);
      assert.deepEqual(body, invalid);
    }
    // A user keeps at most ten cursors: the eleventh releases the first.
    const firsts: QueryPage[] = [];
    for (let i = 0; i < 11; i++) firsts.push(await page('SELECT Id FROM Contact'));
    const released = await get(firsts[0]?.nextRecordsUrl ?? '');
    assert.deepEqual([released.status, released.body], [400, invalid]);
    const kept = await get(firsts[1]?.nextRecordsUrl ?? '');
    assert.equal(kept.status, 200);
    assert.equal((kept.body as QueryPage).records.length, 100);
    // Past the end of the results, the locator names no page.
    const past = await get((firsts[1]?.nextRecordsUrl ?? '').replace(/-2000$/, '-2100'));
    assert.equal(past.status, 400);
  });

  it('needs a session like the other REST resources, and counts in request stats', async () => {
    for (const path of ['query?q=SELECT+Id+FROM+Contact', 'queryAll?q=SELECT+Id+FROM+Contact', 'query/x-2000']) {
      const res = await fetch(`${emulator.url}/services/data/${API}/${path}`);
      assert.equal(res.status, 401, path);
      assert.deepEqual(await res.json(), [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    }
    await page('SELECT Id FROM Contact');
    const stats = (await (await fetch(`${emulator.url}/__emulator/stats`)).json()) as {
      requests: Record<string, number>;
    };
    assert.equal(stats.requests['GET /services/data/vXX.X/query'], 2);
    const future = await get('/services/data/v99.0/query?q=SELECT+Id+FROM+Contact');
    assert.equal(future.status, 404);
  });
});
