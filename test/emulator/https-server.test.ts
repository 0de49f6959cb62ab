import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Agent, fetch as undiciFetch } from 'undici';
import { createSalesforceEmulator, DEV_CREDENTIALS } from '../../emulator/index.js';
import { createSelfSignedCertificate } from '../../emulator/tls/certificate.js';
import { startEmulator, useEmulator } from '../helpers/emulator.js';
import { API } from '../helpers/emulator-http.js';

function loginBody() {
  return new URLSearchParams({
    grant_type: 'password',
    client_id: DEV_CREDENTIALS.clientId,
    client_secret: DEV_CREDENTIALS.clientSecret,
    username: DEV_CREDENTIALS.username,
    password: DEV_CREDENTIALS.password + DEV_CREDENTIALS.securityToken,
  });
}

describe('HTTPS', () => {
  const emulator = useEmulator({ https: true });
  let agent: Agent;
  before(() => {
    agent = new Agent({ connect: { ca: emulator.certificatePem ?? '' } });
  });
  after(() => agent.close());

  it('serves TLS with a certificate clients can trust', async () => {
    assert.match(emulator.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.match(emulator.certificatePem ?? '', /^-----BEGIN CERTIFICATE-----/);
    const res = await undiciFetch(`${emulator.url}/services/oauth2/token`, {
      method: 'POST',
      body: loginBody(),
      dispatcher: agent,
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { access_token: string; instance_url: string };
    assert.equal(body.instance_url, emulator.url);
    const jobs = await undiciFetch(`${emulator.url}/services/data/${API}/jobs/ingest`, {
      headers: { Authorization: `Bearer ${body.access_token}` },
      dispatcher: agent,
    });
    assert.equal(jobs.status, 200);
    await jobs.arrayBuffer();
  });

  it('answers for localhost too', async () => {
    const localhost = emulator.url.replace('127.0.0.1', 'localhost');
    const res = await undiciFetch(`${localhost}/services/oauth2/token`, {
      method: 'POST',
      body: loginBody(),
      dispatcher: agent,
    });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
  });

  it('is refused by a client that does not trust the certificate', async () => {
    await assert.rejects(
      fetch(`${emulator.url}/services/oauth2/token`, { method: 'POST', body: loginBody() }),
      TypeError,
    );
  });
});

describe('HTTPS with material brought by the caller', () => {
  it('serves the given certificate', async (t) => {
    const material = await createSelfSignedCertificate();
    const emulator = await startEmulator(t, { https: material });
    const agent = new Agent({ connect: { ca: material.cert } });
    t.after(() => agent.close());
    assert.equal(emulator.certificatePem, material.cert);
    const res = await undiciFetch(`${emulator.url}/services/oauth2/token`, {
      method: 'POST',
      body: loginBody(),
      dispatcher: agent,
    });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
  });

  it('checks the material, naming the option', async () => {
    const material = await createSelfSignedCertificate();
    await assert.rejects(
      createSalesforceEmulator({ https: { key: material.key, cert: 'nope' } }),
      /options\.https\.cert/,
    );
    await assert.rejects(
      createSalesforceEmulator({ https: { key: 'nope', cert: material.cert } }),
      /options\.https\.key/,
    );
  });

  it('serves plain HTTP without a certificate by default', async (t) => {
    const emulator = await startEmulator(t);
    assert.match(emulator.url, /^http:\/\//);
    assert.equal(emulator.certificatePem, undefined);
  });
});
