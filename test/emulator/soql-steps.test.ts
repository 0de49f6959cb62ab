import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { executeSoql } from '../../emulator/soql/index.js';
import { SoqlCursor } from '../../emulator/soql/cursor.js';
import { prepareSoql } from '../../emulator/soql/index.js';
import { StepwiseSort } from '../../emulator/soql/stepwise-sort.js';
import { useEmulator } from '../helpers/emulator.js';
import { deleteRows, insertRows } from '../helpers/org-seed.js';

describe('stepwise sort', () => {
  it('orders exactly as one stable Array.prototype.sort, ties kept in input order', () => {
    let seed = 11;
    const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (const length of [0, 1, 2, 5, 17, 100, 1000, 4097]) {
      const items = Array.from({ length }, (_, index) => ({ key: Math.floor(next() * 20), index }));
      const compare = (a: { key: number }, b: { key: number }) => a.key - b.key;
      const expected = [...items].sort(compare);
      for (const [run, merge] of [
        [1, 1],
        [3, 7],
        [64, 5],
        [2000, 8000],
      ] as const) {
        const sorter = new StepwiseSort([...items], compare, run, merge);
        let steps = 1;
        while (!sorter.step()) steps++;
        assert.deepEqual(sorter.sorted, expected, `length ${length}, runs of ${run}, merges of ${merge}`);
        if (length > 0) assert.ok(steps >= Math.ceil(length / run), `${steps} steps`);
      }
    }
  });
});

describe('SOQL evaluated in steps', () => {
  const emulator = useEmulator();
  before(() => {
    const [acme = '', globex = ''] = insertRows(emulator.org, 'Account', ['Name'], [['Acme'], ['globex']]);
    const rows = Array.from({ length: 300 }, (_, i) => [
      i % 7 === 0 ? '' : `First${i % 13}`,
      `Last${i % 17}`,
      i % 3 === 0 ? acme : i % 3 === 1 ? globex : '',
    ]);
    const ids = insertRows(emulator.org, 'Contact', ['FirstName', 'LastName', 'AccountId'], rows);
    deleteRows(
      emulator.org,
      'Contact',
      ids.filter((_, i) => i % 11 === 0),
    );
  });

  const queries = [
    'SELECT Id, FirstName FROM Contact',
    'SELECT Id FROM Contact LIMIT 7',
    "SELECT Id, Account.Name FROM Contact WHERE LastName LIKE 'last1%' OR FirstName = null",
    'SELECT Id, FirstName, LastName FROM Contact ORDER BY FirstName NULLS LAST, LastName DESC',
    'SELECT Id, Account.Name FROM Contact ORDER BY Account.Name DESC NULLS FIRST LIMIT 50',
    "SELECT LastName FROM Contact WHERE FirstName != 'First3' ORDER BY LastName LIMIT 0",
  ];

  for (const soql of queries) {
    it(`gives what a single pass gives: ${soql}`, () => {
      for (const includeDeleted of [false, true]) {
        const expected = executeSoql(emulator.org, soql, { includeDeleted }).rows;
        for (const stepRows of [1, 7, 64]) {
          const cursor = new SoqlCursor(emulator.org, prepareSoql(emulator.org, soql), { includeDeleted }, stepRows);
          let steps = 1;
          while (!cursor.step()) steps++;
          assert.deepEqual(cursor.rows, expected, `stepRows ${stepRows}, includeDeleted ${includeDeleted}`);
          if (!/LIMIT/.test(soql)) assert.ok(steps >= 300 / stepRows, `${steps} steps`);
        }
      }
    });
  }

  it('reads the records as they were when it started', () => {
    const soql = 'SELECT LastName FROM Contact';
    const expected = executeSoql(emulator.org, soql, { includeDeleted: false }).rows;
    const cursor = new SoqlCursor(emulator.org, prepareSoql(emulator.org, soql), { includeDeleted: false }, 10);
    cursor.step();
    insertRows(emulator.org, 'Contact', ['LastName'], [['Later']]);
    while (!cursor.step());
    assert.deepEqual(cursor.rows, expected);
  });
});
