/**
 * A keep-alive connection the client has chosen for its next request is not closed under it. A client that
 * is busy for a while between two requests (jsforce converts a whole load to CSV before it sends a byte, on
 * the thread that also runs its timers) writes its next request on a connection that has been idle for that
 * long; if the server has given up on the connection meanwhile, the request is reset, and a client that then
 * retries a streamed PUT sends only the rest of its stream.
 */
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { useEmulator } from '../helpers/emulator.js';
import { API, getJob, ingestClient, login, pollJob, results } from '../helpers/emulator-http.js';
import type { Ingest, JobInfo } from '../helpers/emulator-http.js';

/** Longer than Node's default idle keep-alive timeout (5 s), which this test is about. */
const BUSY_MS = 6000;

interface Answer {
  status: number;
  body: string;
  reusedSocket: boolean;
}

/** One request through `agent`, so that it goes on the agent's idle connection when there is one. */
function send(agent: Agent, url: string, method: string, headers: Record<string, string>, body: string) {
  return new Promise<Answer>((resolve, reject) => {
    const req = request(url, { agent, method, headers: { ...headers, 'Content-Length': Buffer.byteLength(body) } });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString(),
          reusedSocket: req.reusedSocket,
        }),
      );
    });
    req.end(body);
  });
}

/** Blocks this thread, timers included, as a client busy with synchronous work does. */
function busy(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('keep-alive connections', () => {
  const emulator = useEmulator();
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  after(() => agent.destroy());
  let token: string;
  let ingest: Ingest;
  before(async () => {
    token = await login(emulator.url);
    ingest = ingestClient(emulator.url, token);
  });

  it('serves an upload sent on a connection left idle while the client was busy', async () => {
    const base = `${emulator.url}/services/data/${API}/jobs/ingest`;
    const auth = { Authorization: `Bearer ${token}` };
    const body = JSON.stringify({ object: 'Contact', operation: 'insert', contentType: 'CSV' });
    const created = await send(agent, base, 'POST', { ...auth, 'Content-Type': 'application/json' }, body);
    assert.equal(created.status, 200, created.body);
    const job = JSON.parse(created.body) as JobInfo;

    busy(BUSY_MS);
    const csv = 'LastName,Email\nFirst,first@example.com\nSecond,second@example.com\n';
    const uploaded = await send(
      agent,
      `${base}/${job.id}/batches`,
      'PUT',
      { ...auth, 'Content-Type': 'text/csv' },
      csv,
    );
    assert.equal(uploaded.reusedSocket, true, 'the upload went on the idle connection');
    assert.equal(uploaded.status, 201, uploaded.body);

    const patch = JSON.stringify({ state: 'UploadComplete' });
    const closed = await send(
      agent,
      `${base}/${job.id}`,
      'PATCH',
      { ...auth, 'Content-Type': 'application/json' },
      patch,
    );
    assert.equal(closed.status, 200, closed.body);
    await pollJob(ingest, job.id, (j) => j.state === 'JobComplete');
    const info = await getJob(ingest, job.id);
    assert.equal(info['numberRecordsProcessed'], 2);
    assert.equal(info['numberRecordsFailed'], 0);
    const { rows } = await results(ingest, job.id, 'successfulResults');
    assert.deepEqual(
      rows.map((r) => [r['LastName'], r['Email']]),
      [
        ['First', 'first@example.com'],
        ['Second', 'second@example.com'],
      ],
    );
  });
});
