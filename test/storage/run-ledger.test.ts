/**
 * The run ledger and the staging-store guarantees it stands on, on the file store: claims are numbered by a
 * conditional write (racing claims never share a number), a retried claim gets its own back, outcomes are kept,
 * and an object is there only once it is whole.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { FileStagingStore } from '../../storage/index.js';
import { RunLedger, readText } from '../../storage/run-ledger.js';
import { eventually } from '../helpers/eventually.js';

function store(): FileStagingStore {
  return new FileStagingStore(mkdtempSync(path.join(tmpdir(), 'bulkflow-ledger-')));
}

const claim = (runId: string) => ({
  workflowId: 'contacts/2026-11-23',
  runId,
  namespace: 'default',
  stagingPrefix: `contacts%2F2026-11-23/${runId}`,
  kind: 'ingest',
  claimedAt: new Date().toISOString(),
});

test('createIfAbsent: of twenty writers racing for one key exactly one wins, and its text is what is there', async () => {
  const s = store();
  const wins = await Promise.all(Array.from({ length: 20 }, (_, i) => s.createIfAbsent('a/b.json', `writer ${i}`)));
  assert.equal(wins.filter(Boolean).length, 1);
  const winner = wins.indexOf(true);
  assert.equal(await readText(s.openRead(s.urlFor('a/b.json'))), `writer ${winner}`);
  assert.deepEqual(await s.list('a/'), ['a/b.json'], 'no temporary file is left or listed');
});

test('a write that is destroyed before it ends leaves nothing under its key', async () => {
  const s = store();
  const sink = s.openWrite('run/unit-0001.csv');
  sink.on('error', () => undefined);
  sink.write('Id\n1\n');
  sink.destroy(new Error('worker died'));
  await new Promise((resolve) => sink.once('close', resolve));
  assert.equal(await s.exists(s.urlFor('run/unit-0001.csv')), false);
  assert.deepEqual(await s.list('run/'), []);
  await eventually(() => readdirSync(path.join(s.root, 'run')).length === 0, {
    timeoutMs: 5_000,
    what: 'the temporary file of the destroyed write to be removed',
  });
  const done = s.openWrite('run/unit-0002.csv');
  await new Promise<void>((resolve) => done.end('Id\n2\n', () => resolve()));
  assert.deepEqual(await s.list('run/'), ['run/unit-0002.csv']);
  assert.equal(await s.list('nowhere/').then((keys) => keys.length), 0);
});

test('list: keys under a prefix, sorted, from nested folders, never a neighbour with the same stem', async () => {
  const s = store();
  for (const key of ['p/results/j2/successfulResults.csv', 'p/results/j1/b1/successfulResults.csv', 'pq/x.csv']) {
    await s.createIfAbsent(key, 'x');
  }
  assert.deepEqual(await s.list('p/results/'), [
    'p/results/j1/b1/successfulResults.csv',
    'p/results/j2/successfulResults.csv',
  ]);
  assert.deepEqual(await s.list('p/'), ['p/results/j1/b1/successfulResults.csv', 'p/results/j2/successfulResults.csv']);
  assert.ok(existsSync(path.join(s.root, 'pq', 'x.csv')));
});

test('claims are numbered in order; a run claiming again gets its own claim back with the same earlier runs', async () => {
  const ledger = new RunLedger(store(), 'contacts/2026-11-23');
  const first = await ledger.claim(claim('run-a'));
  assert.equal(first.claim.attempt, 1);
  assert.deepEqual(first.earlier, []);
  await ledger.recordOutcome(1, { state: 'Failed', endedAt: '2026-11-23T02:00:00.000Z' });
  const second = await ledger.claim(claim('run-b'));
  assert.equal(second.claim.attempt, 2);
  assert.deepEqual(
    second.earlier.map((e) => [e.claim.runId, e.outcome?.state]),
    [['run-a', 'Failed']],
  );
  const again = await ledger.claim(claim('run-b'));
  assert.deepEqual(again.claim, second.claim, 'a retried claim is the same claim');
  assert.equal(again.earlier.length, 1);
});

test('runs racing for the next number get different numbers, and each sees the others that came before it', async () => {
  const s = store();
  const results = await Promise.all(
    ['r1', 'r2', 'r3', 'r4', 'r5'].map((runId) => new RunLedger(s, 'id').claim(claim(runId))),
  );
  const attempts = results.map((r) => r.claim.attempt).sort();
  assert.deepEqual(attempts, [1, 2, 3, 4, 5]);
  for (const r of results) assert.equal(r.earlier.length, r.claim.attempt - 1);
  const folder = path.join(s.root, 'ledger', encodeURIComponent('id'));
  assert.equal(readdirSync(folder).filter((f) => f.endsWith('.json')).length, 5);
});

test('an outcome carries the result a later run returns', async () => {
  const ledger = new RunLedger(store(), 'q');
  await ledger.claim(claim('run-a'));
  await ledger.recordOutcome(1, {
    state: 'Completed',
    endedAt: 't',
    result: { state: 'Completed', records: { total: 3 } },
  });
  const [entry] = await ledger.entries();
  assert.deepEqual(entry?.outcome?.result, { state: 'Completed', records: { total: 3 } });
});
