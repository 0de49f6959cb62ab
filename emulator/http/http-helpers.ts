/**
 * Reading request bodies and writing responses in the shapes Salesforce uses: JSON with a charset, bare
 * `text/csv` for result files, and REST error arrays `[{"errorCode","message"}]`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createGunzip, createInflate, gzip } from 'node:zlib';

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
function decodedBody(req: IncomingMessage): AsyncIterable<unknown> {
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

/** Sends a CSV file. */
export function sendCsv(res: ServerResponse, body: string, req?: IncomingMessage): void {
  sendText(req, res, { 'Content-Type': 'text/csv' }, body);
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

/** Sends a status with no body (201 after an upload, 204 after a delete or reset). */
export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}
