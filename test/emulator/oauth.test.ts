import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { DEV_CREDENTIALS } from '../../emulator/index.js';
import { useEmulator } from '../helpers/emulator.js';
import { API, login } from '../helpers/emulator-http.js';

const { username, password, securityToken, clientId, clientSecret } = DEV_CREDENTIALS;

async function token(baseUrl: string, params: Record<string, string>) {
  const res = await fetch(`${baseUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

const validGrant = {
  grant_type: 'password',
  client_id: clientId,
  client_secret: clientSecret,
  username,
  password: password + securityToken,
};

describe('OAuth token endpoint', () => {
  const emulator = useEmulator();

  it('issues a signed token for the password grant', async () => {
    const { status, body } = await token(emulator.url, validGrant);
    assert.equal(status, 200);
    assert.equal(body['token_type'], 'Bearer');
    assert.equal(body['instance_url'], emulator.url);
    assert.match(body['access_token'] ?? '', /^00D[0-9A-Za-z]{12}!/);
    assert.match(body['issued_at'] ?? '', /^\d{13}$/);
    const id = body['id'] ?? '';
    assert.match(id, new RegExp(`^${emulator.url}/id/00D[0-9A-Za-z]{15}/005[0-9A-Za-z]{15}$`));
    const expected = createHmac('sha256', clientSecret)
      .update(id + (body['issued_at'] ?? ''))
      .digest('base64');
    assert.equal(body['signature'], expected);
  });

  it('refuses bad credentials with the errors Salesforce returns', async () => {
    const cases: [Record<string, string>, Record<string, string>][] = [
      [{ password }, { error: 'invalid_grant', error_description: 'authentication failure' }],
      [{ username: 'nobody@example.com' }, { error: 'invalid_grant', error_description: 'authentication failure' }],
      [{ client_id: 'unknown' }, { error: 'invalid_client_id', error_description: 'client identifier invalid' }],
      [{ client_secret: 'wrong' }, { error: 'invalid_client', error_description: 'invalid client credentials' }],
      [{ grant_type: 'magic' }, { error: 'unsupported_grant_type', error_description: 'grant type not supported' }],
    ];
    for (const [override, expected] of cases) {
      const { status, body } = await token(emulator.url, { ...validGrant, ...override });
      assert.equal(status, 400, JSON.stringify(override));
      assert.deepEqual(body, expected);
    }
  });

  it('accepts Bearer and OAuth authorization headers and answers 401 otherwise', async () => {
    const accessToken = await login(emulator.url);
    const jobsUrl = `${emulator.url}/services/data/${API}/jobs/ingest`;
    assert.equal((await fetch(jobsUrl, { headers: { Authorization: `Bearer ${accessToken}` } })).status, 200);
    assert.equal((await fetch(jobsUrl, { headers: { Authorization: `OAuth ${accessToken}` } })).status, 200);
    const attempts: Record<string, string>[] = [
      {},
      { Authorization: 'Bearer not-a-token' },
      { Authorization: accessToken },
    ];
    for (const headers of attempts) {
      const res = await fetch(jobsUrl, { headers });
      assert.equal(res.status, 401);
      assert.deepEqual(await res.json(), [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    }
  });
});

describe('session expiry', () => {
  const emulator = useEmulator({ sessionSeconds: 1 });

  it('rejects a token once its lifetime has passed', async () => {
    const { body } = await token(emulator.url, validGrant);
    const expiresAt = Number(body['issued_at']) + 1000;
    const jobsUrl = `${emulator.url}/services/data/${API}/jobs/ingest`;
    const call = () => fetch(jobsUrl, { headers: { Authorization: `Bearer ${body['access_token']}` } });
    assert.equal((await call()).status, 200);
    // The condition under test is the passing of time itself: wait by the clock until just after the
    // session's end, then ask once. Polling with eventually() would also pass a session that ended late.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt + 50 - Date.now())));
    const res = await call();
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  });
});
