import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ServiceError } from '@temporalio/client';
import { reportedErrorOf } from '../../cli/output.js';
import { TemporalUnreachableError } from '../../common/temporal-target.js';

const KEY = 'tk-secret-0123456789';
const saved = { ...process.env };

before(() => {
  for (const name of Object.keys(process.env)) if (name.startsWith('TEMPORAL_')) delete process.env[name];
  Object.assign(process.env, { TEMPORAL_ADDRESS: 'ns1.acct.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'ns1.acct' });
});
after(() => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
});

/** What a call refused by the server throws: the client's ServiceError around grpc-js's status error. */
function refusedCall(code: number, details: string): ServiceError {
  const status = Object.assign(
    new Error(`${code} ${code === 7 ? 'PERMISSION_DENIED' : 'UNAUTHENTICATED'}: ${details}`),
    {
      code,
      details,
      metadata: {},
    },
  );
  return new ServiceError('Failed to list workflows', { cause: status });
}

test('a call refused after the connection check names the server and the key to check, never the key', async () => {
  process.env.TEMPORAL_API_KEY = KEY;
  try {
    const error = await reportedErrorOf(refusedCall(16, 'Request unauthenticated.'));
    assert.equal(error.type, 'bulkflow.TEMPORAL_REFUSED');
    assert.equal(error.retryable, false);
    assert.equal(
      error.message,
      'The Temporal server at ns1.acct.tmprl.cloud:7233 (namespace ns1.acct, TLS, API key) refused the credentials ' +
        "(16 UNAUTHENTICATED: Request unauthenticated.): check TEMPORAL_API_KEY (or the profile's api_key) and its " +
        'permissions on namespace ns1.acct.',
    );
    assert.doesNotMatch(JSON.stringify(error), new RegExp(KEY));
  } finally {
    delete process.env.TEMPORAL_API_KEY;
  }
});

test('without a key, the refusal says that none was given', async () => {
  const error = await reportedErrorOf(refusedCall(7, 'Request unauthorized.'));
  assert.equal(error.code, 'TEMPORAL_REFUSED');
  assert.match(error.message, /\(namespace ns1\.acct\) refused the credentials \(7 PERMISSION_DENIED/);
  assert.match(error.message, /no API key was given: set TEMPORAL_API_KEY/);
});

test('other gRPC errors are reported as they were', async () => {
  const error = await reportedErrorOf(refusedCall(5, 'workflow not found'));
  assert.notEqual(error.code, 'TEMPORAL_REFUSED');
});

test('an unreachable TLS server: the message says which TLS settings to check', () => {
  const target = { address: 'temporal.example:7233', namespace: 'default' };
  const cause = new Error('Failed to connect before the deadline');
  assert.doesNotMatch(new TemporalUnreachableError(target, cause, 2500).message, /TLS/);
  assert.match(
    new TemporalUnreachableError({ ...target, tls: true }, cause, 2500).message,
    /within 2\.5 s: Failed to connect before the deadline\. .* whether the server requires a client certificate \(TEMPORAL_TLS_CLIENT_CERT_PATH/,
  );
  const mtls = { clientCertPair: { crt: Buffer.from('c'), key: Buffer.from('k') } };
  assert.match(
    new TemporalUnreachableError({ ...target, tls: mtls }, cause).message,
    /^Cannot reach the Temporal server at temporal\.example:7233 \(namespace default, TLS\): .* that the server trusts the client certificate\.$/,
  );
});
