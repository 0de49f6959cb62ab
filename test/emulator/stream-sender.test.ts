/**
 * The streaming sender on its own, behind a plain `node:http` server: a body made block by block arrives whole
 * (chunked, or gzip-compressed on request), other requests are answered while it is written, a client that stops
 * reading holds the writing back, and one that goes away stops it. The blocks come from a generator the test
 * watches, so "while it is written" is what the generator says, not a timing.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, get } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { CSV_BLOCK_CHARS } from '../../emulator/bulk2/csv.js';
import { sendJson, sendTextStream } from '../../emulator/http/http-helpers.js';
import { eventually } from '../helpers/eventually.js';

/** A body of numbered lines in blocks of about 64 KB, counting what was asked of it. */
class Source {
  produced = 0;
  closed = false;
  constructor(
    readonly count: number,
    readonly failAt?: number,
  ) {}

  static block(index: number): string {
    const line = `"${index}","Some text, ""quoted""","and more of it"\n`;
    return line.repeat(Math.ceil(CSV_BLOCK_CHARS / line.length));
  }

  *blocks(): Generator<string> {
    try {
      for (let index = 0; index < this.count; index++) {
        if (index === this.failAt) throw new Error(`block ${index} failed`);
        this.produced += 1;
        yield Source.block(index);
      }
    } finally {
      this.closed = true;
    }
  }

  text(): string {
    return Array.from({ length: this.count }, (_, index) => Source.block(index)).join('');
  }
}

let source = new Source(0);
const server = createServer((req, res) => {
  if (req.url === '/ping') return sendJson(res, 200, { pong: true });
  // As the emulator's dispatch does it: an error answer while nothing is sent, else the connection ends.
  sendTextStream(req, res, { 'Content-Type': 'text/csv' }, source.blocks()).catch((error: unknown) => {
    if (res.headersSent) res.destroy();
    else sendJson(res, 500, [{ errorCode: 'UNKNOWN_EXCEPTION', message: String(error) }]);
  });
});
let base = '';

before(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

/** Opens a GET on its own connection and resolves once the status line and headers are in. */
function open(path: string, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    get(`${base}${path}`, { headers, agent: false }, resolve).on('error', reject);
  });
}

async function readAll(res: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function ping(): Promise<void> {
  const res = await open('/ping');
  assert.equal(res.statusCode, 200);
  assert.deepEqual(JSON.parse((await readAll(res)).toString('utf8')), { pong: true });
}

/** Reads a response as it comes; `first` resolves with the first chunk, `done` when the body has ended. */
function watch(res: IncomingMessage) {
  let bytes = 0;
  let ended = false;
  const first = new Promise<void>((resolve) => res.once('data', () => resolve()));
  res.on('data', (chunk: Buffer) => (bytes += chunk.length));
  const done = new Promise<void>((resolve, reject) => {
    res.once('end', () => {
      ended = true;
      resolve();
    });
    res.once('error', reject);
  });
  return { first, done, bytes: () => bytes, ended: () => ended };
}

describe('sendTextStream', () => {
  it('sends the blocks as one chunked body, without Content-Length', async () => {
    source = new Source(20);
    const res = await open('/big');
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'text/csv');
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    assert.equal(res.headers['content-length'], undefined);
    assert.equal(res.headers['content-encoding'], undefined);
    assert.equal((await readAll(res)).toString('utf8'), source.text());
    assert.equal(source.closed, true);
  });

  it('compresses on the way when gzip is accepted, with Vary and without Content-Length', async () => {
    source = new Source(20);
    const res = await open('/big', { 'Accept-Encoding': 'gzip' });
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.equal(res.headers['vary'], 'Accept-Encoding');
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    assert.equal(res.headers['content-length'], undefined);
    const zipped = await readAll(res);
    assert.equal(gunzipSync(zipped).toString('utf8'), source.text());
    assert.ok(zipped.length < source.text().length / 10, `${zipped.length} bytes compressed`);
  });

  for (const gzip of [false, true]) {
    it(`answers another request while a large body is being written${gzip ? ' (gzip)' : ''}`, async () => {
      source = new Source(400);
      const res = await open('/big', gzip ? { 'Accept-Encoding': 'gzip' } : {});
      const body = watch(res);
      await body.first;
      await ping();
      assert.ok(source.produced < source.count, `all ${source.produced} blocks were made before the ping`);
      assert.equal(body.ended(), false);
      await body.done;
      assert.equal(source.produced, source.count);
      assert.equal(source.closed, true);
    });
  }

  it('makes no more blocks than the client takes (backpressure)', async (t) => {
    source = new Source(1000);
    const res = await open('/big');
    t.after(() => res.destroy());
    const body = watch(res);
    await body.first;
    res.pause();
    // Each ping takes the server several turns of its event loop; without backpressure each turn makes a block.
    await eventually(
      async () => {
        const before = source.produced;
        await ping();
        await ping();
        return source.produced === before;
      },
      { until: (still) => still, timeoutMs: 20_000, what: 'block making to wait for the paused client' },
    );
    assert.ok(source.produced < source.count / 2, `${source.produced} of ${source.count} blocks made`);
    res.resume();
    await body.done;
    assert.equal(body.bytes(), source.text().length);
  });

  for (const gzip of [false, true]) {
    it(`stops making blocks when the client goes away mid-body${gzip ? ' (gzip)' : ''}`, async () => {
      source = new Source(1000);
      const res = await open('/big', gzip ? { 'Accept-Encoding': 'gzip' } : {});
      const body = watch(res);
      body.done.catch(() => {});
      await body.first;
      res.socket.destroy();
      await eventually(() => source.closed, {
        until: (closed) => closed,
        timeoutMs: 10_000,
        what: 'the blocks closed',
      });
      assert.ok(source.produced < source.count, `${source.produced} of ${source.count} blocks made`);
      await ping();
    });
  }

  it('answers an ordinary error when the first block fails, before any byte is sent', async () => {
    source = new Source(5, 0);
    const res = await open('/big');
    assert.equal(res.statusCode, 500);
    assert.match(res.headers['content-type'] ?? '', /^application\/json/);
    const [error] = JSON.parse((await readAll(res)).toString('utf8')) as Array<{ message: string }>;
    assert.match(error?.message ?? '', /block 0 failed/);
  });

  it('ends the connection when a later block fails, so the client cannot take a short body for a whole one', async () => {
    source = new Source(50, 3);
    const res = await open('/big');
    assert.equal(res.statusCode, 200);
    await assert.rejects(readAll(res));
    assert.equal(source.closed, true);
    await ping();
  });
});
