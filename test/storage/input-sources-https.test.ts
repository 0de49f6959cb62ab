/**
 * `https://` (and loopback `http://`) inputs against a local node:https server with a self-signed
 * certificate: bodies stream, and answers map onto typed errors (404: bad input, not retried;
 * 503 and connection failures: retried), with presigned query strings kept out of messages.
 */
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { text } from 'node:stream/consumers';
import { after, before, test } from 'node:test';
import selfsigned from 'selfsigned';
import { Agent } from 'undici';
import { openSource } from '../../storage/input-sources.js';
import { ErrorCode, InputError, isRetryable, StorageError } from '../../common/errors.js';
import { freePort } from '../helpers/s3-server.js';

const CSV = 'FirstName,LastName\nAda,Lovelace\n';
let server: Server;
let base: string;
let dispatcher: Agent;
const plain = createHttpServer(handler);
let plainBase: string;

function handler(req: IncomingMessage, res: ServerResponse) {
  const { pathname } = new URL(req.url ?? '/', 'http://x');
  const status = /^\/status\/(\d{3})$/.exec(pathname)?.[1];
  if (status) {
    res.writeHead(Number(status)).end('<Error><Code>Nope</Code></Error>');
  } else if (pathname === '/contacts.csv') {
    res.writeHead(200, { 'content-type': 'text/csv' });
    res.write(CSV.slice(0, 10)); // two writes: the body is streamed, not buffered
    setImmediate(() => res.end(CSV.slice(10)));
  } else if (pathname === '/broken.csv') {
    res.writeHead(200, { 'content-type': 'text/csv', 'content-length': '1000' });
    res.write('FirstName,LastName\n');
    setImmediate(() => res.destroy());
  } else {
    res.writeHead(404).end();
  }
}

before(async () => {
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  server = createHttpsServer({ key: pems.private, cert: pems.cert }, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  dispatcher = new Agent({ connect: { ca: pems.cert } });
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  plainBase = `http://127.0.0.1:${(plain.address() as { port: number }).port}`;
});

after(async () => {
  await dispatcher?.close();
  server?.closeAllConnections();
  plain.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await new Promise((resolve) => plain.close(resolve));
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => assert.fail('expected a rejection'),
    (err: unknown) => {
      assert.ok(err instanceof Error);
      return err;
    },
  );
}

const signed = '?X-Amz-Credential=AKIAEXAMPLE%2F20261123&X-Amz-Signature=0123456789abcdef';

test('an https:// input streams its body', async () => {
  assert.equal(await text(await openSource(`${base}/contacts.csv${signed}`, { dispatcher })), CSV);
});

test('an http:// input on loopback streams its body', async () => {
  assert.equal(await text(await openSource(`${plainBase}/contacts.csv`)), CSV);
});

test('http:// anywhere but loopback is refused before any request', async () => {
  const err = await rejection(openSource('http://example.com/contacts.csv'));
  assert.ok(err instanceof InputError);
  assert.match(err.message, /loopback only/);
});

test('404 is bad input, not retried, and the signature stays out of the message', async () => {
  const err = await rejection(openSource(`${base}/status/404${signed}`, { dispatcher }));
  assert.ok(err instanceof InputError, `got ${err.name}`);
  assert.equal(err.statusCode, 404);
  assert.equal(isRetryable(err), false);
  assert.ok(!/Signature|AKIAEXAMPLE|0123456789abcdef/.test(err.message), err.message);
  assert.match(err.message, /\/status\/404\?…/);
});

test('403 (an expired presigned URL) is refused, not retried', async () => {
  const err = await rejection(openSource(`${base}/status/403${signed}`, { dispatcher }));
  assert.ok(err instanceof StorageError && err.code === ErrorCode.StorageAuth, `got ${err.name}`);
  assert.equal(isRetryable(err), false);
});

test('503 is retried', async () => {
  const err = await rejection(openSource(`${base}/status/503`, { dispatcher }));
  assert.ok(err instanceof StorageError && err.code === ErrorCode.StorageHttp, `got ${err.name}: ${err.message}`);
  assert.equal(err.statusCode, 503);
  assert.equal(isRetryable(err), true);
});

test('a redirect is not followed', async () => {
  const err = await rejection(openSource(`${base}/status/302`, { dispatcher }));
  assert.ok(err instanceof StorageError && err.code === ErrorCode.StorageHttp, `got ${err.name}: ${err.message}`);
  assert.equal(isRetryable(err), false);
});

test('an untrusted certificate fails as a network error, retried', async () => {
  const err = await rejection(openSource(`${base}/contacts.csv`));
  assert.ok(err instanceof StorageError && err.code === ErrorCode.StorageNetwork, `got ${err.name}: ${err.message}`);
  assert.equal(isRetryable(err), true);
});

test('no server listening is a network error, retried', async () => {
  const err = await rejection(openSource(`http://127.0.0.1:${await freePort()}/contacts.csv${signed}`));
  assert.ok(err instanceof StorageError && err.code === ErrorCode.StorageNetwork, `got ${err.name}: ${err.message}`);
  assert.ok(!err.message.includes('Signature'), err.message);
});

test('a body that breaks off mid-stream fails the stream with a network error', async () => {
  const stream = await openSource(`${plainBase}/broken.csv`);
  const err = await rejection(text(stream));
  assert.ok(err instanceof StorageError && err.code === ErrorCode.StorageNetwork, `got ${err.name}: ${err.message}`);
  assert.equal(isRetryable(err), true);
});

test('other schemes are refused', async () => {
  const err = await rejection(openSource('ftp://example.com/contacts.csv'));
  assert.ok(err instanceof InputError);
});
