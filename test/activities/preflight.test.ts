/**
 * The staging pre-flight without a server: the schema rules against fixed describe JSON (the shape Salesforce
 * answers, trimmed to the facts the rules read), and the CSV shape checks of the staging pass.
 */
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { test } from 'node:test';
import { checkIngestColumns, type IngestTarget } from '../../activities/preflight.js';
import {
  InputProblem,
  isRetryable,
  InputError,
  type DescribeField,
  type InputLocation,
  type SObjectDescribe,
} from '../../salesforce/index.js';
import { splitCsv } from '../../csv/split.js';

type FieldFacts = Partial<DescribeField> & { name: string };

function field(facts: FieldFacts): DescribeField {
  return {
    type: 'string',
    nillable: true,
    createable: true,
    updateable: true,
    externalId: false,
    idLookup: false,
    defaultedOnCreate: false,
    referenceTo: [],
    relationshipName: null,
    ...facts,
  };
}

const SYSTEM: FieldFacts[] = [
  {
    name: 'Id',
    type: 'id',
    nillable: false,
    createable: false,
    updateable: false,
    idLookup: true,
    defaultedOnCreate: true,
  },
  {
    name: 'IsDeleted',
    type: 'boolean',
    nillable: false,
    createable: false,
    updateable: false,
    defaultedOnCreate: true,
  },
  {
    name: 'CreatedDate',
    type: 'datetime',
    nillable: false,
    createable: false,
    updateable: false,
    defaultedOnCreate: true,
  },
  {
    name: 'OwnerId',
    type: 'reference',
    nillable: false,
    defaultedOnCreate: true,
    referenceTo: ['User'],
    relationshipName: 'Owner',
  },
];

const ORG: Record<string, SObjectDescribe> = {
  contact: {
    name: 'Contact',
    fields: [
      ...SYSTEM,
      { name: 'LastName', nillable: false },
      { name: 'FirstName' },
      { name: 'Email', type: 'email', idLookup: true },
      { name: 'Name', createable: false, updateable: false },
      { name: 'DoNotCall', type: 'boolean', nillable: false, defaultedOnCreate: true },
      { name: 'AccountId', type: 'reference', referenceTo: ['Account'], relationshipName: 'Account' },
      { name: 'External_Id__c', externalId: true, idLookup: true },
      { name: 'Legacy_Code__c', updateable: false },
    ].map(field),
  },
  account: {
    name: 'Account',
    fields: [
      ...SYSTEM,
      { name: 'Name', nillable: false },
      { name: 'AccountNumber' },
      { name: 'External_Id__c', externalId: true, idLookup: true },
    ].map(field),
  },
  user: { name: 'User', fields: [...SYSTEM, { name: 'Username', idLookup: true }].map(field) },
  lead: {
    name: 'Lead',
    fields: [...SYSTEM, { name: 'LastName', nillable: false }, { name: 'Email', idLookup: true }].map(field),
  },
  task: {
    name: 'Task',
    fields: [
      ...SYSTEM,
      { name: 'Subject' },
      { name: 'WhoId', type: 'reference', referenceTo: ['Contact', 'Lead'], relationshipName: 'Who' },
    ].map(field),
  },
};

/** Describes from ORG; other names fail the way the describe client does. */
function describe(name: string): Promise<SObjectDescribe> {
  const found = ORG[name.toLowerCase()];
  if (found) return Promise.resolve(found);
  return Promise.reject(new InputError(`Salesforce has no object "${name}"`, { problem: InputProblem.UnknownObject }));
}

const check = (target: IngestTarget, header: string) => checkIngestColumns(target, header.split(','), describe);
const insert = (object = 'Contact'): IngestTarget => ({ object, operation: 'insert' });

test('headers Salesforce would accept pass', async () => {
  const accepted: Array<[IngestTarget, string]> = [
    [insert(), 'LastName,FirstName,Email'],
    [insert(), 'lastname,EMAIL'], // field names are case-insensitive
    [insert(), 'LastName,Account.External_Id__c'],
    [insert(), 'LastName,account.external_id__c,Owner.Id'], // relationship and Id lookups
    [insert(), 'LastName,OwnerId,DoNotCall'],
    [insert('Task'), 'Subject,Contact:Who.Email'], // a polymorphic reference names its type
    [{ object: 'Contact', operation: 'update' }, 'Id,FirstName,Email'],
    [{ object: 'Contact', operation: 'upsert', externalIdFieldName: 'External_Id__c' }, 'External_Id__c,LastName'],
    [{ object: 'Contact', operation: 'upsert', externalIdFieldName: 'email' }, 'Email,LastName'],
    [{ object: 'Contact', operation: 'upsert', externalIdFieldName: 'Id' }, 'Id,FirstName'],
    [{ object: 'Contact', operation: 'delete' }, 'Id'],
    [{ object: 'Contact', operation: 'hardDelete' }, 'Id,Name'], // other columns of a delete are ignored
  ];
  for (const [target, header] of accepted) await check(target, header);
});

interface Refused {
  name: string;
  target: IngestTarget;
  header: string;
  problem: InputProblem;
  message: RegExp;
  location?: InputLocation;
}

