import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { FaultSpec } from '../../emulator/index.js';
import { useEmulator } from '../helpers/emulator.js';
import { API, createJob, ingestClient, login, setState, uploadCsv } from '../helpers/emulator-http.js';
import type { Ingest } from '../helpers/emulator-http.js';

async function postFaults(baseUrl: string, body: unknown) {
  const res = await fetch(`${baseUrl}/__emulator/faults`, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

async function faultStats(baseUrl: string) {
  const stats = (await (await fetch(`${baseUrl}/__emulator/stats`)).json()) as {
    faults?: (FaultSpec & { seen: number; fired: number })[];
  };
  return stats.faults ?? [];
}

describe('request faults', () => {
  const emulator = useEmulator();
  let ingest: Ingest;
  beforeEach(async () => {
    emulator.reset();
    ingest = ingestClient(emulator.url, await login(emulator.url));
  });

  it('answers the next N matching requests with a 5xx, then lets them through', async () => {
    const set = await postFaults(emulator.url, {
      faults: [{ type: 'serverError', method: 'PUT', path: '*/batches', count: 2 }],
    });
    assert.equal(set.status, 200);
    const job = await createJob(ingest, { object: 'Account', operation: 'insert' });
    for (let i = 0; i < 2; i++) {
      const failed = await uploadCsv(ingest, job.id, 'Name\nAcme\n');
      assert.equal(failed.status, 500);
      const [error] = (await failed.json()) as { errorCode: string; message: string }[];
      assert.equal(error?.errorCode, 'UNKNOWN_EXCEPTION');
      assert.match(error?.message ?? '', /^An unexpected error occurred\. Please include this ErrorId/);
    }
    assert.equal((await uploadCsv(ingest, job.id, 'Name\nAcme\n')).status, 201);
    assert.equal((await setState(ingest, job.id, 'UploadComplete')).status, 200, 'other routes were never hit');
    const [report] = await faultStats(emulator.url);
    assert.equal(report?.fired, 2);
    assert.equal(report?.seen, 3);
  });

  it('picks the same requests for the same seed, and spares skipped ones', async () => {
    async function pattern(fault: FaultSpec): Promise<number[]> {
      emulator.faults.set(fault);
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const res = await ingest('');
        statuses.push(res.status);
        await res.arrayBuffer();
      }
      return statuses;
    }
    const seeded: FaultSpec = { type: 'serverError', status: 503, path: '/jobs/ingest', rate: 0.5, seed: 42 };
    const first = await pattern(seeded);
    assert.deepEqual(await pattern(seeded), first);
    assert.ok(first.includes(503) && first.includes(200), first.join());
    const every = await pattern({ type: 'serverError', status: 502, every: 3, skip: 2 });
    assert.deepEqual(every, [200, 200, 200, 200, 502, 200, 200, 502, 200, 200, 502, 200]);
  });

  it('delays matching requests', async () => {
    emulator.faults.set({ type: 'latency', ms: 250, method: 'GET', count: 1 });
    const started = performance.now();
    const res = await ingest('');
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    assert.ok(performance.now() - started >= 240, 'the first GET waited');
    const [report] = emulator.faults.report();
    assert.equal(report?.fired, 1);
  });

  it('resets the connection in the middle of an upload, leaving the job without data', async () => {
    emulator.faults.set({ type: 'connectionReset', method: 'PUT', afterBytes: 1024, count: 1 });
    const job = await createJob(ingest, { object: 'Account', operation: 'insert' });
    const csv = `Name\n${Array.from({ length: 5000 }, (_, i) => `Acme ${i}`).join('\n')}\n`;
    await assert.rejects(uploadCsv(ingest, job.id, csv), TypeError);
    // The upload never happened: a second PUT is accepted rather than refused as a duplicate.
    assert.equal((await uploadCsv(ingest, job.id, csv)).status, 201);
    assert.equal(emulator.faults.report()[0]?.fired, 1);
  });

  it('rate-limits with REQUEST_LIMIT_EXCEEDED and Retry-After', async () => {
    emulator.faults.set([
      { type: 'rateLimit', count: 1, retryAfterSeconds: 7 },
      { type: 'rateLimit', status: 429, count: 1, message: 'ConcurrentPerOrgLongTxn Limit exceeded.' },
    ]);
    const first = await ingest('');
    assert.equal(first.status, 403);
    assert.equal(first.headers.get('retry-after'), '7');
    assert.deepEqual(await first.json(), [
      { errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' },
    ]);
    const second = await ingest('');
    assert.equal(second.status, 429);
    assert.equal(second.headers.get('retry-after'), '1');
    assert.deepEqual(await second.json(), [
      { errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'ConcurrentPerOrgLongTxn Limit exceeded.' },
    ]);
    const third = await ingest('');
    assert.equal(third.status, 200);
    await third.arrayBuffer();
  });

  it('answers v1 requests in the v1 dialect', async () => {
    const token = await login(emulator.url);
    emulator.faults.set({ type: 'serverError', path: '/services/async/*', count: 1 });
    const res = await fetch(`${emulator.url}/services/async/62.0/job/750000000000000`, {
      headers: { 'X-SFDC-Session': token },
    });
    assert.equal(res.status, 500);
    assert.match(
      await res.text(),
      /<error xmlns="http:\/\/www\.force\.com\/2009\/06\/asyncapi\/dataload"><exceptionCode>InternalServerError<\/exceptionCode>/,
    );
  });

  it('refuses malformed faults, naming the field, and keeps the active ones', async () => {
    emulator.faults.set({ type: 'latency', ms: 1 });
    const cases: [unknown, RegExp][] = [
      [{ type: 'meteor' }, /faults\[0\]\.type must be one of/],
      [[{ type: 'latency' }], /faults\[0\]\.ms is required/],
      [
        {
          faults: [
            { type: 'latency', ms: 5 },
            { type: 'serverError', rate: 2 },
          ],
        },
        /faults\[1\]\.rate must be a number from 0 to 1/,
      ],
      [{ type: 'serverError', status: 404 }, /faults\[0\]\.status is not allowed/],
      [{ type: 'latency', ms: 5, colour: 'red' }, /faults\[0\]\.colour is not a field of a latency fault/],
    ];
    for (const [body, message] of cases) {
      const { status, body: answer } = await postFaults(emulator.url, body);
      assert.equal(status, 400);
      const [error] = answer as { errorCode: string; message: string }[];
      assert.equal(error?.errorCode, 'INVALID_FAULT');
      assert.match(error?.message ?? '', message);
    }
    assert.throws(() => emulator.faults.set({ type: 'latency', ms: -1 }), /faults\[0\]\.ms/);
    assert.deepEqual(
      emulator.faults.report().map((f) => f.type),
      ['latency'],
    );
  });

  it('is cleared by reset, by DELETE, and leaves admin calls alone', async () => {
    emulator.faults.set({ type: 'serverError' });
    assert.equal((await fetch(`${emulator.url}/__emulator/stats`)).status, 200);
    const res = await fetch(`${emulator.url}/__emulator/reset`, { method: 'POST' });
    assert.equal(res.status, 204);
    assert.deepEqual(emulator.faults.report(), []);
    const ok = await fetch(`${emulator.url}/services/data/${API}/jobs/ingest`, {
      headers: { Authorization: 'Bearer x' },
    });
    assert.equal(ok.status, 401);
    await ok.arrayBuffer();
    emulator.faults.set({ type: 'serverError' });
    assert.equal((await fetch(`${emulator.url}/__emulator/faults`, { method: 'DELETE' })).status, 204);
    const listed = (await (await fetch(`${emulator.url}/__emulator/faults`)).json()) as { faults: unknown[] };
    assert.deepEqual(listed.faults, []);
  });
});
