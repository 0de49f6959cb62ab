import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError } from '../../../salesforce/index.js';
import { recordsToCsv } from '../../../salesforce/bulk1/records.js';
import { recordBatchBodies } from '../../../salesforce/bulk1/records.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

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
