/**
 * The describe client against the emulator over loopback: what it reads, the unknown-object error, and the
 * cache's single flight, lifetime and bound (counted in requests the client sent).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createSalesforceEmulator, DEV_CREDENTIALS, type SalesforceEmulator } from '../../../emulator/index.js';
import {
  createSalesforceClient,
  InputProblem,
  isRetryable,
  OAuthPasswordAuthenticator,
  InputError,
  type SalesforceClient,
} from '../../../salesforce/index.js';
import { levenshtein, suggest, type DescribeCacheOptions } from '../../../salesforce/org/describe.js';

let emulator: SalesforceEmulator;

before(async () => {
  emulator = await createSalesforceEmulator();
});
after(async () => {
  await emulator?.close();
});

function client(describeCache?: DescribeCacheOptions): SalesforceClient {
  return createSalesforceClient({
    auth: new OAuthPasswordAuthenticator({ loginUrl: emulator.url, ...DEV_CREDENTIALS }),
    ...(describeCache ? { describeCache } : {}),
  });
}

const describes = (sf: SalesforceClient, object: string) =>
  sf.http.usage.byRoute[`GET sobjects/${object}/describe`] ?? 0;

test('describeGlobal lists the org; describeSObject reads fields, case-insensitively', async () => {
  const sf = client();
  const names = (await sf.describe.describeGlobal()).sobjects.map((o) => o.name);
  for (const name of ['Account', 'Contact', 'Lead']) assert.ok(names.includes(name), `${name} in describeGlobal`);

  const contact = await sf.describe.describeSObject('contact');
  assert.equal(contact.name, 'Contact');
  const field = (name: string) => contact.fields.find((f) => f.name === name);
  assert.deepEqual(
    {
      nillable: field('LastName')?.nillable,
      createable: field('LastName')?.createable,
      defaultedOnCreate: field('LastName')?.defaultedOnCreate,
    },
    { nillable: false, createable: true, defaultedOnCreate: false },
  );
  assert.equal(field('External_Id__c')?.externalId, true);
  assert.equal(field('External_Id__c')?.idLookup, true);
  assert.equal(field('Id')?.idLookup, true);
  assert.equal(field('Id')?.createable, false);
  assert.equal(field('Name')?.createable, false);
  assert.equal(field('AccountId')?.relationshipName, 'Account');
  assert.deepEqual(field('AccountId')?.referenceTo, ['Account']);
});

test('an unknown object is SF_UNKNOWN_OBJECT with the nearest names, and not retried', async () => {
  const sf = client();
  const err = await sf.describe.describeSObject('Contactt').then(
    () => assert.fail('expected a refusal'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof InputError, String(err));
  assert.equal(err.code, 'SF_INVALID_INPUT');
  assert.equal(err.problem, InputProblem.UnknownObject);
  assert.equal(err.errorCode, 'NOT_FOUND');
  assert.equal(err.message, 'Salesforce has no object "Contactt": did you mean Contact?');
  assert.equal(isRetryable(err), false);
  await assert.rejects(sf.describe.describeSObject('Zebra'), {
    message: 'Salesforce has no object "Zebra": check its API name (custom objects end in __c)',
  });
});

test('the cache: one request for concurrent and repeated calls, again after its lifetime, bounded in size', async () => {
  let now = 1_000_000;
  const sf = client({ ttlMs: 60_000, maxEntries: 2, now: () => now });
  await Promise.all([sf.describe.describeSObject('Contact'), sf.describe.describeSObject('CONTACT')]);
  await sf.describe.describeSObject('Contact');
  assert.equal(describes(sf, 'Contact') + describes(sf, 'CONTACT'), 1, 'one request for three calls');

  now += 60_001;
  await sf.describe.describeSObject('Contact');
  assert.equal(describes(sf, 'Contact'), 2, 'a describe older than its lifetime is read again');

  await sf.describe.describeSObject('Account');
  await sf.describe.describeSObject('Lead'); // a third object evicts the least recently used (Contact)
  await sf.describe.describeSObject('Account');
  assert.equal(describes(sf, 'Account'), 1, 'Account was used more recently and stays');
  await sf.describe.describeSObject('Contact');
  assert.equal(describes(sf, 'Contact'), 3, 'Contact was evicted and is read again');

  await assert.rejects(sf.describe.describeSObject('Nope'));
  await assert.rejects(sf.describe.describeSObject('Nope'));
  assert.equal(describes(sf, 'Nope'), 2, 'failures are not cached');
});

test('did you mean: edit distance up to 2, case-insensitive, nearest first', () => {
  assert.equal(levenshtein('kitten', 'sitting'), 3);
  assert.equal(levenshtein('', 'abc'), 3);
  assert.deepEqual(suggest('emial', ['Email', 'Name', 'Phone']), ['Email']);
  assert.deepEqual(suggest('LASTNAM', ['FirstName', 'LastName', 'Name']), ['LastName']);
  assert.deepEqual(suggest('Acount', ['Contact', 'Account']), ['Account']);
  assert.deepEqual(suggest('Nme', ['Note', 'Name', 'Title']), ['Name', 'Note'], 'nearest first');
  assert.deepEqual(suggest('X', ['Id']), [], 'a one-letter name suggests nothing');
  assert.deepEqual(suggest('Shoe_Size__c', ['Email', 'Name']), []);
});
