import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SalesforceError } from '../../../salesforce/index.js';
import {
  parseBatchInfo,
  parseBatchInfoList,
  parseJobInfo,
  parseResultIdList,
  syntaxOf,
} from '../../../salesforce/bulk1/job-info.js';

const NS = 'http://www.force.com/2009/06/asyncapi/dataload';

/** Wraps elements in a root element of the dataload namespace. */
function xml(root: string, elements: Array<[string, string]>): string {
  const body = elements.map(([k, v]) => `<${k}>${v}</${k}>`).join('\n  ');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${NS}">\n  ${body}\n</${root}>`;
}

const JOB_ELEMENTS: Array<[string, string]> = [
  ['id', '750D00000004SkLIAU'],
  ['operation', 'upsert'],
  ['object', 'Contact'],
  ['createdById', '005D0000001ALVFIA4'],
  ['createdDate', '2024-01-10T12:00:00.000Z'],
  ['systemModstamp', '2024-01-10T12:00:01.000Z'],
  ['state', 'Closed'],
  ['externalIdFieldName', 'External_Id__c'],
  ['concurrencyMode', 'Serial'],
  ['contentType', 'CSV'],
  ['numberBatchesQueued', '1'],
  ['numberBatchesInProgress', '2'],
  ['numberBatchesCompleted', '3'],
  ['numberBatchesFailed', '4'],
  ['numberBatchesTotal', '10'],
  ['numberRecordsProcessed', '25000'],
  ['numberRetries', '0'],
  ['apiVersion', '59.0'],
  ['numberRecordsFailed', '7'],
  ['totalProcessingTime', '900'],
  ['apiActiveProcessingTime', '800'],
  ['apexProcessingTime', '12'],
];

const EXPECTED_JOB = {
  id: '750D00000004SkLIAU',
  operation: 'upsert',
  object: 'Contact',
  createdById: '005D0000001ALVFIA4',
  state: 'Closed',
  externalIdFieldName: 'External_Id__c',
  concurrencyMode: 'Serial',
  contentType: 'CSV',
  numberBatchesQueued: 1,
  numberBatchesInProgress: 2,
  numberBatchesCompleted: 3,
  numberBatchesFailed: 4,
  numberBatchesTotal: 10,
  numberRecordsProcessed: 25000,
  numberRecordsFailed: 7,
  numberRetries: 0,
  apiVersion: 59,
  totalProcessingTime: 900,
  apiActiveProcessingTime: 800,
  apexProcessingTime: 12,
};

function jsonJob(elements: Array<[string, string]>): string {
  const numeric = /^(number|total|api|apex)/;
  return JSON.stringify(
    Object.fromEntries(elements.map(([k, v]) => [k, numeric.test(k) && k !== 'apiVersion' ? Number(v) : v])),
  );
}

describe('JobInfo', () => {
  const cases: Array<[string, string, 'xml' | 'json']> = [
    ['XML in Salesforce order', xml('jobInfo', JOB_ELEMENTS), 'xml'],
    ['XML in reverse order', xml('jobInfo', [...JOB_ELEMENTS].reverse()), 'xml'],
    ['JSON in Salesforce order', jsonJob(JOB_ELEMENTS), 'json'],
    [
      'JSON with sorted keys and apiVersion as a number',
      jsonJob([...JOB_ELEMENTS].sort()).replace('"59.0"', '59'),
      'json',
    ],
  ];
  for (const [name, body, syntax] of cases) {
    test(name, () => {
      const job = parseJobInfo(body, syntax);
      assert.deepEqual(
        { ...job, createdDate: undefined, systemModstamp: undefined },
        {
          ...EXPECTED_JOB,
          createdDate: undefined,
          systemModstamp: undefined,
        },
      );
      assert.match(job.createdDate ?? '', /^2024-01-10T12:00:00\.000/);
    });
  }

  test('optional elements may be missing or null; counters default to 0', () => {
    const minimal = xml('jobInfo', [
      ['id', '750x'],
      ['operation', 'insert'],
      ['object', 'Account'],
      ['state', 'Open'],
    ]);
    const job = parseJobInfo(minimal, 'xml');
    assert.equal(job.contentType, 'XML');
    assert.equal(job.concurrencyMode, 'Parallel');
    assert.equal(job.numberBatchesTotal, 0);
    assert.equal(job.externalIdFieldName, undefined);
    const json = parseJobInfo(
      '{"id":"750x","operation":"query","object":"Account","state":"Open","contentType":"JSON","assignmentRuleId":null,"externalIdFieldName":null,"concurrencyMode":"Parallel"}',
      'json',
    );
    assert.equal(json.assignmentRuleId, undefined);
    assert.equal(json.contentType, 'JSON');
  });

  test('an unknown state or a missing id is an unexpected answer, not a guess', () => {
    assert.throws(
      () =>
        parseJobInfo(
          xml('jobInfo', [
            ['id', '750x'],
            ['operation', 'insert'],
            ['state', 'Weird'],
          ]),
          'xml',
        ),
      SalesforceError,
    );
    assert.throws(() => parseJobInfo('{"operation":"insert","state":"Open"}', 'json'), /without an id/);
    assert.throws(() => parseJobInfo('not json', 'json'), /Unreadable/);
  });
});

