import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { InputError, ResultMismatchError, type Bulk1BatchInfo } from '../../../salesforce/index.js';
import { matchBatchResults, readIngestResults } from '../../../salesforce/bulk1/results.js';
import { formatRecordErrors, parseRecordError, type Bulk1RowOutcome } from '../../../salesforce/bulk1/results.js';
import { isBulk1JobDone, type Bulk1IngestResult } from '../../../salesforce/bulk1/types.js';
import { pkChunkingHeader } from '../../../salesforce/bulk1/client.js';
import { recordsToCsv } from '../../../salesforce/bulk1/records.js';
import { recordBatchBodies } from '../../../salesforce/bulk1/records.js';

const NS = 'http://www.force.com/2009/06/asyncapi/dataload';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('ingest results', () => {
  const expected: Bulk1IngestResult[] = [
    { id: '003A', success: true, created: true, errors: [], error: '' },
    {
      id: undefined,
      success: false,
      created: false,
      errors: [
        {
          statusCode: 'REQUIRED_FIELD_MISSING',
          message: 'Required fields are missing: [LastName]',
          fields: ['LastName'],
        },
      ],
      error: 'REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --',
    },
    {
      id: '003B',
      success: false,
      created: false,
      errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }],
      error: 'ENTITY_IS_DELETED:entity is deleted:--',
    },
  ];
  const csv =
    '"Id","Success","Created","Error"\n"003A","true","true",""\n' +
    '"","false","false","REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --"\n' +
    '"003B","false","false","ENTITY_IS_DELETED:entity is deleted:--"\n';
  const xmlResults =
    `<?xml version="1.0" encoding="UTF-8"?><results xmlns="${NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
    '<result><id>003A</id><success>true</success><created>true</created></result>' +
    '<result><errors><fields>LastName</fields><message>Required fields are missing: [LastName]</message>' +
    '<statusCode>REQUIRED_FIELD_MISSING</statusCode></errors><id xsi:nil="true"/><success>false</success><created>false</created></result>' +
    '<result><created>false</created><success>false</success><id>003B</id><errors><message>entity is deleted</message>' +
    '<statusCode>ENTITY_IS_DELETED</statusCode></errors></result></results>';
  const json = JSON.stringify([
    { success: true, created: true, id: '003A', errors: [] },
    {
      success: false,
      created: false,
      id: null,
      errors: [
        {
          message: 'Required fields are missing: [LastName]',
          fields: ['LastName'],
          statusCode: 'REQUIRED_FIELD_MISSING',
          extendedErrorDetails: null,
        },
      ],
    },
    {
      success: false,
      created: false,
      id: '003B',
      errors: [{ message: 'entity is deleted', fields: [], statusCode: 'ENTITY_IS_DELETED' }],
    },
  ]);
  for (const [syntax, body] of [
    ['csv', csv],
    ['xml', xmlResults],
    ['json', json],
  ] as const) {
    test(`${syntax} results read into one shape`, async () => {
      assert.deepEqual(await collect(readIngestResults(Readable.from([Buffer.from(body)]), syntax)), expected);
    });
  }

  test('error text round-trips, colons in the message included', () => {
    const errors = parseRecordError('FIELD_CUSTOM_VALIDATION_EXCEPTION:Bad: value: here:Email,Phone --');
    assert.deepEqual(errors, [
      { statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Bad: value: here', fields: ['Email', 'Phone'] },
    ]);
    assert.equal(formatRecordErrors(errors), 'FIELD_CUSTOM_VALIDATION_EXCEPTION:Bad: value: here:Email,Phone --');
  });
});

describe('positional matcher', () => {
  const ok = (id: string): Bulk1IngestResult => ({ id, success: true, created: true, errors: [], error: '' });
  const batch = (state: Bulk1BatchInfo['state'], stateMessage?: string) => ({ id: '751x', state, stateMessage });
  const statuses = (outcomes: Bulk1RowOutcome<string>[]) => outcomes.map((o) => `${o.index}:${o.input}:${o.status}`);

  test('pairs rows and results in order', async () => {
    const outcomes = await collect(
      matchBatchResults(batch('Completed'), ['a', 'b'], [ok('1'), { ...ok(''), success: false }]),
    );
    assert.deepEqual(statuses(outcomes), ['0:a:success', '1:b:failed']);
    assert.equal(outcomes[0]?.status === 'success' && outcomes[0].result.id, '1');
  });

  test('a completed batch with too few or too many results is a mismatch', async () => {
    await assert.rejects(collect(matchBatchResults(batch('Completed'), ['a', 'b'], [ok('1')])), ResultMismatchError);
    await assert.rejects(
      collect(matchBatchResults(batch('Completed'), ['a'], [ok('1'), ok('2')])),
      ResultMismatchError,
    );
    await assert.rejects(collect(matchBatchResults(batch('Failed'), ['a'], [ok('1'), ok('2')])), /more results/);
  });

  test('a failed batch leaves its tail unprocessed, with the reason', async () => {
    const outcomes = await collect(
      matchBatchResults(batch('Failed', 'InvalidBatch : boom'), ['a', 'b', 'c'], [ok('1')]),
    );
    assert.deepEqual(statuses(outcomes), ['0:a:success', '1:b:unprocessed', '2:c:unprocessed']);
    assert.equal(outcomes[2]?.status === 'unprocessed' && outcomes[2].reason, 'InvalidBatch : boom');
  });
});

describe('record serialisation', () => {
  test('CSV: nulls as #N/A, nested records as relationship columns, dates as ISO', async () => {
    const csv = recordsToCsv([
      {
        LastName: 'Zoë, "Z"',
        Email: null,
        Account: { External_Id__c: 'A1' },
        Birthdate: new Date('2024-01-02T00:00:00Z'),
      },
      { LastName: 'B', Email: undefined },
    ]);
    assert.equal(
      (await csv.toArray()).join(''),
      'LastName,Email,Account.External_Id__c,Birthdate\n"Zoë, ""Z""",#N/A,A1,2024-01-02T00:00:00.000Z\nB,,,\n',
    );
  });

  test('CSV: a field outside the header and a bad field name are refused', async () => {
    await assert.rejects(recordsToCsv([{ A: '1' }, { B: '2' }]).toArray(), InputError);
    await assert.rejects(recordsToCsv([{ '@_x': '1' }]).toArray(), /not a valid Salesforce field name/);
  });

  test('XML: xsi:nil for null, inner sObject for relationships, escaped text', async () => {
    const [unit] = await collect(
      recordBatchBodies(
        [{ LastName: 'a<b & c', Email: null, Account: { External_Id__c: 'A1' }, Skip: undefined }],
        'xml',
        {
          maxRows: 10,
          maxBytes: 10_000,
        },
      ),
    );
    const text = unit?.body.toString('utf8') ?? '';
    assert.match(
      text,
      /^<\?xml version="1.0" encoding="UTF-8"\?><sObjects xmlns="http:\/\/www.force.com\/2009\/06\/asyncapi\/dataload"/,
    );
    assert.match(text, /<LastName>a&lt;b &amp; c<\/LastName>/);
    assert.match(text, /<Email xsi:nil="true"\/>/);
    assert.match(text, /<Account><sObject><External_Id__c>A1<\/External_Id__c><\/sObject><\/Account>/);
    assert.doesNotMatch(text, /Skip/);
  });

  test('JSON: null stays null; batches respect record and byte limits', async () => {
    const records = Array.from({ length: 25 }, (_, i) => ({ LastName: `n${i}`, Email: null }));
    const byRows = await collect(recordBatchBodies(records, 'json', { maxRows: 10, maxBytes: 10_000_000 }));
    assert.deepEqual(
      byRows.map((u) => u.rows),
      [10, 10, 5],
    );
    assert.deepEqual(JSON.parse(byRows[2]?.body.toString() ?? ''), records.slice(20));
    const byBytes = await collect(recordBatchBodies(records, 'json', { maxRows: 10_000, maxBytes: 200 }));
    assert.ok(byBytes.length > 1);
    assert.ok(byBytes.every((u) => u.body.length <= 200));
    assert.equal(
      byBytes.reduce((n, u) => n + u.rows, 0),
      25,
    );
    const xmlByBytes = await collect(recordBatchBodies(records, 'xml', { maxRows: 10_000, maxBytes: 600 }));
    assert.ok(xmlByBytes.every((u) => u.body.length <= 600));
    assert.equal(
      xmlByBytes.reduce((n, u) => n + u.rows, 0),
      25,
    );
    await assert.rejects(
      collect(recordBatchBodies([{ LastName: 'x'.repeat(300) }], 'json', { maxRows: 1, maxBytes: 100 })),
      /alone exceeds/,
    );
  });
});

test('PK chunking header and the job-done predicate', () => {
  assert.equal(pkChunkingHeader({}), 'TRUE');
  assert.equal(
    pkChunkingHeader({ chunkSize: 50000, startRow: '00130000000xEftMGH' }),
    'chunkSize=50000; startRow=00130000000xEftMGH',
  );
  assert.equal(pkChunkingHeader({ parent: 'Account', chunkSize: 10 }), 'chunkSize=10; parent=Account');
  assert.equal(isBulk1JobDone({ state: 'Open' }, [{ state: 'Completed' }]), false, 'an open job may take more batches');
  assert.equal(isBulk1JobDone({ state: 'Closed' }, [{ state: 'Completed' }, { state: 'InProgress' }]), false);
  assert.equal(
    isBulk1JobDone({ state: 'Closed' }, [{ state: 'Completed' }, { state: 'Failed' }, { state: 'NotProcessed' }]),
    true,
  );
  assert.equal(isBulk1JobDone({ state: 'Aborted' }, []), true, 'aborted before its first batch');
});
