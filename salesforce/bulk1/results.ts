/**
 * Bulk v1 ingest results: one result per input record, in the order of the batch request, as CSV
 * (`"Id","Success","Created","Error"`), XML (`<results>`) or JSON (an array). They are read into one shape and
 * matched to the input rows by position, with a count check that refuses to hide a missing or extra row.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_batches_get_results.htm
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_batches_failed_records.htm
 */
import { Readable } from 'node:stream';
import { ResultMismatchError } from '../../common/errors.js';
import { readCsvRows } from '../../csv/csv.js';
import { unexpectedAnswer, type Bulk1Syntax } from './job-info.js';
import { parseXml } from './xml.js';
import type { Bulk1BatchInfo, Bulk1IngestResult, Bulk1RecordError } from './types.js';

/** Writes errors the way CSV results do: `CODE:message:Field1,Field2 --`, or `CODE:message:--` without fields. */
export function formatRecordErrors(errors: readonly Bulk1RecordError[]): string {
  return errors
    .map((e) => `${e.statusCode}:${e.message}:${e.fields.length > 0 ? `${e.fields.join(',')} ` : ''}--`)
    .join(' ');
}

/** Reads the CSV `Error` cell back into its parts (the message may itself hold colons). */
export function parseRecordError(text: string): Bulk1RecordError[] {
  if (text === '') return [];
  const code = /^([A-Z_]+):/.exec(text);
  if (!code?.[1]) return [{ statusCode: 'UNKNOWN', message: text, fields: [] }];
  const rest = text.slice(code[0].length).replace(/\s*--\s*$/, '');
  const lastColon = rest.lastIndexOf(':');
  if (lastColon < 0) return [{ statusCode: code[1], message: rest, fields: [] }];
  const fields = rest.slice(lastColon + 1).trim();
  return [
    {
      statusCode: code[1],
      message: rest.slice(0, lastColon),
      fields: fields === '' ? [] : fields.split(',').map((f) => f.trim()),
    },
  ];
}

function bool(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

async function* csvResults(body: Readable): AsyncGenerator<Bulk1IngestResult> {
  let columns: Map<string, number> | undefined;
  for await (const row of readCsvRows(body)) {
    if (!columns) {
      columns = new Map(row.map((name, i) => [name.trim().toLowerCase(), i]));
      if (!columns.has('success')) throw unexpectedAnswer(`CSV results without a Success column`, row.join(','));
      continue;
    }
    const cell = (name: string) => {
      const i = columns?.get(name);
      return i === undefined ? '' : (row[i] ?? '');
    };
    const error = cell('error');
    yield {
      id: cell('id') || undefined,
      success: bool(cell('success')),
      created: bool(cell('created')),
      errors: parseRecordError(error),
      error,
    };
  }
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

function toRecordError(value: unknown): Bulk1RecordError {
  const fields = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  return {
    statusCode: typeof fields['statusCode'] === 'string' ? fields['statusCode'] : 'UNKNOWN',
    message: typeof fields['message'] === 'string' ? fields['message'] : '',
    fields: asArray(fields['fields']).filter((f): f is string => typeof f === 'string'),
  };
}

/** One XML `<result>` or JSON result object. */
function toResult(value: unknown, body: string): Bulk1IngestResult {
  if (typeof value !== 'object' || value === null) throw unexpectedAnswer('a result that is not a record', body);
  const fields = value as Record<string, unknown>;
  const id = typeof fields['id'] === 'string' && fields['id'] !== '' ? fields['id'] : undefined;
  const errors = asArray(fields['errors']).map(toRecordError);
  return {
    id,
    success: bool(fields['success']),
    created: bool(fields['created']),
    errors,
    error: formatRecordErrors(errors),
  };
}

/**
 * Yields a batch's ingest results in order. CSV is read as it streams; an XML or JSON answer (at most 10,000
 * results, one batch's worth) is read whole first.
 */
export async function* readIngestResults(body: Readable, syntax: Bulk1Syntax): AsyncGenerator<Bulk1IngestResult> {
  if (syntax === 'csv') {
    yield* csvResults(body);
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  const text = Buffer.concat(chunks).toString('utf8');
  let list: unknown;
  try {
    list =
      syntax === 'json'
        ? JSON.parse(text)
        : asArray((parseXml(text)['results'] as Record<string, unknown>)?.['result']);
  } catch (err) {
    throw unexpectedAnswer(`unreadable results (${(err as Error).message})`, text);
  }
  if (!Array.isArray(list)) throw unexpectedAnswer('results that are not a list', text);
  for (const item of list) yield toResult(item, text);
}

/** What became of one input row of a batch. */
export type Bulk1RowOutcome<T> =
  | { index: number; input: T; status: 'success'; result: Bulk1IngestResult }
  | { index: number; input: T; status: 'failed'; result: Bulk1IngestResult }
  /** The batch failed, or was never run (job aborted), before reaching this row; `reason` says why. */
  | { index: number; input: T; status: 'unprocessed'; reason: string };

async function* iterate<T>(items: AsyncIterable<T> | Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

/**
 * Pairs every input row of a batch with its result by position: the n-th result is the n-th row's.
 *
 * A `Completed` batch must have exactly one result per row. A `Failed` or `NotProcessed` batch may have results
 * for a leading part of its rows (or none); the rows after them are `unprocessed`. Anything else throws
 * {@link ResultMismatchError}: more results than rows, or a completed batch with rows left over.
 */
export async function* matchBatchResults<T>(
  batch: Pick<Bulk1BatchInfo, 'id' | 'state' | 'stateMessage'>,
  inputs: AsyncIterable<T> | Iterable<T>,
  results: AsyncIterable<Bulk1IngestResult> | Iterable<Bulk1IngestResult>,
): AsyncGenerator<Bulk1RowOutcome<T>> {
  const resultIterator = iterate(results);
  let index = 0;
  let resultsLeft = true;
  for await (const input of iterate(inputs)) {
    const next = resultsLeft ? await resultIterator.next() : { done: true as const, value: undefined };
    if (next.done) {
      resultsLeft = false;
      if (batch.state !== 'Failed' && batch.state !== 'NotProcessed') {
        throw new ResultMismatchError(
          `Batch ${batch.id} (${batch.state}) has ${index} results but more input rows; row ${index} has no result.`,
        );
      }
      const reason =
        batch.stateMessage ?? (batch.state === 'Failed' ? 'The batch failed.' : 'The batch was not processed.');
      yield { index, input, status: 'unprocessed', reason };
    } else {
      yield { index, input, status: next.value.success ? 'success' : 'failed', result: next.value };
    }
    index += 1;
  }
  if (resultsLeft && !(await resultIterator.next()).done) {
    throw new ResultMismatchError(`Batch ${batch.id} has more results than its ${index} input rows.`);
  }
}

/** The data rows of a CSV batch as `column → value` records (the header row names the columns). */
export async function* csvRecords(body: Readable): AsyncGenerator<Record<string, string>> {
  let header: string[] | undefined;
  for await (const row of readCsvRows(body)) {
    if (!header) {
      header = row;
      continue;
    }
    const record: Record<string, string> = {};
    header.forEach((name, i) => (record[name] = row[i] ?? ''));
    yield record;
  }
}

/** A body as a stream, for tests and callers that hold results as text. */
export function textStream(text: string): Readable {
  return Readable.from([Buffer.from(text, 'utf8')]);
}
