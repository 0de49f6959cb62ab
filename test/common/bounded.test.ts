import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachBounded } from '../../common/bounded.js';

/** A promise with its resolve and reject at hand. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** Lets every settled promise's callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

test('runs at most `limit` at once, starting items in order as others finish', async () => {
  const gates = Array.from({ length: 6 }, deferred);
  const started: number[] = [];
  let running = 0;
  let most = 0;
  const done = forEachBounded([0, 1, 2, 3, 4, 5], 3, async (item, index) => {
    assert.equal(item, index);
    started.push(item);
    most = Math.max(most, ++running);
    await gates[item]?.promise;
    running -= 1;
  });
  await settle();
  assert.deepEqual(started, [0, 1, 2]);
  gates[1]?.resolve();
  await settle();
  assert.deepEqual(started, [0, 1, 2, 3]);
  for (const gate of gates) gate.resolve();
  await done;
  assert.deepEqual(started, [0, 1, 2, 3, 4, 5]);
  assert.equal(most, 3);
});

test('after a failure starts nothing more, waits for what runs, then throws the first error', async () => {
  const gates = Array.from({ length: 5 }, deferred);
  const started: number[] = [];
  const finished: number[] = [];
  let outcome: { value: unknown } = { value: 'pending' };
  const done = forEachBounded([0, 1, 2, 3, 4], 2, async (item) => {
    started.push(item);
    await gates[item]?.promise;
    finished.push(item);
  }).then(
    () => (outcome = { value: 'resolved' }),
    (err: unknown) => (outcome = { value: err }),
  );
  await settle();
  gates[0]?.reject(new Error('page 0 failed'));
  await settle();
  assert.deepEqual(started, [0, 1], 'nothing started after the failure');
  assert.equal(outcome.value, 'pending', 'item 1 still runs, so the call has not returned');
  gates[1]?.reject(new Error('page 1 failed too'));
  await done;
  const error: unknown = outcome.value;
  assert.ok(error instanceof Error);
  assert.equal(error.message, 'page 0 failed');
  assert.deepEqual(finished, []);
});

test('a failing sequence fails the call once the running items are done', async () => {
  async function* items() {
    yield 'a';
    await settle();
    throw new Error('listing failed');
  }
  const finished: string[] = [];
  await assert.rejects(
    forEachBounded(items(), 4, async (item) => {
      await settle();
      finished.push(item);
    }),
    /listing failed/,
  );
  assert.deepEqual(finished, ['a']);
});

test('an empty sequence does nothing; a limit below 1 is refused', async () => {
  await forEachBounded([], 2, () => Promise.reject(new Error('never called')));
  await assert.rejects(
    forEachBounded([1], 0, async () => {}),
    RangeError,
  );
});
