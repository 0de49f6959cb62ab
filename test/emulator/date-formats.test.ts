/**
 * Dates and date-times in loads, as Salesforce reads them: date-times need seconds and `Z` or an offset
 * (`2024-01-10T12:00:00Z`, `…00.000+0000`, `…00+01:00`), dates are `yyyy-MM-dd`. Anything else fails the row
 * with the error captured from a real org: `INVALID_FIELD:Failed to deserialize field at col N. Due to, 'X' is
 * not a valid value for the type xsd:dateTime:Field --`.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { V1Client, soapLogin } from '../helpers/bulk1-client.js';
import { useEmulator } from '../helpers/emulator.js';
import { adminRecords, ingestClient, login, results, runJob } from '../helpers/emulator-http.js';
import type { Ingest } from '../helpers/emulator-http.js';

const deserialize = (column: number, raw: string, type: string, field: string) =>
  `INVALID_FIELD:Failed to deserialize field at col ${column}. Due to, '${raw}' is not a valid value for the type ${type}:${field} --`;

describe('date and date-time formats', () => {
  const emulator = useEmulator({
    customObjects: [{ name: 'Contact', fields: [{ name: 'Last_Seen__c', type: 'datetime' }] }],
  });
  let ingest: Ingest;
  before(async () => {
    ingest = ingestClient(emulator.url, await login(emulator.url));
  });

  it('stores date-times with seconds and a zone, in UTC', async () => {
    emulator.reset();
    const values = [
      '2024-01-10T12:00:00Z',
      '2024-01-10T12:00:00.000+0000',
      '2024-01-10T13:00:00+01:00',
      '2024-01-10T07:00:00.5-05:00',
    ];
    const csv = `LastName,Last_Seen__c\n${values.map((value, i) => `Ok${i},${value}`).join('\n')}\n`;
    const job = await runJob(ingest, { object: 'Contact', operation: 'insert' }, csv);
    assert.equal(job['numberRecordsFailed'], 0);
    const stored = (await adminRecords(emulator.url, 'Contact')).map((record) => record['Last_Seen__c']);
    assert.deepEqual(stored, [
      '2024-01-10T12:00:00.000+0000',
      '2024-01-10T12:00:00.000+0000',
      '2024-01-10T12:00:00.000+0000',
      '2024-01-10T12:00:00.500+0000',
    ]);
  });

  it('fails date-times without seconds or zone, and dates not in yyyy-MM-dd, naming the column', async () => {
    emulator.reset();
    const rows = [
      ['A', '2024-01-10T12:00Z', ''],
      ['B', '2024-01-10T12:00:00', ''],
      ['C', '2024-01-10 12:00:00Z', ''],
      ['D', '2024-01-10', ''],
      ['E', '2024-02-30T12:00:00Z', ''],
      ['F', '', '2024-1-5'],
      ['G', '', '2024-01-10T00:00:00Z'],
    ];
    const csv = `LastName,Last_Seen__c,Birthdate\n${rows.map((row) => row.join(',')).join('\n')}\n`;
    const job = await runJob(ingest, { object: 'Contact', operation: 'insert' }, csv);
    const failed = (await results(ingest, job.id, 'failedResults')).rows.map((row) => row['sf__Error']);
    assert.deepEqual(failed, [
      deserialize(1, '2024-01-10T12:00Z', 'xsd:dateTime', 'Last_Seen__c'),
      deserialize(1, '2024-01-10T12:00:00', 'xsd:dateTime', 'Last_Seen__c'),
      deserialize(1, '2024-01-10 12:00:00Z', 'xsd:dateTime', 'Last_Seen__c'),
      deserialize(1, '2024-01-10', 'xsd:dateTime', 'Last_Seen__c'),
      deserialize(1, '2024-02-30T12:00:00Z', 'xsd:dateTime', 'Last_Seen__c'),
      deserialize(2, '2024-1-5', 'xsd:date', 'Birthdate'),
      deserialize(2, '2024-01-10T00:00:00Z', 'xsd:date', 'Birthdate'),
    ]);
  });

  it('reports the same error in Bulk v1 results', async () => {
    const v1 = new V1Client(emulator.url, await soapLogin(emulator.url));
    const job = await v1.createJsonJob({ operation: 'insert', object: 'Contact', contentType: 'JSON' });
    const body = JSON.stringify([{ Last_Seen__c: '2024-01-10T12:00', LastName: 'V1' }]);
    const batch = await v1.addBatch(job.id, body, 'application/json');
    assert.equal((await v1.waitBatch(job.id, batch.id)).state, 'Completed');
    const [result] = JSON.parse((await v1.result(job.id, batch.id)).text) as Array<{
      success: boolean;
      errors: Array<{ statusCode: string; message: string; fields: string[] }>;
    }>;
    assert.equal(result?.success, false);
    assert.deepEqual(result?.errors[0] && { ...result.errors[0], extendedErrorDetails: undefined }, {
      statusCode: 'INVALID_FIELD',
      message:
        "Failed to deserialize field at col 0. Due to, '2024-01-10T12:00' is not a valid value for the type xsd:dateTime",
      fields: ['Last_Seen__c'],
      extendedErrorDetails: undefined,
    });
  });
});
