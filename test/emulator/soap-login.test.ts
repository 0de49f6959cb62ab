import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEV_CREDENTIALS } from '../../emulator/index.js';
import { useEmulator } from '../helpers/emulator.js';
import { V1Client, loginEnvelope, parseXml } from '../helpers/bulk1-client.js';

const GOOD_PASSWORD = DEV_CREDENTIALS.password + DEV_CREDENTIALS.securityToken;

/** simple-salesforce's envelope: `soapenv:` and `urn:` prefixes and a CallOptions header. */
function prefixedEnvelope(username: string, password: string): string {
  return (
    '<?xml version="1.0" encoding="utf-8" ?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
    'xmlns:urn="urn:partner.soap.sforce.com"><soapenv:Header><urn:CallOptions><urn:client>simple-salesforce</urn:client>' +
    '<urn:defaultNamespace>sf</urn:defaultNamespace></urn:CallOptions></soapenv:Header><soapenv:Body>' +
    `<urn:login><urn:password>${password}</urn:password><urn:username>${username}</urn:username></urn:login>` +
    '</soapenv:Body></soapenv:Envelope>'
  );
}

describe('SOAP partner login', () => {
  const emulator = useEmulator({ sessionSeconds: 3600 });

  async function login(body: string, path = '/services/Soap/u/59.0') {
    const res = await fetch(`${emulator.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml; charset=UTF-8', SOAPAction: 'login' },
      body,
    });
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
  }

  it('answers the loginResponse fields clients read, unprefixed', async () => {
    const answer = await login(loginEnvelope(DEV_CREDENTIALS.username, GOOD_PASSWORD));
    assert.equal(answer.status, 200);
    assert.match(answer.contentType, /^text\/xml/);
    // jsforce's regexes, verbatim in spirit: all four must match.
    const serverUrl = /<serverUrl>([^<]+)<\/serverUrl>/.exec(answer.text)?.[1];
    const sessionId = /<sessionId>([^<]+)<\/sessionId>/.exec(answer.text)?.[1];
    const userId = /<userId>([^<]+)<\/userId>/.exec(answer.text)?.[1];
    const orgId = /<organizationId>([^<]+)<\/organizationId>/.exec(answer.text)?.[1];
    assert.ok(sessionId && userId && orgId);
    assert.equal(serverUrl, `${emulator.url}/services/Soap/u/59.0/${orgId.slice(0, 15)}`);
    assert.match(userId, /^005[0-9A-Za-z]{15}$/);
    const envelope = parseXml(answer.text, 'soapenv:Envelope');
    const body = envelope['soapenv:Body'] as Record<string, Record<string, Record<string, unknown>>>;
    const result = body['loginResponse']?.['result'] ?? assert.fail('no result');
    assert.deepEqual(Object.keys(result), [
      'metadataServerUrl',
      'passwordExpired',
      'sandbox',
      'serverUrl',
      'sessionId',
      'userId',
      'userInfo',
    ]);
    assert.equal(result['metadataServerUrl'], `${emulator.url}/services/Soap/m/59.0/${orgId.slice(0, 15)}`);
    assert.equal(result['passwordExpired'], 'false');
    assert.equal(result['sandbox'], 'false');
    const userInfo = result['userInfo'] as Record<string, unknown>;
    assert.equal(userInfo['sessionSecondsValid'], '3600');
    assert.equal(userInfo['userName'], DEV_CREDENTIALS.username);
    assert.equal(userInfo['organizationId'], orgId);
    assert.deepEqual(userInfo['roleId'], { '@_xsi:nil': 'true' });
  });

  it('accepts other prefixes, element order, the enterprise endpoint and any username case', async () => {
    const body = prefixedEnvelope(DEV_CREDENTIALS.username.toUpperCase(), GOOD_PASSWORD);
    const answer = await login(body, '/services/Soap/c/62.0');
    assert.equal(answer.status, 200, answer.text);
    assert.match(answer.text, /<serverUrl>[^<]+\/services\/Soap\/c\/62\.0\/00D[0-9A-Za-z]{12}<\/serverUrl>/);
  });

  it('issues a session that works on Bulk v1 and as a REST bearer token', async () => {
    const answer = await login(loginEnvelope(DEV_CREDENTIALS.username, GOOD_PASSWORD));
    const sessionId = /<sessionId>([^<]+)<\/sessionId>/.exec(answer.text)?.[1] ?? '';
    const v1 = new V1Client(emulator.url, sessionId);
    const job = await v1.createXmlJob({ operation: 'insert', object: 'Account', contentType: 'CSV' });
    assert.equal(job.state, 'Open');
    const rest = await fetch(`${emulator.url}/services/data/v62.0/jobs/ingest`, {
      headers: { Authorization: `Bearer ${sessionId}` },
    });
    assert.equal(rest.status, 200);
  });

  it('answers a wrong password (or one without the token) with the sf:-prefixed fault, HTTP 500', async () => {
    const message = 'Invalid username, password, security token; or user locked out.';
    const expected =
      '<soapenv:Fault><faultcode>sf:INVALID_LOGIN</faultcode>' +
      `<faultstring>INVALID_LOGIN: ${message}</faultstring>` +
      '<detail><sf:LoginFault xsi:type="sf:LoginFault"><sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode>' +
      `<sf:exceptionMessage>${message}</sf:exceptionMessage></sf:LoginFault></detail></soapenv:Fault>`;
    for (const [username, password] of [
      [DEV_CREDENTIALS.username, DEV_CREDENTIALS.password],
      [DEV_CREDENTIALS.username, `${GOOD_PASSWORD}x`],
      ['nobody@example.com', GOOD_PASSWORD],
    ] as const) {
      const answer = await login(prefixedEnvelope(username, password));
      assert.equal(answer.status, 500);
      assert.ok(answer.text.includes(expected), answer.text);
      assert.ok(answer.text.includes('xmlns:sf="urn:fault.partner.soap.sforce.com"'));
    }
  });

  it('refuses a body that is no login call', async () => {
    const answer = await login('<not-soap/>');
    assert.equal(answer.status, 500);
    assert.match(answer.text, /<faultcode>soapenv:Client<\/faultcode>/);
  });
});
