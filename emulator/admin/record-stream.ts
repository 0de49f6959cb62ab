/**
 * `GET /__emulator/sobjects/{Object}/records` as a stream: the object's records read a batch at a time and
 * written as they are read, as one JSON array (the default: the same bytes `JSON.stringify` of the whole array
 * gives) or as JSON lines (`?format=jsonl`, or `Accept: application/x-ndjson`), so an org of millions of records
 * is never held as one string. `?limit=N&after=<Id>` pages through them in creation order: a full page carries
 * `Emulator-Next-After: <last Id>`, the `after` of the next page.
 */
import { restError } from '../http/http-helpers.js';
import { normalizeId } from '../org/ids.js';
import type { Org } from '../org/org.js';

/** What the request asks for. */
export interface RecordsRequest {
  includeDeleted: boolean;
  jsonLines: boolean;
  limit?: number;
  after?: string;
}

/** Characters of JSON per block written. */
const BLOCK_CHARS = 64 * 1024;

/** Reads the query string and Accept header; a bad `limit` or `after` is a 400. */
export function recordsRequest(params: URLSearchParams, accept: string): RecordsRequest {
  const format = params.get('format');
  if (format !== null && format !== 'json' && format !== 'jsonl') {
    throw restError(400, 'INVALID_PARAMETER', `format must be json or jsonl, got '${format}'`);
  }
  const jsonLines = format === 'jsonl' || (format === null && accept.toLowerCase().includes('application/x-ndjson'));
  const request: RecordsRequest = { includeDeleted: params.get('includeDeleted') === 'true', jsonLines };
  const limit = params.get('limit');
  if (limit !== null) {
    const value = Number(limit);
    if (!Number.isInteger(value) || value < 1) {
      throw restError(400, 'INVALID_PARAMETER', `limit must be a positive integer, got '${limit}'`);
    }
    request.limit = value;
  }
  const after = params.get('after');
  if (after !== null) {
    const id = normalizeId(after);
    if (id === undefined) throw restError(400, 'INVALID_PARAMETER', `after must be a record id, got '${after}'`);
    request.after = id;
  }
  return request;
}

/** The response's headers and body blocks; the body is read as it is sent. */
export function recordBlocks(
  org: Org,
  objectName: string,
  request: RecordsRequest,
): { headers: Record<string, string>; blocks: Iterable<string> } {
  const options = { includeDeleted: request.includeDeleted, ...(request.after ? { afterId: request.after } : {}) };
  const records = org.records(objectName, options);
  const limit = request.limit ?? Number.POSITIVE_INFINITY;
  const headers: Record<string, string> = {
    'Content-Type': request.jsonLines ? 'application/x-ndjson;charset=UTF-8' : 'application/json;charset=UTF-8',
  };
  // The next page's start is known only once the page is read; a limited page is read ahead (it is bounded).
  if (request.limit !== undefined) {
    const page: string[] = [];
    let last: string | undefined;
    for (const record of records) {
      page.push(JSON.stringify(record));
      last = String(record['Id']);
      if (page.length >= limit) break;
    }
    if (page.length >= limit && last !== undefined) headers['Emulator-Next-After'] = last;
    return { headers, blocks: joined(page, request.jsonLines) };
  }
  const texts = (function* () {
    for (const record of records) yield JSON.stringify(record);
  })();
  return { headers, blocks: joined(texts, request.jsonLines) };
}

/** Records' JSON texts as an array (`[a,b]`) or as lines (`a\nb\n`), in blocks of about 64 KB. */
function* joined(texts: Iterable<string>, jsonLines: boolean): Generator<string, void, undefined> {
  let block = jsonLines ? '' : '[';
  let first = true;
  for (const text of texts) {
    block += jsonLines ? `${text}\n` : first ? text : `,${text}`;
    first = false;
    if (block.length >= BLOCK_CHARS) {
      yield block;
      block = '';
    }
  }
  if (!jsonLines) block += ']';
  if (block !== '') yield block;
}
