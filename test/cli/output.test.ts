import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatAdoptSummary,
  formatIngestSummary,
  formatQuerySummary,
  formatTimings,
  rowsLine,
} from '../../cli/output.js';
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

test('a progress line before the input is read says so instead of 0/0 rows', () => {
  const records = { total: 0, processed: 0, failed: 0 };
  assert.equal(rowsLine({ state: 'Preparing', records }), 'Preparing: reading and checking the input');
  assert.equal(
    rowsLine({ state: 'Uploading', records: { ...records, total: 10 } }),
    'Uploading: 0/10 rows processed, 0 failed',
  );
});

test('a dry run prints the work it counted, or that a problem stopped the reading, and each problem', () => {
  const dry = (problems: NonNullable<BulkIngestResult['dryRun']>['problems'], readWhole = true): BulkIngestResult => ({
    ...result,
    state: problems.length ? 'Failed' : 'Completed',
    jobs: [],
    results: { successful: [], failed: [], unprocessed: [] },
    dryRun: {
      rows: 7,
      readWhole,
      jobs: 1,
      units: [3, 3, 1].map((rows) => ({ rows, bytes: rows * 20 })),
      batchesNeeded: 3,
      apiCallsNeeded: 52,
      problems,
    },
  });
  assert.equal(
    formatIngestSummary('w/dry-run-1', dry([])),
    'dry run of insert Contact: a real run would start; no Salesforce job was created (workflow w/dry-run-1)\n' +
      '  rows: 7\n' +
      '  Salesforce jobs it would create: 1; upload units: 3 (3, 3, 1 rows)\n' +
      '  daily allowances it would use: 3 Bulk batches, about 52 API calls\n',
  );
  const ragged = 'CSV row 2 has 1 field but the header has 2 (the first missing one is Email).';
  const problem = { type: 'bulkflow.SF_INVALID_INPUT', code: 'SF_RAGGED_ROW', message: ragged, file: '/d/a.csv' };
  assert.equal(
    formatIngestSummary('w/dry-run-2', dry([problem], false)),
    'dry run of insert Contact: a real run would fail: 1 problem; no Salesforce job was created (workflow w/dry-run-2)\n' +
      '  rows, units and jobs: not counted, a problem in the file stopped the reading\n' +
      `  problem SF_RAGGED_ROW: /d/a.csv: ${ragged}\n`,
  );
});
