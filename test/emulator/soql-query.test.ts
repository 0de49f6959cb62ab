import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { executeSoql, SoqlError, SoqlUnsupportedError } from '../../emulator/soql/index.js';
import type { Org } from '../../emulator/index.js';
import { useEmulator } from '../helpers/emulator.js';
import { deleteRows, insertRows } from '../helpers/org-seed.js';

describe('SOQL subset: evaluation', () => {
  const emulator = useEmulator();
  let org: Org;
  const ids: Record<string, string> = {};
  before(() => {
    org = emulator.org;
    const [acme = '', globex = ''] = insertRows(
      org,
      'Account',
      ['Name', 'Industry', 'AnnualRevenue', 'NumberOfEmployees'],
      [
        ['Acme', 'Technology', '1000000', '50'],
        ['Globex', 'Banking', '500', '10'],
        ['Initech', '', '', ''],
      ],
    );
    const contacts = insertRows(
      org,
      'Contact',
      ['FirstName', 'LastName', 'AccountId', 'Email', 'Birthdate', 'DoNotCall'],
      [
        ['Ada', 'Lovelace', acme, 'ada@acme.com', '1815-12-10', 'true'],
        ['Grace', 'Hopper', globex, 'grace@globex.com', '1906-12-09', 'false'],
        ['Alan', 'Turing', '', '', '1912-06-23', 'false'],
        ['Conan', "O'Brien", acme, 'conan_100%@acme.com', '', 'false'],
        ['Gone', 'Deleted', acme, '', '', 'false'],
      ],
    );
    Object.assign(ids, { acme, globex, ada: contacts[0], gone: contacts[4] });
    deleteRows(org, 'Contact', [contacts[4] ?? '']);
  });

  const lastNames = (soql: string, includeDeleted = false) =>
    executeSoql(org, soql, { includeDeleted }).rows.map((row) => row[0]);

  const cases: Array<[string, string, unknown[]]> = [
    ['all live rows in creation order', 'SELECT LastName FROM Contact', ['Lovelace', 'Hopper', 'Turing', "O'Brien"]],
    ['keywords and names in any case', "select lastname from CONTACT where FIRSTNAME = 'ada'", ['Lovelace']],
    ['= on text is case-insensitive', "SELECT LastName FROM Contact WHERE LastName = 'HOPPER'", ['Hopper']],
    ['!= also matches nulls', "SELECT LastName FROM Contact WHERE Email != 'ada@acme.com'", ['Hopper', 'Turing', "O'Brien"]],
    ['<> is !=', "SELECT LastName FROM Contact WHERE FirstName <> 'Ada'", ['Hopper', 'Turing', "O'Brien"]],
    ['= null', 'SELECT LastName FROM Contact WHERE Email = null', ['Turing']],
    ['!= null', 'SELECT LastName FROM Contact WHERE AccountId != null', ['Lovelace', 'Hopper', "O'Brien"]],
    ['date comparison', 'SELECT LastName FROM Contact WHERE Birthdate < 1900-01-01', ['Lovelace']],
    ['date range with AND', 'SELECT LastName FROM Contact WHERE Birthdate >= 1906-12-09 AND Birthdate <= 1912-06-23', ['Hopper', 'Turing']],
    ['datetime comparison', 'SELECT LastName FROM Contact WHERE CreatedDate > 2000-01-01T00:00:00Z', ['Lovelace', 'Hopper', 'Turing', "O'Brien"]],
    ['datetime with offset', 'SELECT LastName FROM Contact WHERE CreatedDate < 2000-01-01T00:00:00.000+01:00', []],
    ['boolean', 'SELECT LastName FROM Contact WHERE DoNotCall = true', ['Lovelace']],
    ['number on a parent field', 'SELECT LastName FROM Contact WHERE Account.AnnualRevenue > 1000', ['Lovelace', "O'Brien"]],
    ['OR', "SELECT LastName FROM Contact WHERE FirstName = 'Ada' OR FirstName = 'Alan'", ['Lovelace', 'Turing']],
    ['NOT', "SELECT LastName FROM Contact WHERE NOT FirstName = 'Ada'", ['Hopper', 'Turing', "O'Brien"]],
    ['parentheses', "SELECT LastName FROM Contact WHERE (FirstName = 'Ada' OR FirstName = 'Grace') AND DoNotCall = false", ['Hopper']],
    ['NOT over parentheses', "SELECT LastName FROM Contact WHERE NOT (FirstName = 'Ada' OR Email = null)", ['Hopper', "O'Brien"]],
    ['IN', "SELECT LastName FROM Contact WHERE FirstName IN ('ada', 'Alan', 'Nobody')", ['Lovelace', 'Turing']],
    ['NOT IN also matches nulls', "SELECT LastName FROM Contact WHERE Email NOT IN ('ada@acme.com')", ['Hopper', 'Turing', "O'Brien"]],
    ['IN on ids, 15 and 18 characters', '', ['Lovelace']],
    ['LIKE with %', "SELECT LastName FROM Contact WHERE Email LIKE '%@ACME.com'", ['Lovelace', "O'Brien"]],
    ['LIKE with _', "SELECT LastName FROM Contact WHERE LastName LIKE 'H_pper'", ['Hopper']],
    ['LIKE with escaped wildcards', "SELECT LastName FROM Contact WHERE Email LIKE 'conan\\_100\\%%'", ["O'Brien"]],
    ['escaped quote', "SELECT LastName FROM Contact WHERE LastName = 'O\\'Brien'", ["O'Brien"]],
    ['ORDER BY DESC', 'SELECT LastName FROM Contact ORDER BY LastName DESC', ['Turing', "O'Brien", 'Lovelace', 'Hopper']],
    ['ORDER BY ASC puts nulls first', 'SELECT LastName FROM Contact ORDER BY Email', ['Turing', 'Lovelace', "O'Brien", 'Hopper']],
    ['NULLS LAST', 'SELECT LastName FROM Contact ORDER BY Email ASC NULLS LAST', ['Lovelace', "O'Brien", 'Hopper', 'Turing']],
    ['DESC puts nulls last', 'SELECT LastName FROM Contact ORDER BY Account.Name DESC', ['Hopper', 'Lovelace', "O'Brien", 'Turing']],
    ['several ORDER BY fields', 'SELECT LastName FROM Contact ORDER BY Account.Name DESC NULLS FIRST, LastName DESC', ['Turing', 'Hopper', "O'Brien", 'Lovelace']],
    ['LIMIT', 'SELECT LastName FROM Contact ORDER BY LastName LIMIT 2', ['Hopper', 'Lovelace']],
    ['object name as a prefix', 'SELECT Contact.LastName FROM Contact WHERE Contact.FirstName = \'Grace\'', ['Hopper']],
  ]; // prettier-ignore

  for (const [name, soql, expected] of cases) {
    it(name, () => {
      const text =
        soql ||
        `SELECT LastName FROM Contact WHERE Id IN ('${ids['ada']?.slice(0, 15)}', '${ids['ada']?.toLowerCase()}')`;
      assert.deepEqual(lastNames(text), expected);
    });
  }

  it('reports columns in SELECT order with the API names of the schema', () => {
    const result = executeSoql(org, "SELECT account.name, ID, lastname FROM contact WHERE lastname = 'Turing'", {
      includeDeleted: false,
    });
    assert.equal(result.object, 'Contact');
    assert.deepEqual(result.fields, ['Account.Name', 'Id', 'LastName']);
    assert.deepEqual(result.rows, [[null, result.rows[0]?.[1], 'Turing']]);
  });

  it('returns typed values: numbers, booleans, dates, 18-character ids', () => {
    const [row] = executeSoql(
      org,
      "SELECT Id, AnnualRevenue, NumberOfEmployees, IsDeleted, CreatedDate FROM Account WHERE Name = 'Acme'",
      { includeDeleted: false },
    ).rows;
    assert.equal(row?.[0], ids['acme']);
    assert.deepEqual(row?.slice(1, 4), [1000000, 50, false]);
    assert.match(String(row?.[4]), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);
  });

  it('sees deleted records only with includeDeleted', () => {
    assert.deepEqual(lastNames("SELECT LastName FROM Contact WHERE FirstName = 'Gone'"), []);
    assert.deepEqual(lastNames("SELECT LastName FROM Contact WHERE FirstName = 'Gone'", true), ['Deleted']);
    assert.deepEqual(lastNames('SELECT LastName FROM Contact WHERE IsDeleted = true', true), ['Deleted']);
  });

  it('filters on an id range for PK chunking, comparing 15-character ids in order', () => {
    const all = executeSoql(org, 'SELECT Id FROM Contact', { includeDeleted: true }).rows.map((r) => String(r[0]));
    const [first = '', second = '', third = ''] = all;
    const range = { fromInclusive: second.slice(0, 15), toExclusive: third.toLowerCase() };
    const inRange = executeSoql(org, 'SELECT Id FROM Contact', { includeDeleted: true, idRange: range }).rows;
    assert.deepEqual(inRange, [[second]]);
    const from = executeSoql(org, 'SELECT Id FROM Contact', {
      includeDeleted: true,
      idRange: { fromInclusive: first },
    });
    assert.equal(from.rows.length, all.length);
    const to = executeSoql(org, 'SELECT Id FROM Contact', { includeDeleted: true, idRange: { toExclusive: first } });
    assert.equal(to.rows.length, 0);
  });

  it('compares ids in range filters of the query itself', () => {
    const all = executeSoql(org, 'SELECT Id FROM Contact', { includeDeleted: false }).rows.map((r) => String(r[0]));
    const rows = executeSoql(org, `SELECT LastName FROM Contact WHERE Id > '${all[1]}'`, {
      includeDeleted: false,
    }).rows;
    assert.deepEqual(
      rows.map((r) => r[0]),
      ['Turing', "O'Brien"],
    );
  });

  it('throws SoqlError instances', () => {
    assert.throws(() => executeSoql(org, 'SELECT FROM Contact', { includeDeleted: false }), SoqlError);
    assert.throws(
      () => executeSoql(org, 'SELECT COUNT() FROM Contact', { includeDeleted: false }),
      SoqlUnsupportedError,
    );
  });
});
