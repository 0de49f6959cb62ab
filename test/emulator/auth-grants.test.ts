import assert from 'node:assert/strict';
import { sign } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { generate } from 'selfsigned';
import { createSalesforceEmulator, DEV_CREDENTIALS } from '../../emulator/index.js';
import { startEmulator, useEmulator } from '../helpers/emulator.js';
import { API } from '../helpers/emulator-http.js';

const { username, clientId, clientSecret } = DEV_CREDENTIALS;
const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

async function token(baseUrl: string, params: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${baseUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

/** Status of an authenticated REST call with the token. */
async function useToken(baseUrl: string, accessToken: string): Promise<number> {
  const res = await fetch(`${baseUrl}/services/data/${API}/jobs/ingest`, {
    headers: { Authorization: `Bearer ${accessToken}` },
  });
  await res.arrayBuffer();
  return res.status;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function jwt(privateKey: string, claims: Record<string, unknown>, alg = 'RS256'): string {
  const input = `${b64({ alg })}.${b64(claims)}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), privateKey).toString('base64url')}`;
}

function assertTokenResponse(body: Record<string, string>, baseUrl: string) {
  assert.match(body['access_token'] ?? '', /^00D[0-9A-Za-z]{12}!/);
  assert.equal(body['instance_url'], baseUrl);
  assert.match(body['id'] ?? '', /\/id\/00D[0-9A-Za-z]{15}\/005[0-9A-Za-z]{15}$/);
  assert.equal(body['token_type'], 'Bearer');
  assert.match(body['issued_at'] ?? '', /^\d{13}$/);
  assert.ok(body['signature']);
  assert.equal(body['scope'], 'api refresh_token');
}

describe('refresh token grant', () => {
  const emulator = useEmulator();
  const rotating = useEmulator({ refreshTokenRotation: true });

  it('accepts a minted refresh token again and again without returning a new one', async () => {
    const refreshToken = emulator.mintRefreshToken();
    for (let i = 0; i < 2; i++) {
      const { status, body } = await token(emulator.url, {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: clientId,
      });
      assert.equal(status, 200, JSON.stringify(body));
      assertTokenResponse(body, emulator.url);
      assert.equal(body['refresh_token'], undefined);
      assert.equal(await useToken(emulator.url, body['access_token'] ?? ''), 200);
    }
  });

  it('mints through the admin endpoint and checks the client secret when sent', async () => {
    const minted = await fetch(`${emulator.url}/__emulator/refresh-tokens`, { method: 'POST', body: '{}' });
    assert.equal(minted.status, 200);
    const refreshToken = ((await minted.json()) as { refresh_token: string }).refresh_token;
    const base = { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId };
    assert.equal((await token(emulator.url, { ...base, client_secret: clientSecret })).status, 200);
    const wrongSecret = await token(emulator.url, { ...base, client_secret: 'nope' });
    assert.deepEqual(wrongSecret, {
      status: 400,
      body: { error: 'invalid_client', error_description: 'invalid client credentials' },
    });
    const unknown = await token(emulator.url, { ...base, refresh_token: 'bogus' });
    assert.deepEqual(unknown, {
      status: 400,
      body: { error: 'invalid_grant', error_description: 'expired access/refresh token' },
    });
    const badClient = await token(emulator.url, { ...base, client_id: 'other' });
    assert.deepEqual(badClient.body, { error: 'invalid_client_id', error_description: 'client identifier invalid' });
    const badUser = await fetch(`${emulator.url}/__emulator/refresh-tokens`, {
      method: 'POST',
      body: '{"username":"x@y.z"}',
    });
    assert.equal(badUser.status, 400);
  });

  it('rotates single-use tokens and revokes the chain when a used one comes back', async () => {
    const first = rotating.mintRefreshToken();
    const one = await token(rotating.url, { grant_type: 'refresh_token', refresh_token: first, client_id: clientId });
    assert.equal(one.status, 200);
    const second = one.body['refresh_token'] ?? assert.fail('no rotated refresh token');
    assert.notEqual(second, first);
    const two = await token(rotating.url, { grant_type: 'refresh_token', refresh_token: second, client_id: clientId });
    assert.equal(two.status, 200);
    assert.equal(await useToken(rotating.url, two.body['access_token'] ?? ''), 200);

    const replay = await token(rotating.url, {
      grant_type: 'refresh_token',
      refresh_token: first,
      client_id: clientId,
    });
    assert.deepEqual(replay, {
      status: 400,
      body: { error: 'invalid_grant', error_description: 'expired access/refresh token' },
    });
    // The whole chain is gone: the newest refresh token and the sessions it produced.
    const third = two.body['refresh_token'] ?? assert.fail('no rotated refresh token');
    assert.equal(
      (await token(rotating.url, { grant_type: 'refresh_token', refresh_token: third, client_id: clientId })).status,
      400,
    );
    assert.equal(await useToken(rotating.url, two.body['access_token'] ?? ''), 401);
  });
});

describe('JWT bearer grant', () => {
  let key = '';
  let otherKey = '';
  const emulator = useEmulator(async () => {
    const pems = await generate([{ name: 'commonName', value: 'bulkflow-test' }], {
      keySize: 2048,
      algorithm: 'sha256',
    });
    key = pems.private;
    return { jwtCertificate: pems.cert };
  });
  before(async () => {
    const other = await generate([{ name: 'commonName', value: 'intruder' }], { keySize: 2048, algorithm: 'sha256' });
    otherKey = other.private;
  });

  const claims = (override: Record<string, unknown> = {}) => ({
    iss: clientId,
    sub: username,
    aud: emulator.url,
    exp: Math.floor(Date.now() / 1000) + 300,
    ...override,
  });

  it('issues a session for a valid assertion, without a refresh token', async () => {
    for (const aud of [emulator.url, 'https://login.salesforce.com', 'https://test.salesforce.com/']) {
      const { status, body } = await token(emulator.url, {
        grant_type: JWT_GRANT,
        assertion: jwt(key, claims({ aud })),
      });
      assert.equal(status, 200, `${aud}: ${JSON.stringify(body)}`);
      assertTokenResponse(body, emulator.url);
      assert.equal(body['refresh_token'], undefined);
      assert.equal(await useToken(emulator.url, body['access_token'] ?? ''), 200);
    }
  });

  it('refuses bad assertions with RFC 7523 errors', async () => {
    const invalidGrant = (description: string) => ({ error: 'invalid_grant', error_description: description });
    const cases: [string, Record<string, string>][] = [
      ['not-a-jwt', invalidGrant('invalid assertion')],
      [jwt(otherKey, claims()), invalidGrant('invalid assertion')],
      [jwt(key, claims(), 'HS256'), invalidGrant('invalid assertion')],
      [jwt(key, claims({ aud: 'https://evil.example.com' })), invalidGrant('audience is invalid')],
      [jwt(key, claims({ exp: Math.floor(Date.now() / 1000) - 10 })), invalidGrant('expired authorization code')],
      [jwt(key, claims({ exp: undefined })), invalidGrant('expired authorization code')],
      [jwt(key, claims({ sub: 'nobody@example.com' })), invalidGrant("user hasn't approved this consumer")],
      [
        jwt(key, claims({ iss: 'unknown-client' })),
        { error: 'invalid_client_id', error_description: 'client identifier invalid' },
      ],
    ];
    for (const [assertion, expected] of cases) {
      const { status, body } = await token(emulator.url, { grant_type: JWT_GRANT, assertion });
      assert.equal(status, 400, assertion);
      assert.deepEqual(body, expected);
    }
  });

  it('refuses every assertion when no certificate is configured', async (t) => {
    const bare = await startEmulator(t);
    const assertion = jwt(key, {
      iss: clientId,
      sub: username,
      aud: bare.url,
      exp: Math.floor(Date.now() / 1000) + 60,
    });
    const { status, body } = await token(bare.url, { grant_type: JWT_GRANT, assertion });
    assert.equal(status, 400);
    assert.deepEqual(body, { error: 'invalid_grant', error_description: 'invalid assertion' });
  });

  it('rejects a malformed certificate option, naming it', async () => {
    await assert.rejects(createSalesforceEmulator({ jwtCertificate: 'nope' }), /options\.jwtCertificate/);
  });
});

describe('client credentials grant', () => {
  const emulator = useEmulator();

  function identityUser(body: Record<string, string>) {
    return (body['id'] ?? '').split('/').at(-1);
  }

  it('accepts the client in the body or in HTTP Basic and runs as the integration user', async () => {
    const inBody = await token(emulator.url, {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    });
    assert.equal(inBody.status, 200, JSON.stringify(inBody.body));
    assertTokenResponse(inBody.body, emulator.url);
    assert.equal(inBody.body['refresh_token'], undefined);
    const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    const inHeader = await token(emulator.url, { grant_type: 'client_credentials' }, { Authorization: basic });
    assert.equal(inHeader.status, 200);
    assert.equal(identityUser(inHeader.body), identityUser(inBody.body));

    const password = await token(emulator.url, {
      grant_type: 'password',
      client_id: clientId,
      client_secret: clientSecret,
      username,
      password: DEV_CREDENTIALS.password + DEV_CREDENTIALS.securityToken,
    });
    assert.notEqual(identityUser(password.body), identityUser(inBody.body));
    assert.equal(await useToken(emulator.url, inBody.body['access_token'] ?? ''), 200);
  });

  it('refuses wrong client credentials, and the integration user has no password login', async () => {
    const wrong = await token(emulator.url, {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: 'x',
    });
    assert.deepEqual(wrong, {
      status: 400,
      body: { error: 'invalid_client', error_description: 'invalid client credentials' },
    });
    const missing = await token(emulator.url, { grant_type: 'client_credentials', client_id: clientId });
    assert.equal(missing.status, 400);
    const unknown = await token(emulator.url, { grant_type: 'client_credentials', client_id: 'x', client_secret: 'y' });
    assert.deepEqual(unknown.body, { error: 'invalid_client_id', error_description: 'client identifier invalid' });
    const integrationPassword = await token(emulator.url, {
      grant_type: 'password',
      client_id: clientId,
      client_secret: clientSecret,
      username: 'integration@bulkflow.local',
      password: '',
    });
    assert.deepEqual(integrationPassword.body, { error: 'invalid_grant', error_description: 'authentication failure' });
  });

  it('refuses the flow when the run-as user does not exist', async (t) => {
    const misconfigured = await startEmulator(t, { clientCredentialsUser: 'ghost@example.com' });
    const { status, body } = await token(misconfigured.url, {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    });
    assert.equal(status, 400);
    assert.deepEqual(body, { error: 'invalid_grant', error_description: 'no client credentials user enabled' });
  });
});
