import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { Agent } from 'undici';
import {
  createSalesforceClient,
  salesforceOptionsFromEnv,
  type ColumnDelimiter,
  type LineEnding,
  type SalesforceClient,
} from '../../../salesforce/index.js';
import { DELIMITER_CHAR } from '../../../salesforce/bulk2/types.js';
import { formatCsvRow } from '../../../csv/csv.js';
import { startEmulator } from '../../helpers/emulator.js';
import {
  clientFor,
  ingest,
  MemorySink,
  parseCsv,
  passwordAuth,
  waitForQuery,
} from '../../helpers/salesforce-client.js';

const emulator = await startEmulator({ after });
const sf: SalesforceClient = clientFor(emulator.url);

const COLUMNS = ['External_Id__c', 'LastName', 'Title', 'Description', 'MailingStreet'];

/** Values that break naive CSV handling; the delimiter itself is added per case. */
function trickyRows(delimiter: string): string[][] {
  return [
    ['X-1', 'O"Brien "the" Quoted', 'He said ""twice""', 'first line\r\nsecond line', 'a\nb'],
    ['X-2', 'Zoë Ünïcødé 日本語 🚀', `with ${delimiter} inside`, 'trailing space ', ''],
    ['X-3', 'Plain', `${delimiter}${delimiter}`, '"', 'line\n\nwith blank line'],
  ];
}

function csvOf(rows: string[][], delimiter: string, lineEnding: LineEnding): string {
  const lines = [COLUMNS, ...rows].map((row) => formatCsvRow(row, delimiter));
  return lines.map((line) => (lineEnding === 'CRLF' ? line.replace(/\n$/, '\r\n') : line)).join('');
}

async function queryBack(soql: string, columnDelimiter: ColumnDelimiter, lineEnding: LineEnding): Promise<string[][]> {
  const job = await sf.bulk2Query.createJob({ query: soql, columnDelimiter, lineEnding });
  assert.equal((await waitForQuery(sf, job.id)).state, 'JobComplete');
  const sink = new MemorySink();
  await sf.bulk2Query.streamResults({ jobId: job.id, sink, maxRecords: 2 });
  assert.match(sink.text, lineEnding === 'CRLF' ? /^[^\n]*\r\n/ : /^[^\r\n]*\n/, 'the job’s line ending');
  return parseCsv(sink.text, DELIMITER_CHAR[columnDelimiter]);
}

const CASES: Array<[ColumnDelimiter, LineEnding]> = [
  ['COMMA', 'LF'],
  ['COMMA', 'CRLF'],
  ['SEMICOLON', 'LF'],
  ['PIPE', 'CRLF'],
  ['TAB', 'LF'],
  ['CARET', 'LF'],
  ['BACKQUOTE', 'CRLF'],
];

for (const [columnDelimiter, lineEnding] of CASES) {
  test(`round trip through the org: ${columnDelimiter} / ${lineEnding}`, async () => {
    emulator.reset();
    const delimiter = DELIMITER_CHAR[columnDelimiter];
    const rows = trickyRows(delimiter);
    const job = await ingest(sf, csvOf(rows, delimiter, lineEnding), { columnDelimiter, lineEnding });
    assert.equal(job.state, 'JobComplete', job.errorMessage);
    assert.equal(job.numberRecordsFailed, 0);
    const back = await queryBack(`SELECT ${COLUMNS.join(', ')} FROM Contact`, columnDelimiter, lineEnding);
    assert.deepEqual(back[0], COLUMNS);
    const byKey = new Map(back.slice(1).map((row) => [row[0], row]));
    assert.equal(byKey.size, rows.length);
    for (const row of rows) assert.deepEqual(byKey.get(row[0]), row, `row ${row[0]}`);
  });
}

