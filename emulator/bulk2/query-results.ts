/**
 * Result pages of a completed query job. Each page is a standalone CSV (its own header row, every value
 * double-quoted, null as `""`) in the job's delimiter and line ending. Locators are opaque to clients but
 * stable: the base64 text of the row offset (and, for the bounded pages handed out by `resultPages`, the
 * offset where the page ends), as real ones look (`MTAwMDA` is `10000`), so any page can be fetched again.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_get_job_results.htm
 */
import { DELIMITER_CHARACTERS, newlineOf, quoteCsv } from './csv.js';
import type { QueryJob } from './query-jobs.js';

/** Where a page starts and, for a bounded page, where it must stop. */
export interface PageCursor {
  offset: number;
  end?: number;
}

/**
 * One page: its CSV text in blocks (see `csvBlocks`, made as they are asked for), row count, and the locator of
 * the next page (undefined on the last). The count and locator are known before the first block.
 */
export interface ResultPage {
  blocks: Iterable<string | Buffer>;
  numberOfRecords: number;
  nextLocator?: string;
}

/** Encodes a cursor as a locator. */
export function encodeLocator(cursor: PageCursor): string {
  const text = cursor.end === undefined ? String(cursor.offset) : `${cursor.offset}-${cursor.end}`;
  return Buffer.from(text, 'utf8').toString('base64').replace(/=+$/, '');
}

/** Decodes a locator; undefined when it is not one this emulator handed out. */
export function decodeLocator(locator: string): PageCursor | undefined {
  if (!/^[A-Za-z0-9+/]+$/.test(locator)) return undefined;
  const match = /^(\d+)(?:-(\d+))?$/.exec(Buffer.from(locator, 'base64').toString('utf8'));
  if (!match) return undefined;
  const offset = Number(match[1]);
  return match[2] === undefined ? { offset } : { offset, end: Number(match[2]) };
}

/** One page of results starting at the cursor, at most `maxRecords` rows (all remaining when undefined). */
export function resultPage(job: QueryJob, cursor: PageCursor, maxRecords: number | undefined): ResultPage {
  const fields = job.result?.fields ?? [];
  const total = job.result?.rows.rows ?? 0;
  const stop = Math.min(total, cursor.end ?? Number.POSITIVE_INFINITY);
  const end = Math.min(stop, maxRecords === undefined ? stop : cursor.offset + maxRecords);
  const count = Math.max(0, end - cursor.offset);
  const delimiter = DELIMITER_CHARACTERS[job.columnDelimiter];
  const headerLine = fields.map(quoteCsv).join(delimiter) + newlineOf(job.lineEnding);
  const spool = job.result?.rows;
  const blocks = (function* () {
    yield headerLine;
    if (spool && count > 0) yield* spool.blocks(cursor.offset, end);
  })();
  const page: ResultPage = { blocks, numberOfRecords: count };
  if (end < stop)
    page.nextLocator = encodeLocator(cursor.end === undefined ? { offset: end } : { offset: end, end: stop });
  return page;
}

/** Rows per page in `resultPages` links, and links per response (Salesforce hands out up to five). */
export const PARALLEL_PAGE_ROWS = 50_000;
export const PAGES_PER_RESPONSE = 5;

/** The `resultPages` response for the group of pages starting at page `firstPage`. */
export function parallelPages(
  job: QueryJob,
  basePath: string,
  firstPage: number,
  pageRows = PARALLEL_PAGE_ROWS,
): Record<string, unknown> {
  const total = job.result?.rows.rows ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / pageRows));
  const last = Math.min(pageCount, firstPage + PAGES_PER_RESPONSE);
  const resultPages = [];
  for (let page = firstPage; page < last; page++) {
    const offset = page * pageRows;
    const locator = encodeLocator({ offset, end: Math.min(total, offset + pageRows) });
    resultPages.push({ resultUrl: `${basePath}/results?locator=${locator}` });
  }
  const done = last >= pageCount;
  const nextRecordsUrl = done ? null : `${basePath}/resultPages?locator=${encodeLocator({ offset: last })}`;
  return { resultPages, nextRecordsUrl, done };
}
