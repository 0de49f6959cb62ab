/**
 * Inputs in another delimiter or line ending: read with the ones given, written to units with commas and LF,
 * and a header that says the file has others refused, naming them.
 */
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { test } from 'node:test';
import { InputError, InputProblem } from '../../common/errors.js';
import { peekHeader } from '../../csv/csv.js';
import { splitCsv } from '../../csv/split.js';

async function unitsOf(text: string, options: { delimiter?: string; newline?: '\n' | '\r\n' }) {
  const units: string[] = [];
  const openUnit = (i: number) =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        units[i] = (units[i] ?? '') + chunk.toString();
        cb();
      },
    });
  const result = await splitCsv(Readable.from([text]), {
    limits: { maxRows: 100, maxBytes: 1e9 },
    openUnit,
    ...options,
  });
  return { result, units };
}

test('a semicolon file with CRLF is staged with commas and LF, commas inside values quoted', async () => {
  const { result, units } = await unitsOf('LastName;Title\r\nDoe, Jr.;"said ""hi"""\r\nRoe;\r\n', {
    delimiter: ';',
    newline: '\r\n',
  });
  assert.deepEqual(result.columns, ['LastName', 'Title']);
  assert.equal(result.totalRows, 2);
  assert.deepEqual(units, ['LastName,Title\n"Doe, Jr.","said ""hi"""\nRoe,\n']);
});

test('a tab file keeps quoted tabs and newlines inside values', async () => {
  const { units } = await unitsOf('LastName\tDescription\nDoe\t"a\tb\nc"\n', { delimiter: '\t' });
  assert.deepEqual(units, ['LastName,Description\nDoe,"a\tb\nc"\n']);
});

async function refusal(text: string, options: { delimiter?: string; newline?: '\n' | '\r\n' } = {}) {
  const err = await peekHeader(Readable.from([Buffer.from(text)]), options).then(
    () => assert.fail('the header was accepted'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof InputError);
  return err;
}

test('a header that only parses with another delimiter is refused, naming the delimiter it has', async () => {
  const semicolons = await refusal('LastName;FirstName;Email\nDoe;Jane;j@x.org\n');
  assert.equal(semicolons.problem, InputProblem.WrongDelimiter);
  assert.equal(
    semicolons.message,
    'The CSV header row reads as one column "LastName;FirstName;Email" with the delimiter COMMA (","), and as 3 ' +
      'columns with SEMICOLON (";"): LastName, FirstName, Email. Give the delimiter SEMICOLON (--delimiter ' +
      'SEMICOLON, or columnDelimiter in the input).',
  );
  const commas = await refusal('LastName,Email\nDoe,j@x.org\n', { delimiter: '\t' });
  assert.match(commas.message, /with the delimiter TAB \("\\t"\), and as 2 columns with COMMA \(","\)/);
  // One column that no delimiter splits is a one-column file.
  assert.deepEqual(await peekHeader(Readable.from([Buffer.from('Id\n001\n')])), ['Id']);
});

test('a header row that ends with the other line ending is refused; none given reads either', async () => {
  const crlf = await refusal('LastName,Email\r\nDoe,j@x.org\r\n', { newline: '\n' });
  assert.equal(crlf.problem, InputProblem.WrongLineEnding);
  assert.equal(
    crlf.message,
    'The CSV header row ends with CRLF, but the line ending given is LF. Give CRLF (--line-ending CRLF, or ' +
      "lineEnding in the input), or none to read the file's own.",
  );
  const lf = await refusal('LastName,Email\nDoe,j@x.org\n', { newline: '\r\n' });
  assert.match(lf.message, /ends with LF, but the line ending given is CRLF/);
  assert.deepEqual(await peekHeader(Readable.from([Buffer.from('A,B\r\n1,2\r\n')])), ['A', 'B']);
});
