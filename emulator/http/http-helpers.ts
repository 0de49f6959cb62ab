/**
 * Reading request bodies and writing responses in the shapes Salesforce uses: JSON with a charset, bare
 * `text/csv` for result files (large ones streamed), and REST error arrays `[{"errorCode","message"}]`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import type { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { constants, createGunzip, createGzip, createInflate, gzip } from 'node:zlib';

/** An error that becomes an HTTP response; thrown by handlers, answered by the server. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
    this.name = 'HttpError';
  }
}

/** A REST-style error: status plus `[{"errorCode","message"}]`. */
export function restError(status: number, errorCode: string, message: string): HttpError {
  return new HttpError(status, [{ errorCode, message }]);
}

/** Thrown by {@link readBody} when the body is larger than allowed. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads the whole body, with or without Content-Length (chunked uploads). Past the limit it keeps reading, so
 * the client can finish sending and see the error, but stores nothing more.
 */
export async function readBody(req: IncomingMessage, limit = Number.POSITIVE_INFINITY): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of decodedBody(req)) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size <= limit) chunks.push(buffer);
  }
  if (size > limit) throw new BodyTooLargeError(limit);
  return Buffer.concat(chunks);
}

/**
 * The request body as sent, or inflated when the client compressed it (`Content-Encoding: gzip` or `deflate`,
 * which Salesforce's REST API accepts for request bodies). Limits apply to the inflated size. A body that does
 * not inflate is a 400.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_rest_compression.htm
 */
export function decodedBody(req: IncomingMessage): AsyncIterable<unknown> {
  const encoding = String(req.headers['content-encoding'] ?? '').toLowerCase();
  if (encoding !== 'gzip' && encoding !== 'deflate') return req;
  const inflate = encoding === 'gzip' ? createGunzip() : createInflate();
  req.pipe(inflate);
  return (async function* () {
    try {
      yield* inflate;
    } catch {
      throw restError(400, 'INVALID_REQUEST', `The request body is not valid ${encoding} data`);
    }
  })();
}

/** Reads a JSON body; malformed JSON is the REST `JSON_PARSER_ERROR`. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = (await readBody(req, 1024 * 1024)).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw restError(400, 'JSON_PARSER_ERROR', `Unexpected character in JSON body: ${detail}`);
  }
}

/** Reads an `application/x-www-form-urlencoded` body. */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new URLSearchParams((await readBody(req, 1024 * 1024)).toString('utf8'));
}

/** Sends JSON with the content type Salesforce uses. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json;charset=UTF-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Whether the client asked for gzip (`Accept-Encoding: gzip`, not refused with `q=0`). */
function acceptsGzip(req: IncomingMessage | undefined): boolean {
  const accept = String(req?.headers['accept-encoding'] ?? '').toLowerCase();
  return accept.split(',').some((part) => {
    const [name, ...params] = part.trim().split(';');
    return name === 'gzip' && !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p));
  });
}

/**
 * Sends a 200 text body, gzip-compressed (`Content-Encoding: gzip`) when the request accepts gzip, as the Bulk
 * APIs compress result files on request (other encodings are ignored). Compression runs off the event loop.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/datafiles_use_compression.htm
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_compression.htm
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_planning_compression.htm
 */
export function sendText(
  req: IncomingMessage | undefined,
  res: ServerResponse,
  headers: Record<string, string>,
  body: string,
): void {
  if (!acceptsGzip(req)) {
    res.writeHead(200, { ...headers, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  gzip(body, (err, zipped) => {
    if (err) {
      res.destroy(err);
      return;
    }
    res.writeHead(200, {
      ...headers,
      'Content-Encoding': 'gzip',
      Vary: 'Accept-Encoding',
      'Content-Length': zipped.length,
    });
    res.end(zipped);
  });
}

/**
 * Sends a 200 text body made block by block, as Salesforce streams large result files: no Content-Length, so
 * Node sends it with `Transfer-Encoding: chunked`, and gzip-compressed on the way when the request accepts gzip.
 * The client gets the first bytes while the rest is still being written, and the emulator keeps answering
 * other requests meanwhile: each block is written only once the previous one has been taken (`write()` answering
 * false waits for 'drain'), and the event loop gets a turn between blocks. A client that goes away stops the
 * writing; the blocks' iterator is closed either way. Check everything that can fail before calling: the first
 * block is made before the status line (a failure there is still an ordinary error answer), a later failure can
 * only end the connection. Resolves once the last block is handed over, or the client has gone.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_compression.htm
 */
export async function sendTextStream(
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string>,
  blocks: Iterable<string | Buffer>,
): Promise<void> {
  let gone = false;
  res.once('close', () => {
    gone = true;
  });
  const iterator = blocks[Symbol.iterator]();
  try {
    let next = iterator.next();
    const body = startBody(req, res, headers);
    for (; !next.done && !gone; next = iterator.next()) {
      if (next.value.length === 0) continue;
      if (!body.write(next.value)) await drained(body, res);
      // Even when the socket takes every block at once (a fast client), other requests get their turn.
      await nextTurn();
    }
    if (!gone) body.end();
  } finally {
    iterator.return?.();
  }
}

/** {@link sendTextStream} for a CSV file. */
export function sendCsvStream(
  req: IncomingMessage,
  res: ServerResponse,
  blocks: Iterable<string | Buffer>,
  headers: Record<string, string> = {},
): Promise<void> {
  return sendTextStream(req, res, { 'Content-Type': 'text/csv', ...headers }, blocks);
}

/** Sends the status line and headers; answers where to write the body (a gzip stream into `res`, or `res`). */
function startBody(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): Writable {
  if (!acceptsGzip(req)) {
    res.writeHead(200, headers);
    return res;
  }
  res.writeHead(200, { ...headers, 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' });
  // The fastest level: the emulator shares the machine's CPU with the client under test, while Salesforce
  // compresses on its own servers. Level 1 keeps the emulated server's cost small; the format is the same gzip.
  const zipped = createGzip({ level: constants.Z_BEST_SPEED });
  // A client that goes away destroys both streams (the compressor's memory is freed); a failure ends the response.
  pipeline(zipped, res, () => {});
  return zipped;
}

/** Resolves when `body` wants more, or the response has closed (the client went away). */
function drained(body: Writable, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve();
    const done = () => {
      body.off('drain', done);
      res.off('close', done);
      resolve();
    };
    body.on('drain', done);
    res.on('close', done);
  });
}

/** Sends a status with no body (201 after an upload, 204 after a delete or reset). */
export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}
