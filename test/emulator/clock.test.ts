/**
 * The emulator's clock: real time until moved, moved forward in-process (`emulator.clock.advance`) or over the
 * admin API (`POST /__emulator/clock`), and read by job and record timestamps.
 */
import assert from 'node:assert/strict';
import { before, beforeEach, describe, it } from 'node:test';
import { startEmulator, useEmulator } from '../helpers/emulator.js';
import { adminRecords, createJob, ingestClient, login, runJob } from '../helpers/emulator-http.js';
import type { Ingest } from '../helpers/emulator-http.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const time = (value: unknown) => Date.parse(String(value).replace(/\+0000$/, 'Z'));

describe('emulator clock', () => {
  const emulator = useEmulator();
  let ingest: Ingest;
  before(async () => {
    ingest = ingestClient(emulator.url, await login(emulator.url));
  });
  beforeEach(() => emulator.reset());

  it('keeps to real time until moved', async (t) => {
    // A fresh emulator: the clock of the shared one may have been moved by another test.
    const fresh = await startEmulator(t);
    const before = Date.now();
    const job = await createJob(ingestClient(fresh.url, await login(fresh.url)), {
      object: 'Contact',
      operation: 'insert',
    });
    // Job timestamps are whole seconds, as Salesforce writes them (`.000`).
    assert.match(String(job['createdDate']), /\.000\+0000$/);
    assert.ok(time(job['createdDate']) >= Math.floor(before / 1000) * 1000);
    assert.ok(time(job['createdDate']) <= Date.now());
    const res = await fetch(`${fresh.url}/__emulator/clock`);
    assert.equal(res.status, 200);
    const clock = (await res.json()) as { now: string; offsetMs: number };
    assert.equal(clock.offsetMs, 0);
    assert.ok(Math.abs(Date.parse(clock.now) - Date.now()) < 5_000);
  });

  it('moves job timestamps forward in-process and over the admin API', async () => {
    const first = await createJob(ingest, { object: 'Contact', operation: 'insert' });
    emulator.clock.advance(DAY);
    const second = await createJob(ingest, { object: 'Contact', operation: 'insert' });
    const res = await fetch(`${emulator.url}/__emulator/clock`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ advanceMs: 2 * DAY }),
    });
    assert.equal(res.status, 200);
    const offsetMs = ((await res.json()) as { offsetMs: number }).offsetMs;
    assert.ok(offsetMs >= 3 * DAY, `offset ${offsetMs}`);
    const third = await createJob(ingest, { object: 'Contact', operation: 'insert' });
    const [t1, t2, t3] = [first, second, third].map((job) => time(job['createdDate']));
    assert.ok((t2 ?? 0) - (t1 ?? 0) >= DAY && (t2 ?? 0) - (t1 ?? 0) < DAY + 60_000);
    assert.ok((t3 ?? 0) - (t2 ?? 0) >= 2 * DAY && (t3 ?? 0) - (t2 ?? 0) < 2 * DAY + 60_000);
  });

  it('stamps records from the clock: CreatedDate on insert, LastModifiedDate and SystemModstamp on update', async () => {
    const inserted = await runJob(ingest, { object: 'Contact', operation: 'insert' }, 'LastName\nLovelace\n');
    assert.equal(inserted.state, 'JobComplete');
    const [created] = await adminRecords(emulator.url, 'Contact');
    emulator.clock.advance(HOUR);
    const csv = `Id,Title\n${String(created?.['Id'])},Countess\n`;
    assert.equal((await runJob(ingest, { object: 'Contact', operation: 'update' }, csv)).state, 'JobComplete');
    const [updated] = await adminRecords(emulator.url, 'Contact');
    assert.equal(updated?.['CreatedDate'], created?.['CreatedDate']);
    const moved = time(updated?.['SystemModstamp']) - time(created?.['SystemModstamp']);
    assert.ok(moved >= HOUR && moved < HOUR + 60_000, `SystemModstamp moved ${moved} ms`);
    assert.equal(updated?.['LastModifiedDate'], updated?.['SystemModstamp']);
  });

  it('refuses to move backwards or by nonsense', async () => {
    for (const body of [{ advanceMs: -1 }, { advanceMs: 'soon' }, {}]) {
      const res = await fetch(`${emulator.url}/__emulator/clock`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as Array<{ errorCode: string }>)[0]?.errorCode, 'INVALID_CLOCK');
    }
    assert.throws(() => emulator.clock.advance(-5), RangeError);
  });
});
