/**
 * Reading request bodies and writing responses in the shapes Salesforce uses: JSON with a charset, bare
 * `text/csv` for result files, and REST error arrays `[{"errorCode","message"}]`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

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
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size <= limit) chunks.push(buffer);
  }
  if (size > limit) throw new BodyTooLargeError(limit);
  return Buffer.concat(chunks);
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
export function sendCsv(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'Content-Type': 'text/csv', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Sends a status with no body (201 after an upload, 204 after a delete or reset). */
export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}
