import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { writeSyncCycle } from '../../storage/sync-files.js';

const S1 = '2026-12-07T22:35:19.000Z';
const S2 = '2026-12-07T22:35:20.000Z';
const CUT = Date.parse('2026-12-07T22:35:20.400Z');

function result(): Readable {
  const rows = [
    'Id,SystemModstamp,IsDeleted,LastName',
    `003000000000003AAA,${S1},false,"Smith, Jr."`,
    `003000000000001AAA,${S1},false,Doe`,
    `003000000000002AAA,${S1},true,Gone`,
    `003000000000004AAA,${S1},false,"Line\nbreak"`,
    `003000000000005AAA,${S2},false,Later`, // stamped in the query's second: the next cycle's
  ];
  return Readable.from([`${rows.join('\n')}\n`]);
}

describe('writing a cycle', () => {
  it('splits changes and tombstones into files of at most N rows, leaves the query second, manifest last', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'sync-files-'));
    const folder = `${pathToFileURL(root).href}/object=Contact/date=2026-12-07/cycle=000003`;
    const cycle = { folder, maxRowsPerFile: 2, cutoffMs: CUT, manifest: { cycle: 3 } };
    const written = await writeSyncCycle(result(), cycle);
    assert.deepEqual(written.counts, { changed: 3, deleted: 1, deferred: 1 });
    assert.deepEqual(written.last, { systemModstamp: S1, id: '003000000000004AAA' });
    assert.deepEqual(
      written.files.map((f) => [path.basename(f.url), f.rows, f.kind]),
      [
        ['changes-0001.csv', 2, 'changes'],
        ['changes-0002.csv', 1, 'changes'],
        ['deletes-0001.csv', 1, 'deletes'],
      ],
    );
    const dir = path.join(root, 'object=Contact/date=2026-12-07/cycle=000003');
    assert.equal(
      readFileSync(path.join(dir, 'changes-0001.csv'), 'utf8'),
      'Id,SystemModstamp,IsDeleted,LastName\n003000000000003AAA,2026-12-07T22:35:19.000Z,false,"Smith, Jr."\n' +
        '003000000000001AAA,2026-12-07T22:35:19.000Z,false,Doe\n',
    );
    assert.equal(
      readFileSync(path.join(dir, 'deletes-0001.csv'), 'utf8'),
      'Id,SystemModstamp,IsDeleted\n003000000000002AAA,2026-12-07T22:35:19.000Z,true\n',
    );
    const manifest = JSON.parse(readFileSync(path.join(dir, '_manifest.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(manifest['cycle'], 3);
    assert.deepEqual(manifest['counts'], written.counts);

    // A retry writes the same names over the same files: nothing is added.
    const again = await writeSyncCycle(result(), cycle);
    assert.deepEqual(again, written);
    assert.deepEqual(readdirSync(dir).sort(), [
      '_manifest.json',
      'changes-0001.csv',
      'changes-0002.csv',
      'deletes-0001.csv',
    ]);
  });

  it('writes only the manifest for an empty window', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'sync-files-'));
    const folder = `${pathToFileURL(root).href}/c`;
    const written = await writeSyncCycle(Readable.from(['Id,SystemModstamp,IsDeleted\n']), {
      folder,
      maxRowsPerFile: 10,
      cutoffMs: CUT,
      manifest: {},
    });
    assert.deepEqual(written.files, []);
    assert.equal(written.last, undefined);
    assert.deepEqual(readdirSync(path.join(root, 'c')), ['_manifest.json']);
  });
});
