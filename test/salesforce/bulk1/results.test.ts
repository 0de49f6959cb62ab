import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { ResultMismatchError, type Bulk1BatchInfo } from '../../../salesforce/index.js';
import { matchBatchResults, readIngestResults } from '../../../salesforce/bulk1/results.js';
import { formatRecordErrors, parseRecordError, type Bulk1RowOutcome } from '../../../salesforce/bulk1/results.js';
import { isBulk1JobDone, type Bulk1IngestResult } from '../../../salesforce/bulk1/types.js';
import { pkChunkingHeader } from '../../../salesforce/bulk1/client.js';

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