const REFUSED: Refused[] = [
  {
    name: 'an unknown object',
    target: insert('Contactt'),
    header: 'LastName',
    problem: InputProblem.UnknownObject,
    message: /no object "Contactt"/,
  },
  {
    name: 'an unknown field, with a did-you-mean',
    target: insert(),
    header: 'LastName,Emial',
    problem: InputProblem.UnknownField,
    message: /^Contact has no field for column Emial \(column 2; did you mean Email\?\)\./,
    location: { column: 2, field: 'Emial' },
  },
  {
    name: 'several unknown fields, all named',
    target: insert(),
    header: 'Shoe_Size__c,LastName,FristName',
    problem: InputProblem.UnknownField,
    message: /columns Shoe_Size__c \(column 1\), FristName \(column 3; did you mean FirstName\?\)/,
    location: { column: 1, field: 'Shoe_Size__c', fields: ['Shoe_Size__c', 'FristName'] },
  },
  {
    name: 'a relationship that does not exist',
    target: insert(),
    header: 'LastName,Acount.External_Id__c',
    problem: InputProblem.UnknownField,
    message: /Acount\.External_Id__c \(column 2; no relationship Acount; did you mean Account\?\)/,
    location: { column: 2, field: 'Acount.External_Id__c' },
  },
  {
    name: 'a relationship to a field the parent lacks',
    target: insert(),
    header: 'LastName,Account.External_ID',
    problem: InputProblem.UnknownField,
    message: /Account has no field External_ID; did you mean External_Id__c\?/,
  },
  {
    name: 'a relationship two levels deep',
    target: insert(),
    header: 'LastName,Account.Owner.Id',
    problem: InputProblem.UnknownField,
    message: /one level deep/,
  },
  {
    name: 'a polymorphic relationship without its type',
    target: insert('Task'),
    header: 'Subject,Who.Email',
    problem: InputProblem.UnknownField,
    message: /WhoId points at Contact, Lead: name one, as in Contact:Who\.Email/,
  },
  {
    name: 'a relationship on a field that identifies nothing',
    target: insert(),
    header: 'LastName,Account.AccountNumber',
    problem: InputProblem.InvalidExternalId,
    message: /Relationship column Account\.AccountNumber \(column 2\) must name an external id or id lookup field/,
    location: { column: 2, field: 'Account.AccountNumber' },
  },
  {
    name: 'an upsert on a field that is not an external id',
    target: { object: 'Contact', operation: 'upsert', externalIdFieldName: 'FirstName' },
    header: 'FirstName,LastName',
    problem: InputProblem.InvalidExternalId,
    message:
      /^FirstName is not an external id or id lookup field of Contact: upsert can match on Id, Email, External_Id__c\.$/,
    location: { field: 'FirstName' },
  },
  {
    name: 'an upsert on a field that does not exist',
    target: { object: 'Contact', operation: 'upsert', externalIdFieldName: 'Ext__c' },
    header: 'Ext__c,LastName',
    problem: InputProblem.InvalidExternalId,
    message: /^Ext__c is not a field of Contact/,
  },
  {
    name: 'an upsert without its key column',
    target: { object: 'Contact', operation: 'upsert', externalIdFieldName: 'External_Id__c' },
    header: 'LastName,Email',
    problem: InputProblem.MissingColumn,
    message: /^upsert of Contact on External_Id__c needs the column External_Id__c: it finds each record/,
  },
  {
    name: 'an update without Id',
    target: { object: 'Contact', operation: 'update' },
    header: 'LastName,Email',
    problem: InputProblem.MissingColumn,
    message: /^update of Contact needs an Id column/,
  },
  {
    name: 'a delete without Id',
    target: { object: 'Contact', operation: 'delete' },
    header: 'Email',
    problem: InputProblem.MissingColumn,
    message: /^delete of Contact needs an Id column/,
  },
  {
    name: 'an insert setting read-only fields',
    target: insert(),
    header: 'LastName,Name,Id',
    problem: InputProblem.FieldNotWritable,
    message: /^insert of Contact cannot set Name \(column 2; not createable\), Id \(column 3; not createable\)/,
    location: { column: 2, field: 'Name', fields: ['Name', 'Id'] },
  },
  {
    name: 'an update setting a field that is createable only',
    target: { object: 'Contact', operation: 'update' },
    header: 'Id,Legacy_Code__c',
    problem: InputProblem.FieldNotWritable,
    message: /Legacy_Code__c \(column 2; not updateable\)/,
  },
  {
    name: 'an upsert needs fields both createable and updateable',
    target: { object: 'Contact', operation: 'upsert', externalIdFieldName: 'External_Id__c' },
    header: 'External_Id__c,LastName,Legacy_Code__c,CreatedDate',
    problem: InputProblem.FieldNotWritable,
    message: /Legacy_Code__c \(column 3; not updateable\), CreatedDate \(column 4; not createable, not updateable\)/,
  },
  {
    name: 'an insert without a required field',
    target: insert(),
    header: 'FirstName,Email',
    problem: InputProblem.MissingColumn,
    message: /^insert into Contact needs a column for the required field LastName: it cannot be empty/,
    location: { field: 'LastName' },
  },
];

