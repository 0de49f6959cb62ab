import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkSyncInput,
  compareBookmarks,
  cycleFolder,
  nextCronMs,
  nextDueMs,
  stampMs,
  syncFields,
  syncSoql,
} from '../../common/sync-window.js';

const at = (iso: string) => Date.parse(iso);

describe('the window of a cycle', () => {
  it('selects everything in the first cycle, with the bookmark and tombstone fields once', () => {
    assert.equal(
      syncSoql({ object: 'Contact', fields: ['LastName', 'id', 'Account.Name'] }),
      'SELECT Id, SystemModstamp, IsDeleted, LastName, Account.Name FROM Contact',
    );
    assert.deepEqual(syncFields(['isdeleted']), ['Id', 'SystemModstamp', 'IsDeleted']);
  });

  it('continues after the bookmark with the tie-safe predicate', () => {
    const bookmark = { systemModstamp: '2026-12-07T22:35:19.000Z', id: '003000000000001AAA' };
    assert.equal(
      syncSoql({ object: 'Contact', fields: [], bookmark }),
      'SELECT Id, SystemModstamp, IsDeleted FROM Contact WHERE (SystemModstamp > 2026-12-07T22:35:19Z) OR ' +
        "(SystemModstamp = 2026-12-07T22:35:19Z AND Id > '003000000000001AAA')",
    );
    assert.equal(
      syncSoql({ object: 'Contact', fields: [], bookmark, lookbackMs: 300_000 }),
      'SELECT Id, SystemModstamp, IsDeleted FROM Contact WHERE SystemModstamp >= 2026-12-07T22:30:19Z',
    );
  });

  it('refuses names and bookmarks that are not what they claim', () => {
    assert.throws(() => syncSoql({ object: 'Contact; DELETE', fields: [] }), RangeError);
    assert.throws(() => syncSoql({ object: 'Contact', fields: ["Name'"] }), RangeError);
    assert.throws(
      () => syncSoql({ object: 'Contact', fields: [], bookmark: { systemModstamp: 'x', id: '003000000000001AAA' } }),
      RangeError,
    );
    assert.throws(
      () =>
        syncSoql({
          object: 'Contact',
          fields: [],
          bookmark: { systemModstamp: '2026-12-07T00:00:00Z', id: "' OR ''='" },
        }),
      RangeError,
    );
  });

  it('refuses an input no cycle could run with, naming what is wrong', () => {
    const input = { object: 'Contact', fields: ['LastName'], to: 's3://b/p', timing: { everyMs: 60_000 } };
    checkSyncInput(input);
    assert.throws(() => checkSyncInput({ ...input, to: 'https://b/p' }), /to must be an s3:\/\/ or file:\/\/ URL/);
    assert.throws(() => checkSyncInput({ ...input, timing: { everyMs: 10 } }), /at least one second/);
    assert.throws(() => checkSyncInput({ ...input, timing: { cron: '* * * *' } }), /five fields/);
    assert.throws(() => checkSyncInput({ ...input, maxRowsPerFile: 0 }), /maxRowsPerFile/);
    assert.throws(() => checkSyncInput({ ...input, lookbackMs: -1 }), /lookbackMs/);
  });

  it('orders bookmarks by stamp, then by the 15-character Id, reading both stamp forms', () => {
    assert.equal(stampMs('2026-12-07T22:35:19.000+0000'), at('2026-12-07T22:35:19Z'));
    const a = { systemModstamp: '2026-12-07T22:35:19.000+0000', id: '003000000000002AAA' };
    const b = { systemModstamp: '2026-12-07T22:35:19.000Z', id: '003000000000010AAA' };
    assert.ok(compareBookmarks(a, b) < 0);
    assert.equal(compareBookmarks(a, { ...a, id: '003000000000002' }), 0);
    assert.ok(compareBookmarks({ ...b, systemModstamp: '2026-12-07T22:35:20Z' }, a) > 0);
  });

  it('names a cycle folder from its number and the day it started', () => {
    assert.equal(
      cycleFolder('s3://exports/crm/', 'Contact', 42, at('2026-12-07T23:59:59Z')),
      's3://exports/crm/object=Contact/date=2026-12-07/cycle=000042',
    );
  });
});

describe('when the next cycle is due', () => {
  it('every interval after the last start, or now when that has passed', () => {
    assert.equal(nextDueMs({ everyMs: 3_600_000 }, 1_000, 2_000), 3_601_000);
    assert.equal(nextDueMs({ everyMs: 1_000 }, 0, 5_000), 5_000);
  });

  it('at the next minute a cron expression names, in UTC', () => {
    const from = at('2026-12-07T22:35:19Z');
    assert.equal(nextCronMs('0 * * * *', from), at('2026-12-07T23:00:00Z'));
    assert.equal(nextCronMs('*/15 * * * *', from), at('2026-12-07T22:45:00Z'));
    assert.equal(nextCronMs('30 2 * * *', from), at('2026-12-08T02:30:00Z'));
    assert.equal(nextCronMs('0 6 * * 1-5', at('2026-12-11T07:00:00Z')), at('2026-12-14T06:00:00Z')); // Fri → Mon
    assert.equal(nextCronMs('0 0 1 1 *', from), at('2027-01-01T00:00:00Z'));
    assert.equal(nextCronMs('0 0 29 2 *', from), at('2028-02-29T00:00:00Z'));
    assert.throws(() => nextCronMs('61 * * * *', from), RangeError);
    assert.throws(() => nextCronMs('* * *', from), RangeError);
  });
});