test('#N/A clears a field on update; an empty cell leaves it unchanged', async () => {
  emulator.reset();
  const inserted = await ingest(sf, 'External_Id__c,LastName,Title,Department\nNA-1,Smith,Boss,Sales\n');
  assert.equal(inserted.numberRecordsFailed, 0);
  const updated = await ingest(sf, 'External_Id__c,Title,Department\nNA-1,#N/A,\n', {
    operation: 'upsert',
    externalIdFieldName: 'External_Id__c',
  });
  assert.equal(updated.numberRecordsFailed, 0);
  const back = await queryBack('SELECT External_Id__c, Title, Department FROM Contact', 'COMMA', 'LF');
  assert.deepEqual(back, [
    ['External_Id__c', 'Title', 'Department'],
    ['NA-1', '', 'Sales'],
  ]);
});

test('ingest jobs can be listed and attached by id', async () => {
  emulator.reset();
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await ingest(sf, `LastName\nL${i}\n`)).id);
  const listed: string[] = [];
  for await (const job of sf.bulk2Ingest.listAllJobs()) listed.push(job.id);
  assert.deepEqual(listed.filter((id) => ids.includes(id)).sort(), [...ids].sort());
  const page = await sf.bulk2Ingest.listJobs();
  assert.equal(page.done, true);
  const attached = await sf.bulk2Ingest.attachJob(ids[0] ?? '');
  assert.equal(attached.id, ids[0]);
  assert.equal(attached.state, 'JobComplete');
  await sf.bulk2Ingest.deleteJob(ids[0] ?? '');
  await assert.rejects(sf.bulk2Ingest.attachJob(ids[0] ?? ''), { statusCode: 404 });
});

test('gzipUploads sends the upload compressed, and the org gets every value as it was', async () => {
  emulator.reset();
  const sent: Array<{ path: string; encoding: unknown; bytes: number }> = [];
  const counting = new Agent().compose((dispatch) => (options, handler) => {
    if (options.method === 'PUT') {
      const headers = (options.headers ?? {}) as Record<string, string>;
      const entry = { path: options.path, encoding: headers['content-encoding'], bytes: 0 };
      sent.push(entry);
      const body = options.body as AsyncIterable<Buffer>;
      options = {
        ...options,
        body: Readable.from(
          (async function* () {
            for await (const chunk of body) {
              entry.bytes += chunk.length;
              yield chunk;
            }
          })(),
        ),
      };
    }
    return dispatch(options, handler);
  });
  const gz = createSalesforceClient({ auth: passwordAuth(emulator.url), dispatcher: counting, gzipUploads: true });
  const rows = [...trickyRows(','), ...Array.from({ length: 2_000 }, (_, i) => [`G-${i}`, `Last ${i}`, 'T', 'D', 'S'])];
  const csv = csvOf(rows, ',', 'LF');
  const job = await ingest(gz, csv);
  assert.equal(job.state, 'JobComplete', job.errorMessage);
  assert.equal(job.numberRecordsProcessed, rows.length);
  assert.equal(sent.length, 1);
  assert.equal(sent[0]?.encoding, 'gzip');
  assert.ok((sent[0]?.bytes ?? 0) < Buffer.byteLength(csv) / 3, `${sent[0]?.bytes} bytes sent for ${csv.length}`);
  const back = await queryBack(`SELECT ${COLUMNS.join(', ')} FROM Contact`, 'COMMA', 'LF');
  const byKey = new Map(back.slice(1).map((row) => [row[0], row]));
  for (const row of rows) assert.deepEqual(byKey.get(row[0]), row, `row ${row[0]}`);
});

test('SF_GZIP_UPLOADS=true turns gzipUploads on; unset or anything else leaves it off', () => {
  const session = { SF_ACCESS_TOKEN: 'x', SF_INSTANCE_URL: 'https://example.my.salesforce.com' };
  assert.equal(salesforceOptionsFromEnv({ ...session, SF_GZIP_UPLOADS: 'true' }).gzipUploads, true);
  assert.equal(salesforceOptionsFromEnv({ ...session, SF_GZIP_UPLOADS: '1' }).gzipUploads, true);
  assert.equal(salesforceOptionsFromEnv({ ...session, SF_GZIP_UPLOADS: 'no' }).gzipUploads, undefined);
  assert.equal(salesforceOptionsFromEnv(session).gzipUploads, undefined);
});