for (const c of REFUSED) {
  test(`refused: ${c.name}`, async () => {
    const err = await check(c.target, c.header).then(
      () => assert.fail('expected a refusal'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof InputError, String(err));
    assert.equal(err.problem, c.problem);
    assert.equal(err.code, 'SF_INVALID_INPUT');
    assert.equal(isRetryable(err), false);
    assert.match(err.message, c.message);
    if (c.location) assert.deepEqual(err.location, c.location);
  });
}

const sinks = () => () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });

/** Splits `bytes` fed in chunks of `size` bytes, so that checks also hold across chunk boundaries. */
function split(bytes: Buffer, size: number) {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return splitCsv(Readable.from(chunks), { limits: { maxRows: 100, maxBytes: 1e6 }, openUnit: sinks() });
}

const CSV_REFUSED: Array<{
  name: string;
  input: Buffer;
  problem: InputProblem;
  message: RegExp;
  location?: InputLocation;
}> = [
  {
    name: 'an empty file',
    input: Buffer.from(''),
    problem: InputProblem.Empty,
    message: /empty: it has no header row/,
  },
  {
    name: 'a ragged row',
    input: Buffer.from('LastName,FirstName\nLovelace,Ada\nHopper,Grace,Navy\n'),
    problem: InputProblem.RaggedRow,
    message: /^CSV row 2 has 3 fields but the header has 2/,
    location: { row: 2 },
  },
  {
    name: 'a short row',
    input: Buffer.from('LastName,FirstName,Email\r\nLovelace,Ada\r\n'),
    problem: InputProblem.RaggedRow,
    message: /^CSV row 1 has 2 fields but the header has 3 \(the first missing one is Email\)/,
    location: { row: 1, column: 3, field: 'Email' },
  },
  {
    name: 'a duplicated header column',
    input: Buffer.from('LastName,Email,email\nx,y,z\n'),
    problem: InputProblem.BadHeader,
    message: /column "email" more than once \(columns 2 and 3\)/,
    location: { column: 3, field: 'email' },
  },
  {
    name: 'an unterminated quote',
    input: Buffer.from('LastName,Title\nLovelace,"Countess\nHopper,Admiral\n'),
    problem: InputProblem.UnterminatedQuote,
    message: /^CSV row 1 opens a quoted value that never closes/,
    location: { row: 1 },
  },
  {
    name: 'a stray quote',
    input: Buffer.from('LastName,Title\nLovelace,Countess\nHopper,"Rear" Admiral\n'),
    problem: InputProblem.MalformedQuote,
    message: /^CSV row 2 has a quoted value with a stray quote/,
    location: { row: 2 },
  },
  {
    name: 'Latin-1 bytes',
    input: Buffer.concat([Buffer.from('LastName\nLovelace\nG'), Buffer.from([0xf6]), Buffer.from('del\n')]),
    problem: InputProblem.NotUtf8,
    message: /^The CSV input is not UTF-8 text: byte 0xf6 at byte offset 19 \(row 2\)/,
    location: { row: 2, byteOffset: 19 },
  },
  {
    name: 'binary garbage',
    input: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
    problem: InputProblem.NotUtf8,
    message: /byte 0x89 at byte offset 0 \(the header row\)/,
    location: { byteOffset: 0 },
  },
  {
    name: 'a NUL byte',
    input: Buffer.from('LastName\nLove\0lace\n'),
    problem: InputProblem.NotUtf8,
    message: /NUL byte \(row 1, byte offset 13\): it looks like a binary file/,
    location: { row: 1, byteOffset: 13 },
  },
  {
    name: 'UTF-16',
    input: Buffer.from('\uFEFFLastName\nLovelace\n', 'utf16le'),
    problem: InputProblem.NotUtf8,
    message: /looks like UTF-16; save it as UTF-8/,
  },
];

for (const c of CSV_REFUSED) {
  test(`staging refuses ${c.name}, in any chunking`, async () => {
    for (const size of [1, 3, 64 * 1024]) {
      const err = await split(c.input, size).then(
        () => assert.fail('expected a refusal'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof InputError, `${String(err)} (chunks of ${size})`);
      assert.equal(err.problem, c.problem, `chunks of ${size}: ${err.message}`);
      assert.match(err.message, c.message);
      if (c.location) assert.deepEqual(err.location, c.location, `chunks of ${size}`);
    }
  });
}

test('staging reads UTF-8 split anywhere, BOMs, CRLF and quoted newlines', async () => {
  const input = Buffer.from('\uFEFFLastName,Title\r\n"Gödel","Logician, ""the"" best\r\nof all"\r\nÉmilie,€\r\n');
  for (const size of [1, 2, 5, 64 * 1024]) {
    const result = await split(input, size);
    assert.deepEqual(result.columns, ['LastName', 'Title'], `chunks of ${size}`);
    assert.equal(result.totalRows, 2, `chunks of ${size}`);
  }
});
