import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { startEmulator, useEmulator } from '../helpers/emulator.js';
import { API, login } from '../helpers/emulator-http.js';
import { eventually } from '../helpers/eventually.js';

const EXPIRED_REST = [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }];

async function rest(baseUrl: string, token: string) {
  const res = await fetch(`${baseUrl}/services/data/${API}/jobs/ingest`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: await res.json() };
}

async function v1(baseUrl: string, token: string, json = false) {
  const res = await fetch(`${baseUrl}/services/async/62.0/job`, {
    method: 'POST',
    headers: { 'X-SFDC-Session': token, 'Content-Type': json ? 'application/json' : 'application/xml; charset=UTF-8' },
    body: json
      ? JSON.stringify({ operation: 'insert', object: 'Account', contentType: 'JSON' })
      : '<?xml version="1.0" encoding="UTF-8"?><jobInfo xmlns="http://www.force.com/2009/06/asyncapi/dataload">' +
        '<operation>insert</operation><object>Account</object><contentType>CSV</contentType></jobInfo>',
  });
  return { status: res.status, text: await res.text() };
}

describe('session expiry', () => {
  const emulator = useEmulator();
  beforeEach(() => emulator.reset());

  it('answers expired sessions as Salesforce does, REST/2.0 and v1 alike', async () => {
    const token = await login(emulator.url);
    assert.equal((await rest(emulator.url, token)).status, 200);
    assert.equal((await v1(emulator.url, token)).status, 201);
    emulator.expireSessions();
    assert.deepEqual(await rest(emulator.url, token), { status: 401, body: EXPIRED_REST });
    const xml = await v1(emulator.url, token);
    assert.equal(xml.status, 400);
    assert.match(xml.text, /<exceptionCode>InvalidSessionId<\/exceptionCode>/);
    const json = await v1(emulator.url, token, true);
    assert.equal(json.status, 400);
    assert.equal((JSON.parse(json.text) as { exceptionCode: string }).exceptionCode, 'InvalidSessionId');
    // A fresh login works again.
    assert.equal((await rest(emulator.url, await login(emulator.url))).status, 200);
  });

  it('expires all sessions through the faults endpoint', async () => {
    // Start from no live sessions, so the count below is this test's alone.
    emulator.expireSessions();
    emulator.faults.clear();
    const token = await login(emulator.url);
    const res = await fetch(`${emulator.url}/__emulator/faults`, {
      method: 'POST',
      body: '[{"type":"expireSessions"}]',
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await rest(emulator.url, token), { status: 401, body: EXPIRED_REST });
    const stats = (await (await fetch(`${emulator.url}/__emulator/stats`)).json()) as {
      faults: { type: string; fired: number }[];
    };
    assert.deepEqual(
      stats.faults.map((f) => [f.type, f.fired]),
      [['expireSessions', 1]],
    );
  });

  it('expires the sessions alive at a chosen moment, and only those', async () => {
    const token = await login(emulator.url);
    const moment = Date.now() + 300;
    emulator.faults.set({ type: 'expireSessions', at: new Date(moment).toISOString() });
    assert.equal((await rest(emulator.url, token)).status, 200, 'still valid before the moment');
    await eventually(async () => (await rest(emulator.url, token)).status === 401, {
      timeoutMs: 5000,
      intervalMs: 10,
      what: 'the session to expire at the moment',
    });
    assert.ok(Date.now() >= moment);
    const later = await login(emulator.url);
    assert.equal((await rest(emulator.url, later)).status, 200, 'sessions issued after the moment live on');
  });

  it('expireSessions(at) in-process, and reset removes a pending moment', async () => {
    const token = await login(emulator.url);
    const loggedIn = Date.now();
    emulator.expireSessions(Date.now() + 60_000);
    emulator.reset();
    assert.equal((await rest(emulator.url, token)).status, 200);
    // The moment below must fall after the session was issued: on a fast run all of this takes under 1 ms.
    await eventually(() => Date.now() - 1 > loggedIn, { timeoutMs: 1000, intervalMs: 1, what: 'the clock to move on' });
    emulator.expireSessions(new Date(Date.now() - 1));
    // Issued before the moment, and the moment has passed.
    assert.equal((await rest(emulator.url, token)).status, 401);
  });

  it('ends sessions after sessionSeconds', async (t) => {
    const short = await startEmulator(t, { sessionSeconds: 0.2 });
    const token = await login(short.url);
    assert.equal((await rest(short.url, token)).status, 200);
    await eventually(async () => (await rest(short.url, token)).status === 401, {
      timeoutMs: 5000,
      intervalMs: 10,
      what: 'the session to age out',
    });
  });
});
