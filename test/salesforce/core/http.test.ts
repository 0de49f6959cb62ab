/**
 * A request that accepts gzip may get its error answer compressed too: the error's code and message must
 * still be read, or a failed result GET would surface as bytes instead of Salesforce's reason.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { AccessTokenAuthenticator, createSalesforceClient, isSalesforceError } from '../../../salesforce/index.js';

const server = createServer((req, res) => {
  const body = JSON.stringify([{ errorCode: 'INVALIDJOBSTATE', message: 'Job 750x is in state Open' }]);
  const gzip = String(req.headers['accept-encoding'] ?? '').includes('gzip');
  res.writeHead(400, { 'Content-Type': 'application/json', ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) });
  res.end(gzip ? gzipSync(body) : body);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
after(() => new Promise<void>((resolve) => server.close(() => resolve())));
const { port } = server.address() as AddressInfo;
const sf = createSalesforceClient({
  auth: new AccessTokenAuthenticator({ accessToken: 'token', instanceUrl: `http://127.0.0.1:${port}` }),
});

for (const encoding of ['gzip', undefined]) {
  test(`an error answer ${encoding ? 'compressed with gzip' : 'in plain text'} keeps its code and message`, async () => {
    await assert.rejects(
      sf.http.send({
        method: 'GET',
        path: '/services/data/v62.0/jobs/ingest/750x/successfulResults',
        api: 'rest',
        headers: encoding ? { 'accept-encoding': encoding } : {},
      }),
      (err: unknown) => {
        assert.ok(isSalesforceError(err));
        assert.equal(err.statusCode, 400);
        assert.equal(err.errorCode, 'INVALIDJOBSTATE');
        assert.match(err.message, /Job 750x is in state Open/);
        return true;
      },
    );
  });
}
