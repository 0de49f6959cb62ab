/**
 * Error answers written outside any handler (faults, exhausted limits) in the dialect of the API the request
 * was for: Bulk v1 (`/services/async/…`) gets its `error` document, XML or JSON like the request; everything
 * else gets the REST array `[{"errorCode","message"}]`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** One error in both dialects. */
export interface WireError {
  status: number;
  /** REST / Bulk 2.0 `errorCode`, e.g. `REQUEST_LIMIT_EXCEEDED`. */
  errorCode: string;
  /** Bulk v1 `exceptionCode`, e.g. `ExceededQuota`. */
  exceptionCode: string;
  message: string;
  headers?: Record<string, string>;
}

const V1_NAMESPACE = 'http://www.force.com/2009/06/asyncapi/dataload';

const xmlEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** True for a Bulk v1 request. */
export function isBulkV1Path(pathname: string): boolean {
  return pathname.startsWith('/services/async/');
}

/** True for a REST or Bulk 2.0 request. */
export function isRestPath(pathname: string): boolean {
  return pathname.startsWith('/services/data/');
}

function wantsJson(req: IncomingMessage): boolean {
  return /json/i.test(`${req.headers['content-type'] ?? ''} ${req.headers.accept ?? ''}`);
}

/** Writes the error in the request's dialect. */
export function sendWireError(req: IncomingMessage, res: ServerResponse, pathname: string, error: WireError): void {
  let body: string;
  let contentType: string;
  if (!isBulkV1Path(pathname)) {
    body = JSON.stringify([{ errorCode: error.errorCode, message: error.message }]);
    contentType = 'application/json;charset=UTF-8';
  } else if (wantsJson(req)) {
    body = JSON.stringify({ exceptionCode: error.exceptionCode, exceptionMessage: error.message });
    contentType = 'application/json';
  } else {
    body =
      `<?xml version="1.0" encoding="UTF-8"?><error xmlns="${V1_NAMESPACE}">` +
      `<exceptionCode>${xmlEscape(error.exceptionCode)}</exceptionCode>` +
      `<exceptionMessage>${xmlEscape(error.message)}</exceptionMessage></error>`;
    contentType = 'application/xml';
  }
  res.writeHead(error.status, {
    ...error.headers,
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** The body of an injected 5xx: Salesforce's UNKNOWN_EXCEPTION with an error id, or SERVER_UNAVAILABLE for 503. */
export function serverError(status: number): WireError {
  if (status === 503) {
    const message = 'Server temporarily unavailable, please try again later.';
    return { status, errorCode: 'SERVER_UNAVAILABLE', exceptionCode: 'InternalServerError', message };
  }
  const errorId = `${Math.floor(Date.now() / 1000)}-${process.pid} (${status})`;
  const message = `An unexpected error occurred. Please include this ErrorId if you contact support: ${errorId}`;
  return { status, errorCode: 'UNKNOWN_EXCEPTION', exceptionCode: 'InternalServerError', message };
}
