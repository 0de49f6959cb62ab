import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pollUntil } from '../../../salesforce/core/polling.js';
import { withPollDefaults } from '../../../common/poll-policy.js';

/** A clock that only the fake sleep moves. */
function fakeTime() {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    sleep: (ms: number) => {
      waits.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

test('pollUntil waits the shared policy’s delays and stops when done', async () => {
  const clock = fakeTime();
  let n = 0;
  const value = await pollUntil(
    () => Promise.resolve(++n),
    (v) => v === 4,
    { sleep: clock.sleep, now: clock.now },
  );
  assert.equal(value, 4);
  assert.equal(clock.waits.length, 3);
  assert.equal(clock.waits[0], 1000, 'the first wait is initialMs');
  for (const wait of clock.waits) assert.ok(wait >= 1000 && wait <= 600_000, `${wait} within floor and ceiling`);
});

test('pollUntil predicts the finish from progress: a steady 100 s job costs a handful of polls', async () => {
  const clock = fakeTime();
  const total = 100_000;
  const processed = () => Math.min(total, Math.floor((clock.now() / 100_000) * total));
  let polls = 0;
  const finished = await pollUntil(
    () => Promise.resolve((polls++, processed())),
    (records) => records >= total,
    { sleep: clock.sleep, now: clock.now, progress: (records) => records, totalRecords: total },
  );
  assert.equal(finished, total);
  assert.ok(polls <= 10, `${polls} polls`);
  assert.ok(clock.now() <= 110_000, `noticed at ${clock.now()} ms, within 10 % of 100 s`);
});

test('a bad policy throws naming the option', async () => {
  assert.throws(() => withPollDefaults({ floorMs: 0 }), /pollPolicy.floorMs must be at least 1/);
  await assert.rejects(
    pollUntil(
      () => Promise.resolve(1),
      () => true,
      { policy: { ceilingMs: 10, floorMs: 100 } },
    ),
    /pollPolicy.ceilingMs must be at least floorMs/,
  );
});
