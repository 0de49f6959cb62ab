/**
 * Bulk 2.0 result files and query result pages are streamed, as Salesforce sends them: chunked, no
 * Content-Length, gzip-compressed on the way when asked, with the very bytes the whole-file answers had (header
 * line, quoting, delimiter, line ending, final newline). A large page is sent while the emulator answers other
 * requests, and a client that leaves in the middle of one leaves the emulator serving the rest.
 */
import assert from 'node:assert/strict';
import { get } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { before, beforeEach, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { FieldValue } from '../../emulator/index.js';
import { useEmulator } from '../helpers/emulator.js';
import { API, createJob, ingestClient, login, runJob, setState } from '../helpers/emulator-http.js';
import type { Ingest, JobInfo } from '../helpers/emulator-http.js';
import { eventually } from '../helpers/eventually.js';
import { insertRows } from '../helpers/org-seed.js';

const MISSING_LASTNAME = 'REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --';
const LARGE_ROWS = 200_000;

interface Raw {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

describe('streamed result bodies', () => {
  const emulator = useEmulator();
  let token: string;
  let ingest: Ingest;
  before(async () => {
    token = await login(emulator.url);
    ingest = ingestClient(emulator.url, token);
  });
  beforeEach(() => emulator.reset());

  /** Opens a GET on its own connection; resolves once the status line and headers are in. */
  const open = (path: string, gzip = false): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const headers = { Authorization: `Bearer ${token}`, ...(gzip ? { 'Accept-Encoding': 'gzip' } : {}) };
      get(`${emulator.url}/services/data/${API}${path}`, { headers, agent: false }, resolve).on('error', reject);
    });

  const rawGet = async (path: string, gzip = false): Promise<Raw> => {
    const res = await open(path, gzip);
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) };
  };

  /** The body as text, read plain and with gzip: both streamed, the gzip one inflating to the same bytes. */
  const bothWays = async (path: string): Promise<{ text: string; plain: Raw; zipped: Raw }> => {
    const plain = await rawGet(path);
    const zipped = await rawGet(path, true);
    assert.equal(plain.status, 200, plain.body.toString('utf8'));
    assert.equal(zipped.status, 200);
    for (const raw of [plain, zipped]) {
      assert.equal(raw.headers['content-type'], 'text/csv');
      assert.equal(raw.headers['transfer-encoding'], 'chunked');
      assert.equal(raw.headers['content-length'], undefined);
    }
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(zipped.headers['vary'], 'Accept-Encoding');
    const text = plain.body.toString('utf8');
    assert.equal(gunzipSync(zipped.body).toString('utf8'), text);
    return { text, plain, zipped };
  };

  const idOf = (lastName: string): string => {
    const record = emulator.org.getRecords('Contact').find((r) => r['LastName'] === lastName);
    assert.ok(record, `no Contact ${lastName}`);
    return String(record['Id']);
  };

  it('sends ingest results with quotes, delimiters and newlines in values byte for byte', async () => {
    const csv = [
      'FirstName,LastName,Description',
      'Ann,"Smith, Jr.","She said ""hi"""',
      'Bob,"Multi',
      'Line",plain',
      'Cy,,no last name',
      'Dee,Ünïcødé ✓,""',
      '',
    ].join('\n');
    const job = await runJob(ingest, { object: 'Contact', operation: 'insert' }, csv);
    assert.equal(job.state, 'JobComplete');
    const path = `/jobs/ingest/${job.id}`;
    const successful = await bothWays(`${path}/successfulResults`);
    assert.equal(
      successful.text,
      '"sf__Id","sf__Created",FirstName,LastName,Description\n' +
        `"${idOf('Smith, Jr.')}","true","Ann","Smith, Jr.","She said ""hi"""\n` +
        `"${idOf('Multi\nLine')}","true","Bob","Multi\nLine","plain"\n` +
        `"${idOf('Ünïcødé ✓')}","true","Dee","Ünïcødé ✓",""\n`,
    );
    const failed = await bothWays(`${path}/failedResults`);
    assert.equal(
      failed.text,
      `"sf__Id","sf__Error",FirstName,LastName,Description\n"","${MISSING_LASTNAME}","Cy","","no last name"\n`,
    );
    assert.equal((await bothWays(`${path}/unprocessedrecords`)).text, 'FirstName,LastName,Description\n');
  });

  it("keeps the job's delimiter and line ending", async () => {
    const csv = 'FirstName;LastName\r\nAnn;"Semi;colon"\r\nBob;"Two\r\nlines"\r\n';
    const job = await runJob(
      ingest,
      { object: 'Contact', operation: 'insert', columnDelimiter: 'SEMICOLON', lineEnding: 'CRLF' },
      csv,
    );
    assert.equal(job.state, 'JobComplete');
    const { text } = await bothWays(`/jobs/ingest/${job.id}/successfulResults`);
    assert.equal(
      text,
      '"sf__Id";"sf__Created";FirstName;LastName\r\n' +
        `"${idOf('Semi;colon')}";"true";"Ann";"Semi;colon"\r\n` +
        `"${idOf('Two\r\nlines')}";"true";"Bob";"Two\r\nlines"\r\n`,
    );
  });

  it('sends an empty unprocessedrecords body for a job that never had an upload', async () => {
    const job = await createJob(ingest, { object: 'Contact', operation: 'insert' });
    assert.equal((await setState(ingest, job.id, 'Aborted')).status, 200);
    const { text, zipped } = await bothWays(`/jobs/ingest/${job.id}/unprocessedrecords`);
    assert.equal(text, '');
    assert.ok(zipped.body.length > 0, 'an empty gzip stream still has its header and trailer');
  });

  it('answers errors found before the body as ordinary JSON error answers', async () => {
    const id = await completedQuery('SELECT Id FROM Contact');
    const cases = [
      { path: '/jobs/ingest/750000000000000AAA/successfulResults', status: 404, errorCode: 'NOT_FOUND' },
      { path: '/jobs/query/750000000000000AAA/results', status: 404, errorCode: 'NOT_FOUND' },
      { path: `/jobs/query/${id}/results?locator=not-one`, status: 400, errorCode: 'INVALID_LOCATOR' },
      { path: `/jobs/query/${id}/results?maxRecords=0`, status: 400, errorCode: 'API_ERROR' },
    ];
    for (const { path, status, errorCode } of cases) {
      const raw = await rawGet(path, true);
      assert.equal(raw.status, status, path);
      assert.match(raw.headers['content-type'] ?? '', /^application\/json/);
      assert.equal(raw.headers['content-encoding'], undefined);
      assert.ok(raw.headers['content-length'], 'an error answer has its length');
      const [error] = JSON.parse(raw.body.toString('utf8')) as Array<{ errorCode: string }>;
      assert.equal(error?.errorCode, errorCode, path);
    }
  });

  /** Creates a query job; answers its info as created. */
  async function queryJob(soql: string): Promise<JobInfo> {
    const res = await fetch(`${emulator.url}/services/data/${API}/jobs/query`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ operation: 'query', query: soql }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as JobInfo;
  }

  async function jobInfo(id: string): Promise<JobInfo> {
    const raw = await rawGet(`/jobs/query/${id}`);
    assert.equal(raw.status, 200);
    return JSON.parse(raw.body.toString('utf8')) as JobInfo;
  }

  async function completedQuery(soql: string): Promise<string> {
    const { id } = await queryJob(soql);
    await eventually(() => jobInfo(id), {
      until: (info) => info.state === 'JobComplete',
      timeoutMs: 20_000,
      what: `query job ${id} to complete`,
    });
    return id;
  }

  it('sends query pages with their locators, byte for byte, plain and gzip', async () => {
    const names = ['Ann "A", the first', 'Bob\nTwo lines', 'Cy', 'Dee, Ünïcødé', 'Eve "E"'];
    const ids = insertRows(
      emulator.org,
      'Contact',
      ['LastName'],
      names.map((name) => [name]),
    );
    const id = await completedQuery('SELECT Id, LastName FROM Contact ORDER BY LastName');
    const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;
    const line = (index: number) => `${quote(ids[index] ?? '')},${quote(names[index] ?? '')}\n`;
    const expected = [line(0) + line(1), line(2) + line(3), line(4)].map((rows) => `"Id","LastName"\n${rows}`);
    let locator: string | undefined;
    for (const [page, text] of expected.entries()) {
      const path = `/jobs/query/${id}/results?maxRecords=2${locator ? `&locator=${locator}` : ''}`;
      const { text: body, plain, zipped } = await bothWays(path);
      assert.equal(body, text, `page ${page}`);
      for (const raw of [plain, zipped]) {
        assert.equal(raw.headers['sforce-numberofrecords'], page < 2 ? '2' : '1');
        assert.equal(raw.headers['sforce-locator'], plain.headers['sforce-locator']);
      }
      const next = plain.headers['sforce-locator'];
      assert.equal(typeof next, 'string');
      if (page < 2) assert.notEqual(next, 'null');
      else assert.equal(next, 'null', 'the last page says `null`, which clients loop on');
      locator = String(next);
    }
    const whole = await bothWays(`/jobs/query/${id}/results`);
    assert.equal(whole.text, `"Id","LastName"\n${[0, 1, 2, 3, 4].map(line).join('')}`);
    assert.equal(whole.plain.headers['sforce-locator'], 'null');
  });

  /** A large org without writing each row through the DML path (a million validations would take seconds). */
  function seedLarge(): void {
    insertRows(emulator.org, 'Contact', ['LastName'], [['Template']]);
    const [template = {}] = emulator.org.getRecords('Contact');
    const records: Record<string, FieldValue>[] = Array.from({ length: LARGE_ROWS }, (_, i) => ({
      ...template,
      Id: `003${String(i).padStart(12, '0')}AAA`,
      LastName: `Last ${i}, "quoted"`,
    }));
    emulator.org.restoreRecords('Contact', records);
  }

  /** Reads a response as it comes: `first` resolves at its first chunk, `done` at its end. */
  function watch(res: IncomingMessage) {
    let bytes = 0;
    let lines = 0;
    let ended = false;
    const first = new Promise<void>((resolve) => res.once('data', () => resolve()));
    res.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines += 1;
    });
    const done = new Promise<void>((resolve, reject) => {
      res.once('end', () => {
        ended = true;
        resolve();
      });
      res.once('error', reject);
    });
    return { first, done, bytes: () => bytes, lines: () => lines, ended: () => ended };
  }

  it(`answers a job-info GET while a ${LARGE_ROWS.toLocaleString('en')}-row page is being sent`, async () => {
    seedLarge();
    const id = await completedQuery('SELECT Id, LastName FROM Contact');
    const res = await open(`/jobs/query/${id}/results`);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['sforce-numberofrecords'], String(LARGE_ROWS));
    assert.equal(res.headers['content-length'], undefined);
    const body = watch(res);
    await body.first;
    const info = await jobInfo(id);
    const endedBeforeInfo = body.ended();
    const bytesBeforeInfo = body.bytes();
    await body.done;
    assert.equal(info.state, 'JobComplete');
    assert.equal(endedBeforeInfo, false, 'the job info came only after the whole page');
    assert.ok(bytesBeforeInfo < body.bytes(), `${bytesBeforeInfo} of ${body.bytes()} bytes before the job info`);
    assert.equal(body.lines(), LARGE_ROWS + 1);
  });

  it('keeps serving when a client leaves in the middle of a large page', async () => {
    seedLarge();
    const id = await completedQuery('SELECT Id, LastName FROM Contact');
    for (const gzip of [false, true]) {
      const res = await open(`/jobs/query/${id}/results`, gzip);
      const body = watch(res);
      body.done.catch(() => {});
      await body.first;
      res.socket.destroy();
      assert.equal((await jobInfo(id)).state, 'JobComplete');
    }
    const again = watch(await open(`/jobs/query/${id}/results`));
    await again.done;
    assert.equal(again.lines(), LARGE_ROWS + 1);
  });
});
