import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { text } from 'node:stream/consumers';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { AccessTokenAuthenticator, createSalesforceClient, type SalesforceClient } from '../../../salesforce/index.js';
import { decodedBody } from '../../../salesforce/bulk2/query-pages.js';
import { MemorySink, parseCsv } from '../../helpers/salesforce-client.js';
import { ErrorCode } from '../../../common/errors.js';

/** Pages served by locator ('' = first page): body, next locator header, record count header. */
type Page = { body: string; locator?: string; count?: string; gzip?: boolean };
let pages: Record<string, Page> = {};
let server: Server;
let sf: SalesforceClient;

before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const page = pages[url.searchParams.get('locator') ?? ''];
    if (!page) {
      res.writeHead(404).end('[]');
      return;
    }
    const headers: Record<string, string> = { 'content-type': 'text/csv' };
    if (page.locator !== undefined) headers['sforce-locator'] = page.locator;
    if (page.count !== undefined) headers['sforce-numberofrecords'] = page.count;
    if (page.gzip) headers['content-encoding'] = 'gzip';
    res.writeHead(200, headers).end(page.gzip ? gzipSync(page.body) : page.body);
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  sf = createSalesforceClient({
    auth: new AccessTokenAuthenticator({ accessToken: 'fake-token', instanceUrl: `http://127.0.0.1:${port}` }),
  });
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('pages without a final line ending, CRLF pages and gzip pages join cleanly', async () => {
  pages = {
    '': { body: '"Id","Name"\r\n"1","a\r\nb"\r\n"2","x"', locator: 'L2', count: '2' },
    L2: { body: '"Id","Name"\r\n"3","""q"""\r\n', locator: 'L3', count: '1', gzip: true },
    L3: { body: '"Id","Name"\r\n', locator: 'null', count: '0' },
  };
  const sink = new MemorySink();
  const result = await sf.bulk2Query.streamResults({ jobId: 'J', sink });
  assert.equal(sink.text, '"Id","Name"\r\n"1","a\r\nb"\r\n"2","x"\r\n"3","""q"""\r\n');
  assert.deepEqual([result.pages, result.records, result.columns], [3, 3, ['Id', 'Name']]);
  assert.deepEqual((await parseCsv(sink.text)).slice(1), [
    ['1', 'a\r\nb'],
    ['2', 'x'],
    ['3', '"q"'],
  ]);
});

test('a page whose rows differ from Sforce-NumberOfRecords fails loudly', async () => {
  pages = { '': { body: 'Id\n"1"\n"2"\n', locator: 'null', count: '3' } };
  await assert.rejects(sf.bulk2Query.streamResults({ jobId: 'J', sink: new MemorySink() }), {
    code: ErrorCode.ResultMismatch,
  });
});

test('a page with a different header fails loudly', async () => {
  pages = { '': { body: 'Id\n"1"\n', locator: 'L2', count: '1' }, L2: { body: 'Name\n"x"\n', locator: 'null' } };
  await assert.rejects(sf.bulk2Query.streamResults({ jobId: 'J', sink: new MemorySink() }), /header "Name"/);
});

test('a missing Sforce-Locator header ends the results instead of looping', async () => {
  pages = { '': { body: 'Id\n"1"\n' } };
  const result = await sf.bulk2Query.streamResults({ jobId: 'J', sink: new MemorySink() });
  assert.equal(result.pages, 1);
});

test('a reader that stops early on a gzip body destroys the response too, so its connection is freed', async () => {
  const response = new PassThrough();
  const body = decodedBody({ headers: { 'content-encoding': 'gzip' }, body: response });
  response.write(gzipSync('"Id"\n"001"\n'));
  body.destroy(new Error('row 1 matches no input row'));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(response.destroyed, true);
});

test('an error of the response reaches the reader of the inflated body', async () => {
  const response = new PassThrough();
  const body = decodedBody({ headers: { 'content-encoding': 'gzip' }, body: response });
  response.destroy(new Error('socket hang up'));
  await assert.rejects(text(body), /socket hang up/);
});
