/**
 * Result files in blocks: joined, the blocks are byte for byte the file the whole-string writer made, whatever
 * the delimiter, line ending, quoting or block size, and no block cuts a line.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CSV_BLOCK_CHARS, csvBlocks, quoteCsv } from '../../emulator/bulk2/csv.js';

/** The whole-string writer the blocks replaced: every block boundary must leave these bytes unchanged. */
function wholeCsv(headerLine: string, rows: readonly string[][], delimiter: string, newline: string): string {
  const lines = [headerLine];
  for (const row of rows) lines.push(row.map(quoteCsv).join(delimiter));
  return lines.join(newline) + newline;
}

describe('csvBlocks', () => {
  const rows = [
    ['Ann', 'Smith, Jr.', 'said "hi"'],
    ['', '"', '""'],
    ['multi\nline', 'crlf\r\ninside', 'tab\there'],
    ['Ünïcødé ✓', '😀', 'a|b;c^d`e'],
    ['only one'],
    [],
  ];
  for (const delimiter of [',', ';', '|', '^', '`', '\t']) {
    for (const newline of ['\n', '\r\n']) {
      it(`joins to the whole file, delimiter ${JSON.stringify(delimiter)}, newline ${JSON.stringify(newline)}`, () => {
        const header = ['A', 'B', 'C'].map(quoteCsv).join(delimiter);
        const expected = wholeCsv(header, rows, delimiter, newline);
        for (const blockChars of [1, 7, 40, CSV_BLOCK_CHARS]) {
          const blocks = [...csvBlocks(header, rows, delimiter, newline, blockChars)];
          assert.equal(blocks.join(''), expected, `blocks of ${blockChars}`);
          for (const block of blocks) assert.ok(block.endsWith(newline), 'every block ends with a whole line');
        }
      });
    }
  }

  it('gives the header line alone for no rows, and blocks of about the asked size', () => {
    assert.deepEqual([...csvBlocks('"Id"', [], ',', '\n')], ['"Id"\n']);
    const many = Array.from({ length: 10_000 }, (_, i) => [`00300000000${i}`, `Name ${i}`]);
    const blocks = [...csvBlocks('"Id","Name"', many, ',', '\n', 4096)];
    assert.equal(blocks.join(''), wholeCsv('"Id","Name"', many, ',', '\n'));
    const lineChars = 40;
    for (const block of blocks) assert.ok(block.length < 4096 + lineChars, `a block of ${block.length} characters`);
    assert.ok(blocks.length > 50, `${blocks.length} blocks`);
  });
});
