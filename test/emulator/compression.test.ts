/**
 * Compression as the Bulk APIs do it: result files come gzip-compressed when the request says
 * `Accept-Encoding: gzip` (any other encoding is ignored), and request bodies may be sent gzip-compressed.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { request } from 'undici';
import { API, createJob, ingestClient, login, pollJob, runJob, setState } from '../helpers/emulator-http.js';
import { eventually } from '../helpers/eventually.js';
import { startEmulator } from '../helpers/emulator.js';

const emulator = await startEmulator({ after });
const token = await login(emulator.url);
const ingest = ingestClient(emulator.url, token);
const CSV = `LastName,Email\n${Array.from({ length: 500 }, (_, i) => `Gzip${i},gzip${i}@example.com`).join('\n')}\n`;

/** A raw GET (undici's request does not inflate), so the test sees the bytes on the wire. */
async function rawGet(path: string, acceptEncoding?: string) {
  const res = await request(`${emulator.url}${path}`, {
    headers: { Authorization: `Bearer ${token}`, ...(acceptEncoding ? { 'Accept-Encoding': acceptEncoding } : {}) },
  });
  const body = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, encoding: res.headers['content-encoding'], body };
}

test('Bulk 2.0 ingest results are gzip-compressed on request, and only for gzip', async () => {
  const job = await runJob(ingest, { object: 'Contact', operation: 'insert' }, CSV);
  assert.equal(job.state, 'JobComplete');
  const path = `/services/data/${API}/jobs/ingest/${job.id}/successfulResults`;
  const plain = await rawGet(path);
  const zipped = await rawGet(path, 'gzip');
  const other = await rawGet(path, 'deflate');
  assert.equal(plain.encoding, undefined);
  assert.equal(zipped.encoding, 'gzip');
  assert.equal(other.encoding, undefined, 'an encoding other than gzip is ignored');
  assert.equal(gunzipSync(zipped.body).toString('utf8'), plain.body.toString('utf8'));
  assert.ok(zipped.body.length < plain.body.length / 3, `${zipped.body.length} of ${plain.body.length} bytes`);
});

test('a gzip-compressed upload is inflated before processing', async () => {
  const job = await createJob(ingest, { object: 'Contact', operation: 'insert' });
  const put = await ingest(`/${job.id}/batches`, {
    method: 'PUT',
    headers: { 'Content-Type': 'text/csv', 'Content-Encoding': 'gzip' },
    body: gzipSync(CSV.replaceAll('Gzip', 'Zipped')),
  });
  assert.equal(put.status, 201);
  assert.equal((await setState(ingest, job.id, 'UploadComplete')).status, 200);
  const done = await pollJob(ingest, job.id, (j) => j.state === 'JobComplete' || j.state === 'Failed');
  assert.equal(done.state, 'JobComplete');
  assert.equal(done.numberRecordsProcessed, 500);
  const names = emulator.org.getRecords('Contact').map((r) => String(r.LastName));
  assert.ok(names.includes('Zipped499'));
});

test('a body that does not inflate is refused', async () => {
  const job = await createJob(ingest, { object: 'Contact', operation: 'insert' });
  const put = await ingest(`/${job.id}/batches`, {
    method: 'PUT',
    headers: { 'Content-Type': 'text/csv', 'Content-Encoding': 'gzip' },
    body: Buffer.from('not gzip at all'),
  });
  assert.equal(put.status, 400);
});

test('Bulk 2.0 query results are gzip-compressed on request', async () => {
  const created = await fetch(`${emulator.url}/services/data/${API}/jobs/query`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ operation: 'query', query: 'SELECT Id, LastName FROM Contact' }),
  });
  const { id } = (await created.json()) as { id: string };
  await eventually(
    async () => {
      const info = await rawGet(`/services/data/${API}/jobs/query/${id}`);
      return (JSON.parse(info.body.toString('utf8')) as { state: string }).state === 'JobComplete';
    },
    { timeoutMs: 10_000, what: 'the query job to complete' },
  );
  const path = `/services/data/${API}/jobs/query/${id}/results`;
  const plain = await rawGet(path);
  const zipped = await rawGet(path, 'gzip, deflate');
  assert.equal(zipped.encoding, 'gzip');
  assert.equal(gunzipSync(zipped.body).toString('utf8'), plain.body.toString('utf8'));
});
