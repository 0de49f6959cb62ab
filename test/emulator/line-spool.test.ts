import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHECKPOINT_ROWS, LineSpool, SPOOL_MEMORY_CHARS } from '../../emulator/bulk2/line-spool.js';
import { WorkDir } from '../../emulator/work-dir.js';

/** Result lines as the emulator writes them: quoted values, some with quotes, newlines and non-ASCII text. */
function line(i: number): string {
  const note = i % 7 === 0 ? `"Says ""hi""\nand leaves"` : i % 5 === 0 ? '"Grüße 😀"' : `"plain ${i}"`;
  return `"003${String(i).padStart(15, '0')}","true",${note}\r\n`;
}

describe('result spools', () => {
  let base = '';
  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'bulkflow-spool-'));
  });
  after(() => rm(base, { recursive: true, force: true }));

  it('read back any range of rows, in memory and once moved to a file', () => {
    const workDir = new WorkDir(base);
    const spool = new LineSpool(workDir);
    const lines: string[] = [];
    let chars = 0;
    for (let i = 0; chars <= SPOOL_MEMORY_CHARS + 5 * CHECKPOINT_ROWS * 40; i++) {
      const text = line(i);
      lines.push(text);
      chars += text.length;
      spool.append(text);
      if (i === 100) {
        assert.equal(readdirSync(base).length, 0, 'a small spool stays in memory');
        assert.equal(Array.from(spool.blocks(3, 50), String).join(''), lines.slice(3, 50).join(''));
      }
    }
    assert.equal(spool.rows, lines.length);
    assert.equal(readdirSync(workDir.path).length, 1, 'a large spool is a file');
    const read = (from: number, to: number) => Buffer.concat(Array.from(spool.blocks(from, to), (b) => Buffer.from(b)));
    for (const [from, to] of [
      [0, lines.length],
      [0, 1],
      [CHECKPOINT_ROWS - 1, CHECKPOINT_ROWS + 1],
      [1234, 5678],
      [lines.length - 3, lines.length + 10],
      [lines.length, lines.length],
    ] as const) {
      assert.equal(read(from, to).toString('utf8'), lines.slice(from, to).join(''), `rows ${from} to ${to}`);
    }
    assert.deepEqual(spool.lines(), lines);
    spool.close();
    workDir.remove();
    assert.deepEqual(readdirSync(base), [], 'closing and removing leave nothing behind');
  });
});
