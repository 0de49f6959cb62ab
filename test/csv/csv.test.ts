import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { readCsvRows } from '../../csv/csv.js';
import { formatCsvRow } from '../../csv/csv.js';

async function rowsOf(text: string, delimiter?: string): Promise<string[][]> {
  const out: string[][] = [];
  for await (const row of readCsvRows(Readable.from([text]), delimiter ? { delimiter } : {})) out.push(row);
  return out;
}

test('reads RFC 4180 CSV: quotes, embedded newlines, CRLF and LF, BOM, non-ASCII', async () => {
  const crlf = '\uFEFFName,Note\r\n"Müller, Jörg","said ""hi""\nthen left"\r\nZoë,plain\r\n';
  assert.deepEqual(await rowsOf(crlf), [
    ['Name', 'Note'],
    ['Müller, Jörg', 'said "hi"\nthen left'],
    ['Zoë', 'plain'],
  ]);
  const lf = 'Name,Note\n"a","x\r\ny"\nb,c';
  assert.deepEqual(await rowsOf(lf), [
    ['Name', 'Note'],
    ['a', 'x\r\ny'],
    ['b', 'c'],
  ]);
});

test('reads other delimiters', async () => {
  assert.deepEqual(await rowsOf('a|b\n"x|y"|z\n', '|'), [
    ['a', 'b'],
    ['x|y', 'z'],
  ]);
});

test('formats rows that read back to the same values', async () => {
  const rows = [['plain', 'with,comma', 'with "quote"', 'multi\nline', '', '#N/A', 'crlf\r\nx', 'ünïcödé']];
  const text = rows.map((r) => formatCsvRow(r)).join('');
  assert.deepEqual(await rowsOf(text), rows);
});