const BATCH_ELEMENTS: Array<[string, string]> = [
  ['id', '751D00000004YGZIA2'],
  ['jobId', '750D00000004SkLIAU'],
  ['state', 'Failed'],
  ['stateMessage', 'InvalidBatch : Field name not found : Foo__c'],
  ['createdDate', '2024-01-10T12:00:00.000Z'],
  ['systemModstamp', '2024-01-10T12:00:02.000Z'],
  ['numberRecordsProcessed', '0'],
  ['numberRecordsFailed', '0'],
  ['totalProcessingTime', '0'],
  ['apiActiveProcessingTime', '0'],
  ['apexProcessingTime', '0'],
];

describe('BatchInfo', () => {
  const cases: Array<[string, string, 'xml' | 'json']> = [
    ['XML', xml('batchInfo', BATCH_ELEMENTS), 'xml'],
    ['XML shuffled', xml('batchInfo', [...BATCH_ELEMENTS.slice(5), ...BATCH_ELEMENTS.slice(0, 5)]), 'xml'],
    ['JSON', jsonJob(BATCH_ELEMENTS), 'json'],
  ];
  for (const [name, body, syntax] of cases) {
    test(`${name}: Failed batches carry their exception code and message`, () => {
      const batch = parseBatchInfo(body, syntax);
      assert.equal(batch.id, '751D00000004YGZIA2');
      assert.equal(batch.jobId, '750D00000004SkLIAU');
      assert.equal(batch.state, 'Failed');
      assert.deepEqual(batch.failure, { exceptionCode: 'InvalidBatch', message: 'Field name not found : Foo__c' });
    });
  }

  test('"Not Processed" as older documentation prints it reads as NotProcessed', () => {
    const batch = parseBatchInfo(
      xml('batchInfo', [
        ['id', '751x'],
        ['jobId', '750x'],
        ['state', 'Not Processed'],
      ]),
      'xml',
    );
    assert.equal(batch.state, 'NotProcessed');
    assert.equal(batch.failure, undefined);
  });

  test('lists: none, one and several, XML and JSON', () => {
    const one = xml('batchInfo', BATCH_ELEMENTS).replace(/<\?xml[^>]*>/, '');
    assert.deepEqual(parseBatchInfoList(`<batchInfoList xmlns="${NS}"/>`, 'xml'), []);
    assert.equal(parseBatchInfoList(`<batchInfoList xmlns="${NS}">${one}</batchInfoList>`, 'xml').length, 1);
    assert.equal(parseBatchInfoList(`<batchInfoList xmlns="${NS}">${one}${one}</batchInfoList>`, 'xml').length, 2);
    assert.deepEqual(parseBatchInfoList('{"batchInfo":[]}', 'json'), []);
    assert.equal(parseBatchInfoList(`{"batchInfo":[${jsonJob(BATCH_ELEMENTS)}]}`, 'json')[0]?.state, 'Failed');
  });
});

test('query result id lists', () => {
  assert.deepEqual(
    parseResultIdList(`<result-list xmlns="${NS}"><result>752x00000004CJE</result></result-list>`, 'xml'),
    ['752x00000004CJE'],
  );
  assert.deepEqual(
    parseResultIdList(`<result-list xmlns="${NS}"><result>752a</result><result>752b</result></result-list>`, 'xml'),
    ['752a', '752b'],
  );
  assert.deepEqual(parseResultIdList('["752a","752b"]', 'json'), ['752a', '752b']);
});

test('answer syntax follows the Content-Type', () => {
  assert.equal(syntaxOf('application/json'), 'json');
  assert.equal(syntaxOf('application/json;charset=UTF-8'), 'json');
  assert.equal(syntaxOf('text/csv'), 'csv');
  assert.equal(syntaxOf('application/xml'), 'xml');
  assert.equal(syntaxOf(undefined), 'xml');
});
