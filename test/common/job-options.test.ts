import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError, InputProblem } from '../../common/errors.js';
import { checkIngestOptions, checkQueryOptions, type IngestJobOptions } from '../../common/job-options.js';

function refused(check: () => void): InputError {
  try {
    check();
  } catch (err) {
    assert.ok(err instanceof InputError);
    assert.equal(err.problem, InputProblem.InvalidOption);
    return err;
  }
  return assert.fail('the options were accepted');
}

test('good job options pass, for the API they belong to', () => {
  checkIngestOptions({});
  checkIngestOptions({ columnDelimiter: 'TAB', lineEnding: 'CRLF', assignmentRuleId: '01Q5g000000AbCd' });
  checkIngestOptions({ api: '1.0', concurrencyMode: 'Serial', batchSize: 10_000, columnDelimiter: 'SEMICOLON' });
  checkIngestOptions({ api: '2.0', concurrencyMode: 'Parallel' });
  checkQueryOptions({ api: '1.0', pkChunking: { chunkSize: 250_000, startRow: '001000000000001AAA' } });
});

test('each bad option is refused by name, with its value', () => {
  const cases: Array<[IngestJobOptions, string, string]> = [
    [
      { columnDelimiter: ';' as never },
      'columnDelimiter',
      'columnDelimiter must be one of COMMA, BACKQUOTE, CARET, PIPE, SEMICOLON, TAB, got ";" (that character is SEMICOLON).',
    ],
    [{ lineEnding: 'CR' as never }, 'lineEnding', 'lineEnding must be LF or CRLF, got "CR".'],
    [
      { assignmentRuleId: 'rule-1' },
      'assignmentRuleId',
      'assignmentRuleId must be the 15- or 18-character id of an assignment rule, got "rule-1".',
    ],
    [
      { concurrencyMode: 'Serial' },
      'concurrencyMode',
      'concurrencyMode needs api 1.0: Bulk API 2.0 has no concurrency mode (it decides how to split a job itself).',
    ],
    [
      { api: '1.0', batchSize: 20_000 },
      'batchSize',
      'batchSize must be a whole number from 1 to 10,000 (rows per Bulk v1 batch), got 20000.',
    ],
    [{ batchSize: 500 }, 'batchSize', 'batchSize needs api 1.0: Bulk API 2.0 cuts a job into batches itself.'],
    [{ api: '3.0' as never }, 'api', `api must be '2.0' or '1.0', got "3.0".`],
  ];
  for (const [options, option, message] of cases) {
    const err = refused(() => checkIngestOptions(options));
    assert.equal(err.message, message);
    assert.equal(err.location?.option, option);
  }
});

test('query options: PK chunking needs v1 and a chunk size within Salesforce limits; flags name themselves', () => {
  const flags = (option: string) => ({ api: '--api', pkChunking: '--pk-chunking' })[option] ?? option;
  assert.equal(
    refused(() => checkQueryOptions({ pkChunking: { chunkSize: 1000 } }, flags)).message,
    '--pk-chunking needs --api 1.0: Bulk 2.0 chunks queries itself',
  );
  assert.match(
    refused(() => checkQueryOptions({ api: '1.0', pkChunking: { chunkSize: 0 } })).message,
    /pkChunking.chunkSize must be a whole number from 1 to 250,000 \(records per chunk\), got 0/,
  );
  assert.equal(
    refused(() => checkQueryOptions({ api: '1.0', pkChunking: { startRow: 'x' } })).location?.option,
    'pkChunking.startRow',
  );
});
