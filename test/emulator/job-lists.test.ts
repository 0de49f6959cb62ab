/**
 * The Bulk 2.0 job lists show Bulk v1 jobs too (`jobType: "Classic"`), as Salesforce documents, and take the
 * filters jobType, isPkChunkingEnabled and concurrencyMode, carried along in nextRecordsUrl.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { V1Client, soapLogin } from '../helpers/bulk1-client.js';
import { useEmulator } from '../helpers/emulator.js';
import { API, createJob, ingestClient, login } from '../helpers/emulator-http.js';
import { jobListPage } from '../../emulator/bulk2/job-lists.js';
import type { ListedJob } from '../../emulator/bulk2/job-lists.js';
import { dataClient } from '../helpers/emulator-query.js';
import type { DataCall } from '../helpers/emulator-query.js';

type Page = { done: boolean; records: Array<Record<string, unknown>>; nextRecordsUrl: string | null };

describe('Bulk 2.0 job lists', () => {
  const emulator = useEmulator();
  let data: DataCall;
  let token: string;
  const ids: Record<string, string> = {};
  before(async () => {
    token = await login(emulator.url);
    data = dataClient(emulator.url, token);
    const ingest = ingestClient(emulator.url, token);
    const v1 = new V1Client(emulator.url, await soapLogin(emulator.url));
    ids['v2Ingest'] = (await createJob(ingest, { object: 'Contact', operation: 'insert' })).id;
    ids['v1Serial'] = (
      await v1.createXmlJob({ operation: 'insert', object: 'Account', contentType: 'CSV', concurrencyMode: 'Serial' })
    ).id;
    const query = await data('/jobs/query', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ operation: 'query', query: 'SELECT Id FROM Contact' }),
    });
    ids['v2Query'] = ((await query.json()) as { id: string }).id;
    const pk = await v1.createXmlJob(
      { operation: 'query', object: 'Contact', contentType: 'JSON' },
      {
        'Sforce-Enable-PKChunking': 'chunkSize=1000',
      },
    );
    ids['v1Pk'] = pk.id;
  });

  const list = async (path: string): Promise<Page> => {
    const res = await data(path);
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as Page;
  };
  const idsOf = (page: Page) => page.records.map((record) => record['id']);

  it('lists Bulk 2.0 ingest jobs and every v1 job, in creation order', async () => {
    const page = await list('/jobs/ingest');
    assert.deepEqual(idsOf(page), [ids['v2Ingest'], ids['v1Serial'], ids['v1Pk']]);
    assert.deepEqual([page.done, page.nextRecordsUrl], [true, null]);
    const serial = page.records[1] ?? {};
    assert.deepEqual(
      { ...serial, createdDate: undefined, systemModstamp: undefined, createdById: undefined },
      {
        id: ids['v1Serial'],
        operation: 'insert',
        object: 'Account',
        createdById: undefined,
        createdDate: undefined,
        systemModstamp: undefined,
        state: 'Open',
        concurrencyMode: 'Serial',
        contentType: 'CSV',
        apiVersion: 59,
        jobType: 'Classic',
      },
    );
    assert.equal(page.records[0]?.['jobType'], 'V2Ingest');
  });

  it('lists Bulk 2.0 query jobs and every v1 job', async () => {
    const page = await list('/jobs/query');
    assert.deepEqual(idsOf(page), [ids['v1Serial'], ids['v2Query'], ids['v1Pk']]);
    assert.equal(page.records[1]?.['jobType'], 'V2Query');
    assert.deepEqual(idsOf(await list('/jobs/query?jobType=V2Query')), [ids['v2Query']]);
    assert.deepEqual(idsOf(await list('/jobs/query?jobType=V2Ingest')), []);
  });

  it('filters by jobType, isPkChunkingEnabled and concurrencyMode', async () => {
    assert.deepEqual(idsOf(await list('/jobs/ingest?jobType=Classic')), [ids['v1Serial'], ids['v1Pk']]);
    assert.deepEqual(idsOf(await list('/jobs/ingest?jobType=V2Ingest')), [ids['v2Ingest']]);
    assert.deepEqual(idsOf(await list('/jobs/ingest?jobType=BigObjectIngest')), []);
    assert.deepEqual(idsOf(await list('/jobs/ingest?isPkChunkingEnabled=true')), [ids['v1Pk']]);
    assert.deepEqual(idsOf(await list('/jobs/query?isPkChunkingEnabled=false')), [ids['v1Serial'], ids['v2Query']]);
    assert.deepEqual(idsOf(await list('/jobs/ingest?concurrencyMode=serial')), [ids['v1Serial']]);
    assert.deepEqual(idsOf(await list('/jobs/ingest?concurrencyMode=Parallel&jobType=Classic')), [ids['v1Pk']]);
    for (const [query, name, value] of [
      ['jobType=Bulk', 'jobType', 'Bulk'],
      ['isPkChunkingEnabled=yes', 'isPkChunkingEnabled', 'yes'],
      ['concurrencyMode=fast', 'concurrencyMode', 'fast'],
    ] as const) {
      const res = await data(`/jobs/ingest?${query}`);
      assert.equal(res.status, 400);
      assert.deepEqual(await res.json(), [
        { errorCode: 'API_ERROR', message: `Invalid value: '${value}' supplied for parameter: '${name}'` },
      ]);
    }
  });

  it('pages by 1000 with the filters carried in nextRecordsUrl', () => {
    // The page logic itself, on 1001 jobs plus one of another type: a thousand requests would take seconds.
    const jobs: ListedJob[] = Array.from({ length: 1001 }, (_, i) => ({
      id: `7505g00000${String(i).padStart(5, '0')}AAA`,
      jobType: 'V2Ingest',
      concurrencyMode: 'Parallel',
      pkChunking: false,
      info: { n: i },
    }));
    jobs.push({
      id: '7505g0000000000ZZZ',
      jobType: 'Classic',
      concurrencyMode: 'Parallel',
      pkChunking: false,
      info: {},
    });
    const base = `/services/data/${API}/jobs/ingest`;
    const first = jobListPage(new URL(`http://x${base}?jobType=V2Ingest`), base, jobs) as Page;
    assert.deepEqual([first.records.length, first.done], [1000, false]);
    assert.equal(first.nextRecordsUrl, `${base}?jobType=V2Ingest&queryLocator=1000`);
    const second = jobListPage(new URL(`http://x${first.nextRecordsUrl ?? ''}`), base, jobs) as Page;
    assert.deepEqual([second.records, second.done, second.nextRecordsUrl], [[{ n: 1000 }], true, null]);
  });
});
