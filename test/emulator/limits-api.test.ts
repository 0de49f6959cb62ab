import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { createSalesforceEmulator } from '../../emulator/index.js';
import { useEmulator } from '../helpers/emulator.js';
import { API, ingestClient, login, runJob } from '../helpers/emulator-http.js';

type Limits = Record<string, { Max: number; Remaining: number }>;

async function getLimits(baseUrl: string, token: string) {
  const res = await fetch(`${baseUrl}/services/data/${API}/limits`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, usage: res.headers.get('sforce-limit-info'), body: (await res.json()) as Limits };
}

describe('API limits', () => {
  const emulator = useEmulator({
    limits: {
      DailyApiRequests: 1000,
      DailyBulkApiBatches: 50,
      DailyBulkV2QueryJobs: 20,
      DailyBulkV2QueryFileStorageMB: 3,
    },
  });
  let token = '';
  beforeEach(async () => {
    emulator.reset();
    token = await login(emulator.url);
  });

  it('reports the limits with Max and Remaining, counting every authenticated request', async () => {
    const first = await getLimits(emulator.url, token);
    assert.equal(first.status, 200);
    assert.deepEqual(first.body, {
      DailyApiRequests: { Max: 1000, Remaining: 999 },
      DailyBulkApiBatches: { Max: 50, Remaining: 50 },
      DailyBulkV2QueryJobs: { Max: 20, Remaining: 20 },
      DailyBulkV2QueryFileStorageMB: { Max: 3, Remaining: 3 },
    });
    assert.equal(first.usage, 'api-usage=1/1000');
    const list = await fetch(`${emulator.url}/services/data/${API}/jobs/ingest`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    assert.equal(list.headers.get('sforce-limit-info'), 'api-usage=2/1000');
    await list.arrayBuffer();
    const second = await getLimits(emulator.url, token);
    assert.equal(second.body['DailyApiRequests']?.Remaining, 997);
    assert.equal(second.usage, 'api-usage=3/1000');
  });

  it('needs a session, and unauthenticated calls are not counted', async () => {
    const res = await fetch(`${emulator.url}/services/data/${API}/limits`);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('sforce-limit-info'), null);
    await res.arrayBuffer();
    assert.equal(emulator.limits.used('DailyApiRequests'), 0);
  });

  it('counts a Bulk 2.0 ingest job as one batch per 10,000 rows', async () => {
    const rows = Array.from({ length: 10_001 }, (_, i) => `Acme ${i}`).join('\n');
    const job = await runJob(
      ingestClient(emulator.url, token),
      { object: 'Account', operation: 'insert' },
      `Name\n${rows}\n`,
    );
    assert.equal(job.state, 'JobComplete');
    const { body } = await getLimits(emulator.url, token);
    assert.deepEqual(body['DailyBulkApiBatches'], { Max: 50, Remaining: 48 });
  });

  it('counts Bulk 2.0 query jobs', async () => {
    const res = await fetch(`${emulator.url}/services/data/${API}/jobs/query`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ operation: 'query', query: 'SELECT Id FROM Account' }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    await res.arrayBuffer();
    const { body } = await getLimits(emulator.url, token);
    assert.deepEqual(body['DailyBulkV2QueryJobs'], { Max: 20, Remaining: 19 });
  });

  it('reports query file storage as set, and its usage as consumed in-process', async () => {
    emulator.limits.consume('DailyBulkV2QueryFileStorageMB', 2);
    const { body } = await getLimits(emulator.url, token);
    assert.deepEqual(body['DailyBulkV2QueryFileStorageMB'], { Max: 3, Remaining: 1 });
  });

  it('rejects a bad maximum, naming it', async () => {
    await assert.rejects(
      createSalesforceEmulator({ limits: { DailyApiRequests: -1 } }),
      /options\.limits\.DailyApiRequests/,
    );
  });
});

describe('exhausted API request limit', () => {
  const emulator = useEmulator({ limits: { DailyApiRequests: 2 } });

  it('answers REQUEST_LIMIT_EXCEEDED on REST/2.0 and ExceededQuota on v1 once nothing is left', async () => {
    const token = await login(emulator.url);
    const headers = { Authorization: `Bearer ${token}` };
    for (let i = 0; i < 2; i++) {
      const ok = await fetch(`${emulator.url}/services/data/${API}/jobs/ingest`, { headers });
      assert.equal(ok.status, 200);
      await ok.arrayBuffer();
    }
    const refused = await fetch(`${emulator.url}/services/data/${API}/jobs/ingest`, { headers });
    assert.equal(refused.status, 403);
    assert.deepEqual(await refused.json(), [
      { errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' },
    ]);
    const v1 = await fetch(`${emulator.url}/services/async/62.0/job/750000000000000`, {
      headers: { 'X-SFDC-Session': token },
    });
    assert.equal(v1.status, 400);
    assert.match(
      await v1.text(),
      /<exceptionCode>ExceededQuota<\/exceptionCode><exceptionMessage>TotalRequests Limit exceeded\.<\/exceptionMessage>/,
    );
    // Logging in is not an API request and still works; reset restores the allowance.
    await login(emulator.url);
    emulator.reset();
    const again = await fetch(`${emulator.url}/services/data/${API}/jobs/ingest`, { headers });
    assert.equal(again.status, 200);
    await again.arrayBuffer();
  });
});
