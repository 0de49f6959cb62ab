import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAdoptSummary, formatIngestSummary, formatQuerySummary, formatTimings } from '../../cli/output.js';
import type { BulkAdoptResult, BulkIngestResult } from '../../workflows/contract.js';

const result: BulkIngestResult = {
  state: 'Completed',
  object: 'Contact',
  operation: 'insert',
  jobs: [{ id: '750A', api: '2.0', state: 'JobComplete', recordsProcessed: 3, recordsFailed: 0 }],
  records: { total: 3, successful: 3, failed: 0, unprocessed: 0 },
  results: {
    successful: [
      { url: 'file:///s/ok-1.csv', rows: 2 },
      { url: 'file:///s/ok-2.csv', rows: 1, attempt: 2 },
    ],
    failed: [],
    unprocessed: [],
  },
  timings: { stagingMs: 2655, uploadMs: 149, processingMs: 8870, downloadMs: 846, totalMs: 12588 },
  retries: { rows: 1, attempts: 2 },
};

test('the ingest summary says where the time went, what was retried and which attempt each file holds', () => {
  const text = formatIngestSummary('contacts-1', result);
  assert.match(text, /^insert Contact: Completed \(workflow contacts-1\)$/m);
  assert.match(text, /^ {2}time: 12\.6 s in all: staging 2\.7 s, upload 0\.1 s, Salesforce 8\.9 s, download 0\.8 s$/m);
  assert.match(text, /^ {2}retried: 1 rows after lock failures, up to 2 attempts$/m);
  assert.match(text, /successful results: file:\/\/\/s\/ok-1\.csv \(2 rows\)$/m);
  assert.match(text, /successful results: file:\/\/\/s\/ok-2\.csv \(1 rows, attempt 2\)$/m);
});

test('phases that took no time are left out', () => {
  assert.equal(
    formatTimings({ stagingMs: 0, uploadMs: 0, processingMs: 4000, downloadMs: 500, totalMs: 4600 }),
    '4.6 s in all: Salesforce 4.0 s, download 0.5 s',
  );
});

test('an adopted job says what it was, its counts and where each result file is', () => {
  const adopted: BulkAdoptResult = {
    state: 'Completed',
    kind: 'ingest',
    object: 'Contact',
    operation: 'insert',
    jobs: [{ id: '750B', api: '2.0', state: 'JobComplete', recordsProcessed: 3, recordsFailed: 1 }],
    records: { successful: 2, failed: 1, unprocessed: 0, total: 3 },
    results: {
      successful: { url: 'file:///s/successfulResults.csv', rows: 2 },
      failed: { url: 'file:///s/failedResults.csv', rows: 1 },
    },
  };
  assert.equal(
    formatAdoptSummary('bulk-adopt-750B', adopted),
    'Completed: ingest of Contact (insert), 3 rows: 2 successful, 1 failed, 0 unprocessed (workflow bulk-adopt-750B)\n' +
      '  successful: file:///s/successfulResults.csv\n' +
      '  failed: file:///s/failedResults.csv\n',
  );
});

test('a split query lists every file with its records', () => {
  const text = formatQuerySummary('q1', {
    state: 'Completed',
    jobs: [],
    records: { total: 5 },
    results: {
      files: [
        { url: 'file:///o/c-00001.jsonl', rows: 3 },
        { url: 'file:///o/c-00002.jsonl', rows: 2 },
      ],
    },
  });
  assert.equal(
    text,
    'Completed: 5 records to 2 files (workflow q1)\n' +
      '  file:///o/c-00001.jsonl (3 records)\n' +
      '  file:///o/c-00002.jsonl (2 records)\n',
  );
});
