import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { toApplicationFailure } from '../../../activities/failures.js';
import {
  type BulkflowError,
  InputError,
  isRetryable,
  SalesforceAuthError,
  SalesforceHttpError,
  SalesforceJobFailedError,
  SalesforceNetworkError,
  SalesforceSessionError,
} from '../../../salesforce/index.js';

const table: Array<[string, BulkflowError, boolean]> = [
  ['500', new SalesforceHttpError('x', { statusCode: 500 }), true],
  ['503', new SalesforceHttpError('x', { statusCode: 503 }), true],
  ['429', new SalesforceHttpError('x', { statusCode: 429 }), true],
  [
    'REQUEST_LIMIT_EXCEEDED 403',
    new SalesforceHttpError('x', { statusCode: 403, errorCode: 'REQUEST_LIMIT_EXCEEDED' }),
    true,
  ],
  ['UNABLE_TO_LOCK_ROW 400', new SalesforceHttpError('x', { statusCode: 400, errorCode: 'UNABLE_TO_LOCK_ROW' }), true],
  ['connection reset', new SalesforceNetworkError('ECONNRESET'), true],
  ['expired session', new SalesforceSessionError('expired'), true],
  ['INVALID_FIELD 400', new SalesforceHttpError('x', { statusCode: 400, errorCode: 'INVALID_FIELD' }), false],
  ['MALFORMED_QUERY 400', new SalesforceHttpError('x', { statusCode: 400, errorCode: 'MALFORMED_QUERY' }), false],
  ['InvalidBatch 400', new SalesforceHttpError('x', { statusCode: 400, errorCode: 'InvalidBatch' }), false],
  [
    'API_DISABLED_FOR_ORG 403',
    new SalesforceHttpError('x', { statusCode: 403, errorCode: 'API_DISABLED_FOR_ORG' }),
    false,
  ],
  ['NOT_FOUND 404', new SalesforceHttpError('x', { statusCode: 404, errorCode: 'NOT_FOUND' }), false],
  ['INVALID_LOGIN', new SalesforceAuthError('bad login', { errorCode: 'INVALID_LOGIN' }), false],
  ['bad CSV', new InputError('ragged row'), false],
  ['job failed', new SalesforceJobFailedError('InvalidBatch'), false],
];

for (const [name, err, retryable] of table) {
  test(`retry table: ${name} is ${retryable ? 'retryable' : 'not retryable'}`, () => {
    assert.equal(isRetryable(err), retryable);
    const failure = toApplicationFailure(err);
    assert.ok(failure instanceof ApplicationFailure);
    assert.equal(failure.nonRetryable, !retryable);
    assert.equal(failure.type, `bulkflow.${err.code}`);
  });
}

test('Retry-After becomes the next retry delay', () => {
  const err = new SalesforceHttpError('slow down', { statusCode: 429, retryAfterMs: 7000 });
  const failure = toApplicationFailure(err) as ApplicationFailure;
  assert.equal(failure.nextRetryDelay, 7000);
});

test('error messages and bodies are redacted and truncated', () => {
  const body = `{"access_token":"leak-me"} ${'x'.repeat(2000)}`;
  const err = new SalesforceHttpError('failed with Bearer abc.def.ghi', { statusCode: 500, body });
  assert.ok(!err.message.includes('abc.def.ghi'));
  assert.ok(!err.body?.includes('leak-me'));
  assert.ok((err.body?.length ?? 0) < 600);
});

test('a login server failing with 5xx is retryable; refused credentials are not', async (t) => {
  const { DEV_CREDENTIALS } = await import('../../../emulator/index.js');
  const { startEmulator } = await import('../../helpers/emulator.js');
  const { OAuthPasswordAuthenticator, SoapLoginAuthenticator } = await import('../../../salesforce/index.js');
  const emulator = await startEmulator(t);
  const oauth = new OAuthPasswordAuthenticator({ loginUrl: emulator.url, ...DEV_CREDENTIALS });
  const { username, password, securityToken } = DEV_CREDENTIALS;
  const soap = new SoapLoginAuthenticator({ loginUrl: emulator.url, username, password, securityToken });
  for (const auth of [oauth, soap]) {
    emulator.faults.set({ type: 'serverError', status: 503, count: 1 });
    const failed = await auth.login(undefined).then(
      () => assert.fail('expected the login to fail'),
      (e: unknown) => e,
    );
    assert.ok(isRetryable(failed), `${auth.kind}: a 503 at login must be retryable`);
    emulator.faults.clear();
  }
  const bad = new OAuthPasswordAuthenticator({ loginUrl: emulator.url, ...DEV_CREDENTIALS, password: 'wrong' });
  const refused = await bad.login(undefined).then(
    () => assert.fail('expected the login to fail'),
    (e: unknown) => e,
  );
  assert.ok(refused instanceof SalesforceAuthError && !isRetryable(refused));
});
