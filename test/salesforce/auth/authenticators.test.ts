import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { generate } from 'selfsigned';
import { DEV_CREDENTIALS } from '../../../emulator/index.js';
import {
  ClientCredentialsAuthenticator,
  createSalesforceClient,
  JwtBearerAuthenticator,
  RefreshTokenAuthenticator,
  salesforceOptionsFromEnv,
  SalesforceAuthError,
  SoapLoginAuthenticator,
  type Authenticator,
} from '../../../salesforce/index.js';
import { SalesforceErrorCode } from '../../../salesforce/core/errors.js';
import { startEmulator } from '../../helpers/emulator.js';

const pems = await generate([{ name: 'commonName', value: 'bulkflow-jwt' }], { keySize: 2048, algorithm: 'sha256' });
const keyPem = pems.private;
const emulator = await startEmulator({ after }, { jwtCertificate: pems.cert, refreshTokenRotation: true });
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'auth-flows-'));
});

after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Logs in, lets every session expire, then fires `parallel` requests at once: exactly one renewal, and every
 * request succeeds.
 */
async function checkSingleRenewal(auth: Authenticator, parallel = 8): Promise<void> {
  const sf = createSalesforceClient({ auth });
  await sf.limits.getLimits();
  assert.equal(sf.http.sessions.loginCount, 1);
  emulator.expireSessions();
  const results = await Promise.allSettled(Array.from({ length: parallel }, () => sf.limits.getLimits()));
  assert.deepEqual(
    results.map((r) => r.status),
    Array<string>(parallel).fill('fulfilled'),
  );
  assert.equal(sf.http.sessions.loginCount, 2, 'one renewal for all concurrent callers');
}

const soap = () =>
  new SoapLoginAuthenticator({
    loginUrl: emulator.url,
    username: DEV_CREDENTIALS.username,
    password: DEV_CREDENTIALS.password,
    securityToken: DEV_CREDENTIALS.securityToken,
  });

test('SOAP login: instance URL from serverUrl, and a single renewal under concurrent expiry', async () => {
  const session = await soap().login(undefined);
  assert.equal(session.instanceUrl, emulator.url);
  assert.match(session.accessToken, /^00D/);
  await checkSingleRenewal(soap());
});

test('SOAP login: INVALID_LOGIN becomes a SalesforceAuthError without the password', async () => {
  const auth = new SoapLoginAuthenticator({
    loginUrl: emulator.url,
    username: DEV_CREDENTIALS.username,
    password: 'wrong-pass-123',
  });
  await assert.rejects(auth.login(undefined), (err: unknown) => {
    assert.ok(err instanceof SalesforceAuthError);
    assert.equal(err.errorCode, 'INVALID_LOGIN');
    assert.equal(err.statusCode, 500);
    assert.ok(!`${err.message}${err.body ?? ''}`.includes('wrong-pass-123'));
    return true;
  });
});

test('refresh token with rotation: one refresh under concurrent expiry, the new token handed out', async () => {
  const rotated: string[] = [];
  const first = emulator.mintRefreshToken();
  const auth = new RefreshTokenAuthenticator({
    loginUrl: emulator.url,
    clientId: DEV_CREDENTIALS.clientId,
    refreshToken: first,
    onRefreshTokenRotated: (token) => void rotated.push(token),
  });
  await checkSingleRenewal(auth);
  assert.equal(rotated.length, 2, 'one rotation per login');
  assert.equal(new Set([first, ...rotated]).size, 3);
});

test('refresh token: a spent token is refused as invalid_grant', async () => {
  const token = emulator.mintRefreshToken();
  const auth = () =>
    new RefreshTokenAuthenticator({ loginUrl: emulator.url, clientId: DEV_CREDENTIALS.clientId, refreshToken: token });
  await auth().login(undefined);
  await assert.rejects(auth().login(undefined), { code: SalesforceErrorCode.Auth, errorCode: 'invalid_grant' });
});

test('JWT bearer: RS256 assertion from a key or SF_JWT_KEY_FILE, single renewal under concurrent expiry', async () => {
  const jwt = () =>
    new JwtBearerAuthenticator({
      loginUrl: emulator.url,
      clientId: DEV_CREDENTIALS.clientId,
      username: DEV_CREDENTIALS.username,
      privateKey: keyPem,
    });
  await checkSingleRenewal(jwt());

  const keyFile = join(dir, 'server.key');
  writeFileSync(keyFile, keyPem);
  const options = salesforceOptionsFromEnv({
    SF_LOGIN_URL: emulator.url,
    SF_JWT_KEY_FILE: keyFile,
    SF_CLIENT_ID: DEV_CREDENTIALS.clientId,
    SF_USERNAME: DEV_CREDENTIALS.username,
  });
  assert.equal(options.auth.kind, 'oauth-jwt-bearer');
  assert.equal((await options.auth.login(undefined)).instanceUrl, emulator.url);
});

test('JWT bearer: a key the app does not know is refused', async () => {
  const other = await generate([{ name: 'commonName', value: 'other' }], { keySize: 2048 });
  const auth = new JwtBearerAuthenticator({
    loginUrl: emulator.url,
    clientId: DEV_CREDENTIALS.clientId,
    username: DEV_CREDENTIALS.username,
    privateKey: other.private,
  });
  await assert.rejects(auth.login(undefined), { code: SalesforceErrorCode.Auth, errorCode: 'invalid_grant' });
  assert.throws(
    () => new JwtBearerAuthenticator({ clientId: 'c', username: 'u', privateKey: 'not a key' }),
    /privateKey must be an RSA private key/,
  );
  assert.throws(
    () => new JwtBearerAuthenticator({ clientId: 'c', username: 'u' }),
    /privateKey or privateKeyFile is required/,
  );
});

test('client credentials: body or Basic credentials, single renewal; generic login hosts refused', async () => {
  const cc = (basicAuth: boolean) =>
    new ClientCredentialsAuthenticator({
      loginUrl: emulator.url,
      clientId: DEV_CREDENTIALS.clientId,
      clientSecret: DEV_CREDENTIALS.clientSecret,
      basicAuth,
    });
  await checkSingleRenewal(cc(false));
  assert.equal((await cc(true).login(undefined)).instanceUrl, emulator.url);
  assert.throws(
    () =>
      new ClientCredentialsAuthenticator({
        loginUrl: 'https://login.salesforce.com',
        clientId: 'a',
        clientSecret: 'b',
      }),
    /loginUrl must be the org's My Domain URL/,
  );
  const bad = new ClientCredentialsAuthenticator({
    loginUrl: emulator.url,
    clientId: DEV_CREDENTIALS.clientId,
    clientSecret: 'nope',
  });
  await assert.rejects(bad.login(undefined), { code: SalesforceErrorCode.Auth });
});
