/**
 * Query parts written as asked: Salesforce's CSV bytes split into files of N records (each with the header, a
 * quoted line break never cut), and JSON lines with the header's keys, text values and null for empty fields.
 */
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { test } from 'node:test';
import Papa from 'papaparse';
import { splitFileName } from '../../common/query-output.js';
import { writeQueryRecords } from '../../csv/query-records.js';

/** Files written by index, as strings. */
function memoryFiles() {
  const files: string[] = [];
  const open = (index: number) => {
    assert.equal(index, files.length, 'files are opened in order');
    files.push('');
    return new Writable({
      write(chunk: Buffer, _enc, done) {
        files[index] += chunk.toString('utf8');
        done();
      },
    });
  };
  return { files, open };
}

/** A part as Salesforce sends it (every value quoted), in chunks of `size` bytes to cut records anywhere. */
function part(rows: string[][], size: number): () => Readable {
  const text = rows.map((r) => r.map((v) => `"${v.replace(/"/g, '""')}"`).join(',')).join('\n') + '\n';
  const bytes = Buffer.from(text);
  return () =>
    Readable.from(
      Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)),
    );
}

const header = ['Id', 'Name', 'Description', 'Amount'];
const rows = Array.from({ length: 23 }, (_, i) => [
  `003${String(i).padStart(12, '0')}`,
  `Näme ${i}, "quoted"`,
  i % 4 === 0 ? '' : `line one\nline two ${i}`,
  i % 3 === 0 ? '' : `${i}.5`,
]);
const parts = [part([header, ...rows.slice(0, 10)], 7), part([header, ...rows.slice(10)], 13)];

test("CSV split into files of 5 keeps the header and Salesforce's bytes, and every record once", async () => {
  const { files, open } = memoryFiles();
  const counts = await writeQueryRecords(parts, open, { format: 'csv', splitRows: 5 });
  assert.deepEqual(counts, [5, 5, 5, 5, 3]);
  const headerLine = '"Id","Name","Description","Amount"\n';
  const parsed = files.map((file) => {
    assert.ok(file.startsWith(headerLine), 'each file starts with the header as Salesforce sent it');
    return Papa.parse<string[]>(file.trimEnd()).data;
  });
  parsed.forEach((data, i) => assert.equal(data.length - 1, counts[i]));
  assert.deepEqual(
    parsed.flatMap((data) => data.slice(1)),
    rows,
  );
  assert.ok(files[0]?.includes('"Näme 0, ""quoted"""'), "quoting is Salesforce's own");
});

test('JSON lines: header keys in order, values as text, empty as null, split too', async () => {
  const { files, open } = memoryFiles();
  const counts = await writeQueryRecords(parts, open, { format: 'jsonl', splitRows: 10 });
  assert.deepEqual(counts, [10, 10, 3]);
  const records = files.flatMap((file) =>
    file
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as object),
  );
  assert.equal(records.length, 23);
  const expected = rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] === '' ? null : r[i]])));
  assert.deepEqual(records, expected);
  assert.deepEqual(Object.keys(records[1] ?? {}), header);
});

test('no records: one file, with the header for CSV and empty for JSON lines', async () => {
  const csv = memoryFiles();
  assert.deepEqual(await writeQueryRecords([part([header], 5)], csv.open, { format: 'csv', splitRows: 5 }), [0]);
  assert.deepEqual(csv.files, ['"Id","Name","Description","Amount"\n']);
  const jsonl = memoryFiles();
  assert.deepEqual(await writeQueryRecords([part([header], 5)], jsonl.open, { format: 'jsonl' }), [0]);
  assert.deepEqual(jsonl.files, ['']);
});

test('a last record without a line ending still ends its line', async () => {
  const { files, open } = memoryFiles();
  const noNewline = () => Readable.from([Buffer.from('"Id"\n"a"\n"b"')]);
  assert.deepEqual(await writeQueryRecords([noNewline, noNewline], open, { format: 'csv', splitRows: 3 }), [3, 1]);
  assert.deepEqual(files, ['"Id"\n"a"\n"b"\n"a"\n', '"Id"\n"b"\n']);
});

test('split files are named by index before the extension', () => {
  assert.equal(splitFileName('s3://b/out/contacts.csv', 0), 's3://b/out/contacts-00001.csv');
  assert.equal(splitFileName('file:///tmp/x.y/records', 11), 'file:///tmp/x.y/records-00012');
  assert.equal(splitFileName('/tmp/.hidden', 1), '/tmp/.hidden-00002');
});
