import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually } from './eventually.js';

describe('eventually', () => {
  it('returns the first truthy value of a sync or async condition', async () => {
    let tries = 0;
    assert.equal(await eventually(() => ++tries >= 3 && tries, { timeoutMs: 1000, intervalMs: 1, what: 'three' }), 3);
    const found = await eventually(() => Promise.resolve({ id: 'x' }), { timeoutMs: 1000, what: 'an object' });
    assert.deepEqual(found, { id: 'x' });
  });

  it('retries a throwing condition and fails with what it waited for and the last value or error', async () => {
    let tries = 0;
    const value = await eventually(
      () => {
        if (++tries < 3) throw new Error('not yet');
        return 'ok';
      },
      { timeoutMs: 1000, intervalMs: 1, what: 'a try that works' },
    );
    assert.equal(value, 'ok');
    await assert.rejects(
      eventually(() => ({ state: 'InProgress' }).state === 'JobComplete' || 0, {
        timeoutMs: 50,
        what: 'the job to complete',
      }),
      { message: /^timed out after 50 ms waiting for the job to complete \(last value: 0\)$/ },
    );
    const boom = new TypeError('fetch failed');
    await assert.rejects(
      eventually(
        () => {
          throw boom;
        },
        { timeoutMs: 30, what: 'the server' },
      ),
      (err: Error) => {
        assert.match(err.message, /waiting for the server \(last error: TypeError: fetch failed\)/);
        assert.equal(err.cause, boom);
        return true;
      },
    );
  });

  it('fails at once on an assertion inside the condition', async () => {
    const started = Date.now();
    await assert.rejects(
      eventually(
        () => {
          assert.equal(1, 2);
          return true;
        },
        { timeoutMs: 5000, what: 'never' },
      ),
      assert.AssertionError,
    );
    assert.ok(Date.now() - started < 1000);
  });

  it('does not wait past the deadline for a try that hangs', async () => {
    const started = Date.now();
    await assert.rejects(
      eventually(() => new Promise<boolean>(() => undefined), { timeoutMs: 50, what: 'a hanging probe' }),
      /waiting for a hanging probe \(no try finished; the last try was still running\)/,
    );
    assert.ok(Date.now() - started < 1000);
  });

  it('with until, returns the value of the probe and shows the last one on timeout', async () => {
    let n = 0;
    const job = await eventually(() => ({ state: ++n < 3 ? 'InProgress' : 'JobComplete', n }), {
      until: (j) => j.state === 'JobComplete',
      timeoutMs: 1000,
      intervalMs: 1,
      what: 'the job',
    });
    assert.deepEqual(job, { state: 'JobComplete', n: 3 });
    await assert.rejects(
      eventually(() => ({ state: 'InProgress' }), {
        until: (j) => j.state === 'JobComplete',
        timeoutMs: 30,
        what: 'the job to complete',
      }),
      { message: "timed out after 30 ms waiting for the job to complete (last value: { state: 'InProgress' })" },
    );
  });
});
