import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultAudience } from '../../../salesforce/auth/jwt-bearer.js';
import { authenticatorFromEnv, salesforceOptionsFromEnv } from '../../../salesforce/index.js';
import { ErrorCode } from '../../../common/errors.js';

const BASE = { SF_LOGIN_URL: 'https://example.my.salesforce.com' };

test('the flow follows from the variables that are set', () => {
  const kind = (env: NodeJS.ProcessEnv) => authenticatorFromEnv({ ...BASE, ...env }).kind;
  assert.equal(kind({ SF_ACCESS_TOKEN: 'tok-123456', SF_INSTANCE_URL: 'https://x.my.salesforce.com' }), 'access-token');
  assert.equal(kind({ SF_REFRESH_TOKEN: 'refresh-123', SF_CLIENT_ID: 'id' }), 'oauth-refresh-token');
  assert.equal(
    kind({ SF_USERNAME: 'u@x', SF_PASSWORD: 'pw-1234', SF_CLIENT_ID: 'id', SF_CLIENT_SECRET: 'secret-1' }),
    'oauth-password',
  );
  assert.equal(kind({ SF_USERNAME: 'u@x', SF_PASSWORD: 'pw-1234', SF_SECURITY_TOKEN: 'tok-9999' }), 'soap-login');
  assert.equal(kind({ SF_CLIENT_ID: 'id', SF_CLIENT_SECRET: 'secret-1' }), 'oauth-client-credentials');
});

test('an incomplete set names what is missing', () => {
  const message = (env: NodeJS.ProcessEnv) => {
    try {
      authenticatorFromEnv(env);
    } catch (err) {
      assert.equal((err as { code?: string }).code, ErrorCode.InvalidInput);
      return (err as Error).message;
    }
    assert.fail('expected an error');
  };
  assert.match(message({ SF_ACCESS_TOKEN: 'tok-123456' }), /needs SF_INSTANCE_URL/);
  assert.match(message({ SF_REFRESH_TOKEN: 'refresh-123' }), /refresh token login needs SF_CLIENT_ID/);
  assert.match(message({ SF_JWT_KEY_FILE: '/nope.key', SF_CLIENT_ID: 'id' }), /JWT login needs SF_USERNAME/);
  assert.match(
    message({ SF_USERNAME: 'u@x', SF_PASSWORD: 'pw-1234', SF_CLIENT_ID: 'id' }),
    /username-password login needs SF_CLIENT_SECRET/,
  );
  assert.match(message({ SF_USERNAME: 'u@x' }), /needs SF_PASSWORD/);
  assert.match(message({ SF_CLIENT_ID: 'id', SF_CLIENT_SECRET: 'secret-1' }), /needs SF_LOGIN_URL/);
  assert.match(
    message({ SF_CLIENT_SECRET: 'secret-1', SF_LOGIN_URL: 'https://a.my.salesforce.com' }),
    /needs SF_CLIENT_ID/,
  );
  assert.match(message({}), /credentials are missing: set SF_ACCESS_TOKEN/);
  assert.match(
    message({ SF_JWT_KEY_FILE: '/does/not/exist.key', SF_CLIENT_ID: 'id', SF_USERNAME: 'u' }),
    /privateKeyFile "\/does\/not\/exist.key" cannot be read/,
  );
});

test('SF_API_VERSION reaches the client options and the SOAP endpoint', () => {
  const options = salesforceOptionsFromEnv({ SF_USERNAME: 'u@x', SF_PASSWORD: 'pw-1234', SF_API_VERSION: 'v60.0' });
  assert.equal(options.apiVersion, '60.0');
  assert.equal(options.auth.kind, 'soap-login');
});

test('the JWT audience defaults to the generic login host Salesforce expects', () => {
  assert.equal(defaultAudience('https://login.salesforce.com'), 'https://login.salesforce.com');
  assert.equal(defaultAudience('https://acme.my.salesforce.com'), 'https://login.salesforce.com');
  assert.equal(defaultAudience('https://acme--uat.sandbox.my.salesforce.com'), 'https://test.salesforce.com');
  assert.equal(defaultAudience('https://test.salesforce.com'), 'https://test.salesforce.com');
  assert.equal(defaultAudience('http://127.0.0.1:4000'), 'http://127.0.0.1:4000');
});
