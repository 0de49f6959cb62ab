import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { test } from 'node:test';
import { InputError } from '../../salesforce/index.js';
import { readCsvRows } from '../../csv/csv.js';
import { splitCsv } from '../../csv/split.js';

async function rowsOf(text: string, delimiter?: string): Promise<string[][]> {
  const out: string[][] = [];
  for await (const row of readCsvRows(Readable.from([text]), delimiter ? { delimiter } : {})) out.push(row);
  return out;
}

function memorySinks() {
  const units: string[] = [];
  const open = (i: number) =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        units[i] = (units[i] ?? '') + chunk.toString();
        cb();
      },
    });
  return { units, open };
}

test('splits by row count and by bytes, repeating the header, never splitting a row', async () => {
  const input = 'A,B\n' + Array.from({ length: 10 }, (_, i) => `${i},"v\n${i}"\n`).join('');
  const byRows = memorySinks();
  const r1 = await splitCsv(Readable.from([input]), { limits: { maxRows: 4, maxBytes: 1e9 }, openUnit: byRows.open });
  assert.equal(r1.totalRows, 10);
  assert.deepEqual(
    r1.units.map((u) => u.rows),
    [4, 4, 2],
  );
  for (const unit of byRows.units) assert.ok(unit.startsWith('A,B\n'));
  const rejoined = (await Promise.all(byRows.units.map((u) => rowsOf(u)))).flatMap((rows) => rows.slice(1));
  assert.deepEqual(rejoined, (await rowsOf(input)).slice(1));

  const bySize = memorySinks();
  const r2 = await splitCsv(Readable.from([input]), { limits: { maxRows: 1e9, maxBytes: 30 }, openUnit: bySize.open });
  assert.equal(r2.totalRows, 10);
  for (const [i, unit] of bySize.units.entries()) {
    assert.ok(Buffer.byteLength(unit) <= 30, `unit ${i} is ${Buffer.byteLength(unit)} bytes`);
    assert.equal(Buffer.byteLength(unit), r2.units[i]?.bytes);
  }
});

test('rejects ragged rows, empty input and duplicate columns with typed errors', async () => {
  const split = (text: string) =>
    splitCsv(Readable.from([text]), { limits: { maxRows: 10, maxBytes: 1e6 }, openUnit: memorySinks().open });
  await assert.rejects(split('A,B\n1,2,3\n'), (e) => e instanceof InputError && /row 1 has 3 fields/.test(e.message));
  await assert.rejects(split(''), (e) => e instanceof InputError && /empty/.test(e.message));
  await assert.rejects(split('A,a\n1,2\n'), (e) => e instanceof InputError && /more than once/.test(e.message));
});
