import assert from 'node:assert/strict';
import { before, beforeEach, describe, it } from 'node:test';
import Papa from 'papaparse';
import { useEmulator } from '../helpers/emulator.js';
import { API, login } from '../helpers/emulator-http.js';
import { eventually } from '../helpers/eventually.js';
import { deleteRows, insertRows } from '../helpers/org-seed.js';

type Query = (path: string, init?: RequestInit) => Promise<Response>;
type JobInfo = Record<string, unknown> & { id: string; state: string };

function queryClient(baseUrl: string, token: string, version = API): Query {
  const base = `${baseUrl}/services/data/${version}/jobs/query`;
  return (path, init = {}) =>
    fetch(`${base}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, ...init.headers } });
}

async function createQueryJob(query: Query, body: Record<string, unknown>): Promise<Response> {
  return query('', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

async function getQueryJob(query: Query, id: string): Promise<JobInfo> {
  const res = await query(`/${id}`);
  assert.equal(res.status, 200);
  return (await res.json()) as JobInfo;
}

function pollQueryJob(query: Query, id: string, predicate: (job: JobInfo) => boolean): Promise<JobInfo> {
  return eventually(() => getQueryJob(query, id), {
    until: predicate,
    timeoutMs: 10_000,
    what: `query job ${id} to reach the condition`,
  });
}

async function runQuery(query: Query, body: Record<string, unknown>): Promise<JobInfo> {
  const res = await createQueryJob(query, body);
  assert.equal(res.status, 200, await res.clone().text());
  const created = (await res.json()) as JobInfo;
  return pollQueryJob(query, created.id, (job) => ['JobComplete', 'Failed', 'Aborted'].includes(job.state));
}

const parse = (csv: string) => Papa.parse<string[]>(csv.trimEnd(), { delimiter: ',' }).data;

describe('Bulk 2.0 query jobs', () => {
  const emulator = useEmulator();
  let query: Query;
  let token: string;
  before(async () => {
    token = await login(emulator.url);
    query = queryClient(emulator.url, token);
  });
  beforeEach(() => {
    emulator.reset();
    const [acme = ''] = insertRows(emulator.org, 'Account', ['Name'], [['Acme "Corp"']]);
    const rows = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara'].map((name, i) => [name, `Last${i}`, i < 2 ? acme : '']);
    const ids = insertRows(emulator.org, 'Contact', ['FirstName', 'LastName', 'AccountId'], rows);
    deleteRows(emulator.org, 'Contact', [ids[4] ?? '']);
  });

  it('creates a job as UploadComplete and completes it in the background', async () => {
    const res = await createQueryJob(query, { operation: 'query', query: 'SELECT Id, FirstName FROM Contact' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('sforce-locator'), null);
    const created = (await res.json()) as JobInfo;
    assert.deepEqual(Object.keys(created), [
      'id', 'operation', 'object', 'createdById', 'createdDate', 'systemModstamp', 'state', 'concurrencyMode',
      'contentType', 'apiVersion', 'lineEnding', 'columnDelimiter',
    ]); // prettier-ignore
    assert.deepEqual([created.state, created['object'], created['operation']], ['UploadComplete', 'Contact', 'query']);
    assert.match(created.id, /^750/);
    const done = await pollQueryJob(query, created.id, (job) => job.state === 'JobComplete');
    assert.equal(done['jobType'], 'V2Query');
    assert.equal(done['numberRecordsProcessed'], 4);
    assert.equal(done['retries'], 0);
    assert.equal(typeof done['totalProcessingTime'], 'number');
    assert.equal(done['apiVersion'], 62);
    const info = await query(`/${created.id}`);
    assert.equal(info.headers.get('sforce-locator'), null, 'job info must never carry a locator');
  });

  it('returns one page by default: header row, every value quoted, the literal null locator', async () => {
    const job = await runQuery(query, { operation: 'query', query: 'SELECT FirstName, Account.Name, Id FROM Contact' });
    const res = await query(`/${job.id}/results`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
    assert.equal(res.headers.get('sforce-locator'), 'null');
    assert.equal(res.headers.get('sforce-numberofrecords'), '4');
    const text = await res.text();
    const lines = text.split('\n');
    assert.equal(lines[0], '"FirstName","Account.Name","Id"');
    assert.match(lines[1] ?? '', /^"Ada","Acme ""Corp""","003\w{15}"$/);
    assert.match(lines[3] ?? '', /^"Alan","","003\w{15}"$/);
    assert.equal(lines.length, 6, 'four rows, a header and the final newline');
  });

  it('pages with maxRecords: standalone pages, stable re-fetchable locators, null on the last', async () => {
    const job = await runQuery(query, { operation: 'query', query: 'SELECT LastName FROM Contact ORDER BY LastName' });
    const pages: string[][][] = [];
    const locators: string[] = [];
    let locator: string | null = null;
    do {
      const suffix: string = locator === null ? '' : `&locator=${locator}`;
      const res = await query(`/${job.id}/results?maxRecords=3${suffix}`);
      assert.equal(res.status, 200);
      const rows = parse(await res.text());
      assert.deepEqual(rows[0], ['LastName'], 'each page has its own header');
      assert.equal(res.headers.get('sforce-numberofrecords'), String(rows.length - 1));
      pages.push(rows.slice(1));
      locator = res.headers.get('sforce-locator');
      assert.ok(locator !== null, 'Sforce-Locator is always present');
      if (locator !== 'null') locators.push(locator);
    } while (locator !== 'null');
    assert.deepEqual(pages, [[['Last0'], ['Last1'], ['Last2']], [['Last3']]]);
    assert.equal(locators.length, 1);
    assert.match(locators[0] ?? '', /^[A-Za-z0-9+/]+$/);
    const again = await query(`/${job.id}/results?maxRecords=3&locator=${locators[0]}`);
    assert.deepEqual(parse(await again.text()).slice(1), [['Last3']]);
    const bad = await query(`/${job.id}/results?locator=not-a-locator`);
    assert.equal(bad.status, 400);
  });

  it('honours columnDelimiter and lineEnding', async () => {
    const soql = "SELECT FirstName, LastName FROM Contact WHERE FirstName = 'Ada'";
    const job = await runQuery(query, { operation: 'query', query: soql, columnDelimiter: 'PIPE', lineEnding: 'CRLF' });
    const text = await (await query(`/${job.id}/results`)).text();
    assert.equal(text, '"FirstName"|"LastName"\r\n"Ada"|"Last0"\r\n');
  });

  it('queryAll sees deleted records, query does not', async () => {
    const soql = 'SELECT FirstName, IsDeleted FROM Contact WHERE IsDeleted = true';
    const plain = await runQuery(query, { operation: 'query', query: soql });
    assert.equal(await (await query(`/${plain.id}/results`)).text(), '"FirstName","IsDeleted"\n');
    const all = await runQuery(query, { operation: 'queryAll', query: soql });
    assert.equal(all['operation'], 'queryAll');
    assert.equal(await (await query(`/${all.id}/results`)).text(), '"FirstName","IsDeleted"\n"Barbara","true"\n');
  });

  it('validates the query at creation', async () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ operation: 'query', query: 'SELECT Id FROM Contact WHERE' }, 'MALFORMED_QUERY', /unexpected token: '<EOF>'$/],
      [{ operation: 'query', query: 'SELECT Nope FROM Contact' }, 'INVALID_FIELD', /No such column 'Nope' on entity 'Contact'/],
      [{ operation: 'query', query: 'SELECT Id FROM Nope' }, 'INVALID_TYPE', /sObject type 'Nope' is not supported/],
      [{ operation: 'query', query: 'SELECT Id, (SELECT Id FROM Contacts) FROM Account' }, 'API_ERROR', /^Aggregate Relationships not supported in Bulk V2 Query with CSV content type$/],
      [{ operation: 'query', query: 'SELECT COUNT() FROM Contact' }, 'API_ERROR', /not supported in Bulk V2 Query/],
      [{ operation: 'insert', query: 'SELECT Id FROM Contact' }, 'API_ERROR', /^Invalid value: 'insert' supplied for property: 'operation'$/],
      [{ operation: 'query' }, 'API_ERROR', /property: 'query'/],
      [{ operation: 'query', query: 'SELECT Id FROM Contact', columnDelimiter: 'DOT' }, 'API_ERROR', /columnDelimiter/],
    ]; // prettier-ignore
    for (const [body, errorCode, message] of cases) {
      const res = await createQueryJob(query, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      const [error] = (await res.json()) as Array<{ errorCode: string; message: string }>;
      assert.equal(error?.errorCode, errorCode);
      assert.match(error?.message ?? '', message);
    }
    const list = (await (await query('')).json()) as { records: unknown[] };
    assert.equal(list.records.length, 0, 'no job is created for a refused query');
  });

  it('lists jobs, deletes them, and answers 404 afterwards; trailing slashes are fine', async () => {
    const res = await query('/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ operation: 'query', query: 'SELECT Id FROM Account' }),
    });
    assert.equal(res.status, 200);
    const { id } = (await res.json()) as JobInfo;
    await pollQueryJob(query, id, (job) => job.state === 'JobComplete');
    assert.equal((await query(`/${id}/results/`)).status, 200);
    const list = (await (await query('')).json()) as { done: boolean; records: JobInfo[]; nextRecordsUrl: unknown };
    assert.equal(list.done, true);
    assert.equal(list.nextRecordsUrl, null);
    assert.deepEqual(
      list.records.map((job) => [job.id, job['jobType']]),
      [[id, 'V2Query']],
    );
    const stats = (await (await fetch(`${emulator.url}/__emulator/stats`)).json()) as { jobs: JobInfo[] };
    assert.ok(stats.jobs.some((job) => job.id === id && job.state === 'JobComplete'));
    assert.equal((await query(`/${id}/`, { method: 'DELETE' })).status, 204);
    assert.equal((await query(`/${id}`)).status, 404);
    assert.equal((await query(`/${id}/results`)).status, 404);
  });

  it('hands out parallel result pages from API 58.0', async () => {
    const job = await runQuery(query, { operation: 'query', query: 'SELECT LastName FROM Contact' });
    const res = await query(`/${job.id}/resultPages`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      resultPages: Array<{ resultUrl: string }>;
      done: boolean;
      nextRecordsUrl: unknown;
    };
    assert.equal(body.done, true);
    assert.equal(body.nextRecordsUrl, null);
    assert.equal(body.resultPages.length, 1);
    const url = body.resultPages[0]?.resultUrl ?? '';
    assert.match(url, new RegExp(`^/services/data/${API}/jobs/query/${job.id}/results\\?locator=`));
    const page = await fetch(`${emulator.url}${url}`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(page.headers.get('sforce-numberofrecords'), '4');
    assert.equal(page.headers.get('sforce-locator'), 'null');
    const old = queryClient(emulator.url, token, 'v57.0');
    assert.equal((await old(`/${job.id}/resultPages`)).status, 404);
  });

  it('answers results and resultPages only at the API version the job was created with (409 otherwise)', async () => {
    const atV60 = queryClient(emulator.url, token, 'v60.0');
    const created = await runQuery(atV60, { operation: 'query', query: 'SELECT LastName FROM Contact' });
    assert.equal(created.state, 'JobComplete');
    assert.equal((await atV60(`/${created.id}/results`)).status, 200);
    assert.equal((await atV60(`/${created.id}/resultPages`)).status, 200);
    for (const path of [`/${created.id}/results`, `/${created.id}/resultPages`, `/${created.id}/results?locator=MA`]) {
      const res = await query(path);
      assert.equal(res.status, 409, path);
      assert.deepEqual(await res.json(), [
        {
          errorCode: 'API_VERSION_MISMATCH',
          message:
            `Job ${created.id} was created with API version 60.0; ` +
            `get its results with the same version (/services/data/v60.0/jobs/query/${created.id})`,
        },
      ]);
    }
    // Job info, the list, abort and delete are not tied to the job's version.
    assert.equal((await getQueryJob(query, created.id)).state, 'JobComplete');
    assert.equal((await query(`/${created.id}`, { method: 'DELETE' })).status, 204);
  });
});

describe('Bulk 2.0 query jobs while processing', () => {
  const emulator = useEmulator({ recordsPerSecond: 20 });
  let query: Query;
  before(async () => {
    query = queryClient(emulator.url, await login(emulator.url));
    insertRows(
      emulator.org,
      'Account',
      ['Name'],
      Array.from({ length: 60 }, (_, i) => [`Account ${i}`]),
    );
  });

  it('refuses results before JobComplete, aborts, then deletes', async () => {
    const res = await createQueryJob(query, { operation: 'query', query: 'SELECT Name FROM Account' });
    const { id } = (await res.json()) as JobInfo;
    const running = await pollQueryJob(query, id, (job) => job.state === 'InProgress');
    assert.ok(Number(running['numberRecordsProcessed']) < 60);
    const early = await query(`/${id}/results`);
    assert.equal(early.status, 400);
    const [error] = (await early.json()) as Array<{ errorCode: string }>;
    assert.equal(error?.errorCode, 'INVALIDJOBSTATE');
    assert.equal((await query(`/${id}`, { method: 'DELETE' })).status, 400, 'a running job cannot be deleted');
    const abort = await query(`/${id}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ state: 'Aborted' }),
    });
    assert.equal(abort.status, 200);
    assert.equal(((await abort.json()) as JobInfo).state, 'Aborted');
    const aborted = await pollQueryJob(query, id, (job) => job.state === 'Aborted');
    assert.ok(Number(aborted['numberRecordsProcessed']) < 60);
    assert.equal((await query(`/${id}/results`)).status, 400);
    const again = await query(`/${id}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ state: 'Aborted' }),
    });
    assert.equal(again.status, 400);
    assert.equal((await query(`/${id}`, { method: 'DELETE' })).status, 204);
  });
});
