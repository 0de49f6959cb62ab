import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Authenticator, type SalesforceSession } from '../../../salesforce/index.js';
import { SessionManager } from '../../../salesforce/core/session.js';

function countingAuthenticator(): Authenticator & { logins: number; release: () => void } {
  let release: () => void = () => undefined;
  const auth = {
    kind: 'test',
    canRenew: true,
    logins: 0,
    release: () => release(),
    login(): Promise<SalesforceSession> {
      auth.logins += 1;
      const n = auth.logins;
      return new Promise((resolve) => {
        release = () => resolve({ accessToken: `token-${n}`, instanceUrl: 'https://example.my.salesforce.com/' });
      });
    },
  };
  return auth;
}

test('concurrent callers share one login, and a stale token is renewed once', async () => {
  const auth = countingAuthenticator();
  const sessions = new SessionManager(auth);
  const waiting = Promise.all([sessions.get(), sessions.get(), sessions.get()]);
  auth.release();
  const got = await waiting;
  assert.equal(auth.logins, 1);
  assert.deepEqual(new Set(got.map((s) => s.accessToken)), new Set(['token-1']));
  assert.equal(got[0]?.instanceUrl, 'https://example.my.salesforce.com', 'trailing slash removed');

  sessions.invalidate('token-1');
  sessions.invalidate('token-1');
  const renewed = Promise.all([sessions.get(), sessions.get()]);
  auth.release();
  assert.deepEqual(
    (await renewed).map((s) => s.accessToken),
    ['token-2', 'token-2'],
  );
  assert.equal(auth.logins, 2);

  sessions.invalidate('token-1');
  assert.equal((await sessions.get()).accessToken, 'token-2', 'an older stale token does not drop a newer session');
  assert.equal(auth.logins, 2);
});
