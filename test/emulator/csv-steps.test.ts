import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Papa from 'papaparse';
import { UploadReader, parseUpload } from '../../emulator/bulk2/csv-upload.js';
import type { ParseResult } from '../../emulator/bulk2/csv-upload.js';
import type { ColumnDelimiter, LineEnding } from '../../emulator/bulk2/csv.js';
import { DELIMITER_CHARACTERS, newlineOf } from '../../emulator/bulk2/csv.js';

/** The upload parsed in one pass over the whole text: what stepping must reproduce exactly. */
function parseAtOnce(data: Buffer, delimiter: ColumnDelimiter, lineEnding: LineEnding): ParseResult {
  let text = data.toString('utf8');
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  let line = text;
  let terminator = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (ch === '"') quoted = !quoted;
    else if (ch === '\n' && !quoted) {
      terminator = text.charAt(i - 1) === '\r' ? '\r\n' : '\n';
      line = text.slice(0, terminator === '\r\n' ? i - 1 : i);
      break;
    }
  }
  const expected = newlineOf(lineEnding);
  const actual = (terminator || expected) as '\n' | '\r\n';
  const parsed = Papa.parse<string[]>(text, {
    delimiter: DELIMITER_CHARACTERS[delimiter],
    newline: actual,
    quoteChar: '"',
    escapeChar: '"',
    skipEmptyLines: true,
  });
  const [header = [], ...rows] = parsed.data;
  const upload = { headerLine: line, header, rows };
  if (actual !== expected) {
    const errorMessage = `ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is ${lineEnding}`;
    return { ok: false, errorMessage, upload };
  }
  if (header.length === 0) return { ok: false, errorMessage: 'InvalidBatch : Empty CSV file', upload };
  const quoteError = parsed.errors.find((e) => e.code === 'MissingQuotes');
  if (!quoteError) return { ok: true, upload };
  return {
    ok: false,
    errorMessage: `ClientInputError : Unterminated quoted field in row ${(quoteError.row ?? 0) + 1}`,
    upload,
  };
}

function parseInSteps(data: Buffer, delimiter: ColumnDelimiter, lineEnding: LineEnding, stepBytes: number) {
  const reader = new UploadReader(data, delimiter, lineEnding, stepBytes);
  let steps = 1;
  while (!reader.step()) steps++;
  return { result: reader.result(), steps };
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const ALPHABET = ['a', 'b', ',', ';', '"', '""', '\n', '\r\n', '\r', ' ', 'é', '😀', '\uFEFF', '\t', ''];

function randomCsv(next: () => number, length: number): Buffer {
  let text = next() < 0.2 ? '\uFEFF' : '';
  for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(next() * ALPHABET.length)] ?? '';
  const bytes = Buffer.from(text, 'utf8');
  // Now and then a broken UTF-8 sequence.
  if (next() < 0.2 && bytes.length > 2) bytes[Math.floor(next() * bytes.length)] = next() < 0.5 ? 0x80 : 0xe2;
  return bytes;
}

describe('Bulk 2.0 uploads parsed in steps', () => {
  it('give exactly what one pass over the whole text gives, for any text and step size', () => {
    const next = random(7);
    for (let round = 0; round < 3000; round++) {
      const data = randomCsv(next, Math.floor(next() * 60));
      const delimiter: ColumnDelimiter = next() < 0.7 ? 'COMMA' : 'SEMICOLON';
      const lineEnding: LineEnding = next() < 0.7 ? 'LF' : 'CRLF';
      const stepBytes = 1 + Math.floor(next() * 12);
      const expected = parseAtOnce(data, delimiter, lineEnding);
      const label = JSON.stringify({ text: data.toString('latin1'), delimiter, lineEnding, stepBytes });
      assert.deepEqual(parseInSteps(data, delimiter, lineEnding, stepBytes).result, expected, label);
      assert.deepEqual(parseUpload(data, delimiter, lineEnding), expected, label);
    }
  });

  it('reads a large upload a bounded piece per step', () => {
    const lines = ['LastName,Description'];
    for (let i = 0; i < 20_000; i++) lines.push(`Name${i},"Note ${i}, with a comma\nand a newline"`);
    const data = Buffer.from(lines.join('\n') + '\n', 'utf8');
    const { result, steps } = parseInSteps(data, 'COMMA', 'LF', 64 * 1024);
    assert.deepEqual(result, parseAtOnce(data, 'COMMA', 'LF'));
    assert.equal(result.upload.rows.length, 20_000);
    // One step finds the header line, then one step per 64 KB piece and one to finish.
    assert.ok(steps >= Math.ceil(data.length / (64 * 1024)), `${steps} steps`);
  });

  it('reads a row longer than a step in a few steps', () => {
    const long = 'x'.repeat(300_000);
    const data = Buffer.from(`LastName,Description\nA,"${long}"\nB,short\n`, 'utf8');
    const { result, steps } = parseInSteps(data, 'COMMA', 'LF', 1024);
    assert.deepEqual(result, parseAtOnce(data, 'COMMA', 'LF'));
    assert.ok(steps < 300, `${steps} steps`);
  });
});
