import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { executeSoql, SoqlError, SoqlUnsupportedError } from '../../emulator/soql/index.js';
import { useEmulator } from '../helpers/emulator.js';

const NO_SUCH_COLUMN_HINT =
  "If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. " +
  'Please reference your WSDL or the describe call for the appropriate names.';

describe('SOQL subset: errors', () => {
  const emulator = useEmulator();

  const failure = (soql: string): SoqlError => {
    try {
      executeSoql(emulator.org, soql, { includeDeleted: false });
    } catch (error) {
      assert.ok(error instanceof SoqlError);
      return error;
    }
    assert.fail(`accepted: ${soql}`);
  };

  it('words a syntax error like Salesforce: excerpt, caret, row and column, token', () => {
    const error = failure('SELECT Id FROM Contact WHERE');
    assert.equal(error.code, 'MALFORMED_QUERY');
    assert.equal(
      error.message,
      "\nSELECT Id FROM Contact WHERE\n                            ^\nERROR at Row:1:Column:29\nunexpected token: '<EOF>'",
    );
  });

  const malformed: Array<[string, string, string]> = [
    ['missing field list', 'SELECT FROM Contact', 'FROM'],
    ['missing FROM', 'SELECT Id Contact', 'Contact'],
    ['trailing comma', 'SELECT Id, FROM Contact', 'FROM'],
    ['AND and OR mixed without parentheses', "SELECT Id FROM Contact WHERE LastName = 'a' AND FirstName = 'b' OR Email = null", 'OR'],
    ['operator without value', 'SELECT Id FROM Contact WHERE LastName =', '<EOF>'],
    ['unknown operator word', "SELECT Id FROM Contact WHERE LastName IS 'a'", 'IS'],
    ['unclosed parenthesis', "SELECT Id FROM Contact WHERE (LastName = 'a'", '<EOF>'],
    ['LIMIT without number', 'SELECT Id FROM Contact LIMIT', '<EOF>'],
    ['clauses out of order', "SELECT Id FROM Contact LIMIT 5 WHERE LastName = 'a'", 'WHERE'],
    ['bind variable', 'SELECT Id FROM Contact WHERE LastName = :name', ':'],
    ['bare word as value', 'SELECT Id FROM Contact WHERE LastName = Smith', 'Smith'],
  ]; // prettier-ignore
  for (const [name, soql, token] of malformed) {
    it(`MALFORMED_QUERY: ${name}`, () => {
      const error = failure(soql);
      assert.equal(error.code, 'MALFORMED_QUERY');
      assert.ok(error.message.endsWith(`unexpected token: '${token}'`), error.message);
      assert.match(error.message, /\nERROR at Row:1:Column:\d+\n/);
    });
  }

  it('points at the row and column of a multi-line query', () => {
    const error = failure('SELECT Id\nFROM Contact\nWHERE LastName = 1 OR');
    assert.match(error.message, /ERROR at Row:3:Column:\d+/);
  });

  it('INVALID_TYPE for an unknown object', () => {
    const error = failure('SELECT Id FROM Contacts');
    assert.equal(error.code, 'INVALID_TYPE');
    assert.match(error.message, /ERROR at Row:1:Column:16\nsObject type 'Contacts' is not supported\./);
  });

  const invalidField: Array<[string, string, string]> = [
    ['unknown column', 'SELECT Id, Foo FROM Contact', `No such column 'Foo' on entity 'Contact'. ${NO_SUCH_COLUMN_HINT}`],
    ['unknown column in WHERE', "SELECT Id FROM Contact WHERE Foo__c = 'x'", `No such column 'Foo__c' on entity 'Contact'. ${NO_SUCH_COLUMN_HINT}`],
    ['unknown column in ORDER BY', 'SELECT Id FROM Contact ORDER BY Nme', `No such column 'Nme' on entity 'Contact'. ${NO_SUCH_COLUMN_HINT}`],
    ['unknown parent column', 'SELECT Account.Nme FROM Contact', `No such column 'Nme' on entity 'Account'. ${NO_SUCH_COLUMN_HINT}`],
    ['unknown relationship', 'SELECT Acount.Name FROM Contact', "Didn't understand relationship 'Acount' in field path."],
    ['quoted number', "SELECT Id FROM Account WHERE NumberOfEmployees = '5'", "value of filter criterion for field 'NumberOfEmployees' must be of type integer and should not be enclosed in quotes"],
    ['unquoted text', 'SELECT Id FROM Account WHERE Name = 5', "value of filter criterion for field 'Name' must be of type string and should be enclosed in quotes"],
    ['quoted boolean', "SELECT Id FROM Contact WHERE DoNotCall = 'true'", "value of filter criterion for field 'DoNotCall' must be of type boolean and should not be enclosed in quotes"],
    ['date for a datetime', 'SELECT Id FROM Contact WHERE CreatedDate > 2024-01-01', "value of filter criterion for field 'CreatedDate' must be of type dateTime and should not be enclosed in quotes"],
    ['datetime for a date', 'SELECT Id FROM Contact WHERE Birthdate > 2024-01-01T00:00:00Z', "value of filter criterion for field 'Birthdate' must be of type date and should not be enclosed in quotes"],
  ]; // prettier-ignore
  for (const [name, soql, reason] of invalidField) {
    it(`INVALID_FIELD: ${name}`, () => {
      const error = failure(soql);
      assert.equal(error.code, 'INVALID_FIELD');
      assert.ok(error.message.includes(`\n${reason}`), error.message);
    });
  }

  const unsupported: Array<[string, string, string]> = [
    ['aggregate', 'SELECT COUNT() FROM Contact', 'aggregate'],
    ['aggregate on a field', 'SELECT MAX(CreatedDate) FROM Contact', 'aggregate'],
    ['GROUP BY', 'SELECT LastName FROM Contact GROUP BY LastName', 'groupBy'],
    ['subquery', 'SELECT Id, (SELECT Id FROM Contacts) FROM Account', 'subquery'],
    ['OFFSET', 'SELECT Id FROM Contact LIMIT 5 OFFSET 10', 'offset'],
    ['TYPEOF', 'SELECT TYPEOF Owner WHEN User THEN Name END FROM Contact', 'typeof'],
    ['FIELDS()', 'SELECT FIELDS(ALL) FROM Contact LIMIT 200', 'fields'],
  ];
  for (const [name, soql, feature] of unsupported) {
    it(`refuses what Bulk queries refuse: ${name}`, () => {
      const error = failure(soql);
      assert.ok(error instanceof SoqlUnsupportedError);
      assert.equal(error.feature, feature);
    });
  }
});
