import assert from 'node:assert/strict';
import { before, beforeEach, describe, it } from 'node:test';
import { useEmulator } from '../helpers/emulator.js';
import {
  adminRecords,
  createJob,
  ingestClient,
  login,
  pollJob,
  results,
  runJob,
  setState,
} from '../helpers/emulator-http.js';
import type { Ingest } from '../helpers/emulator-http.js';

describe('CSV uploads', () => {
  const emulator = useEmulator();
  let ingest: Ingest;
  before(async () => {
    ingest = ingestClient(emulator.url, await login(emulator.url));
  });
  beforeEach(() => emulator.reset());

  it('reads RFC 4180 quoting, embedded newlines and quotes, and a UTF-8 BOM', async () => {
    const csv =
      '\uFEFFLastName,Description,MailingCity\n"O\'Brien","Line one\nLine ""two"", with comma",Zürich\nPlain,,"Saint-Étienne"\n';
    const job = await runJob(ingest, { object: 'Contact', operation: 'insert' }, Buffer.from(csv, 'utf8'));
    assert.equal(job.state, 'JobComplete');
    assert.equal(job['numberRecordsFailed'], 0);
    const records = await adminRecords(emulator.url, 'Contact');
    assert.deepEqual(
      records.map((r) => [r['LastName'], r['Description'], r['MailingCity']]),
      [
        ["O'Brien", 'Line one\nLine "two", with comma', 'Zürich'],
        ['Plain', null, 'Saint-Étienne'],
      ],
    );
    const successful = await results(ingest, job.id, 'successfulResults');
    assert.ok(successful.text.startsWith('"sf__Id","sf__Created",LastName,Description,MailingCity\n'));
    assert.ok(successful.text.includes('"Line one\nLine ""two"", with comma"'));
  });

  it('honours the job column delimiter and CRLF line ending', async () => {
    const csv = 'LastName\tTitle\r\nTab\t"Has\ttab"\r\nSecond\tEngineer\r\n';
    const job = await runJob(
      ingest,
      { object: 'Contact', operation: 'insert', columnDelimiter: 'TAB', lineEnding: 'CRLF' },
      csv,
    );
    assert.equal(job['numberRecordsFailed'], 0);
    assert.deepEqual(
      (await adminRecords(emulator.url, 'Contact')).map((r) => r['Title']),
      ['Has\ttab', 'Engineer'],
    );
    const successful = await results(ingest, job.id, 'successfulResults');
    assert.match(
      successful.text,
      /^"sf__Id"\t"sf__Created"\tLastName\tTitle\r\n"003\w{15}"\t"true"\t"Tab"\t"Has\ttab"\r\n/,
    );
  });

  it('fails a job whose data uses another line ending than declared', async () => {
    const job = await runJob(ingest, { object: 'Contact', operation: 'insert' }, 'LastName\r\nA\r\n');
    assert.equal(job.state, 'Failed');
    assert.equal(
      job['errorMessage'],
      'ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is LF',
    );
    assert.equal((await results(ingest, job.id, 'unprocessedrecords')).rows.length, 1);
  });

  it('accepts a chunked upload without Content-Length', async () => {
    const job = await createJob(ingest, { object: 'Account', operation: 'insert' });
    const encoder = new TextEncoder();
    const parts = ['Name,Industry\n', 'Streamed One,Banking\n', 'Streamed Two,Energy\n'];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const part = parts.shift();
        if (part === undefined) controller.close();
        else controller.enqueue(encoder.encode(part));
      },
    });
    const res = await ingest(`/${job.id}/batches`, {
      method: 'PUT',
      headers: { 'Content-Type': 'text/csv' },
      body,
      duplex: 'half',
    });
    assert.equal(res.status, 201);
    assert.equal(await res.text(), '');
    assert.equal((await setState(ingest, job.id, 'UploadComplete')).status, 200);
    const done = await pollJob(ingest, job.id, (j) => j.state === 'JobComplete');
    assert.equal(done['numberRecordsProcessed'], 2);
    assert.deepEqual(
      (await adminRecords(emulator.url, 'Account')).map((r) => r['Industry']),
      ['Banking', 'Energy'],
    );
  });
});
