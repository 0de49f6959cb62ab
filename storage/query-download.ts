/**
 * Downloading a query's results into the staging store as parts, one per Bulk 2.0 page or v1 result file, each
 * saved whole and counted, and reported as it is saved (`onSaved`), so a retry after a crash fetches only the
 * parts it lacks.
 *
 * Bulk 2.0 pages come from `resultPages` (API 58.0+), a few at a time in parallel, so that Salesforce writing
 * one page overlaps with this worker saving another; with an explicit page size (`maxRecords`), or an older API
 * version, they follow each other by `Sforce-Locator`.
 */
import { forEachBounded } from '../common/bounded.js';
import { ResultMismatchError } from '../common/errors.js';
import type { ResultFileRef } from '../common/result-files.js';
import { StagingKeys } from '../common/staging-keys.js';
import { countRecords, saveAndCount } from '../csv/tally.js';
import type { SalesforceClient } from '../salesforce/client.js';
import type { BulkApi } from '../common/wire-values.js';
import type { StagingStore } from './staging-store.js';

/** Which query, where its parts go, and how its pages are cut. */
export interface QueryDownload {
  jobId: string;
  api: BulkApi;
  /** The API version the job was created with, which its results must be fetched at (the caller's client speaks it). */
  apiVersion?: string;
  stagingPrefix: string;
  /**
   * Bulk 2.0 rows per page, pages then fetched one after another by locator. @default Salesforce's page size,
   * pages fetched in parallel from `resultPages` (API 58.0+; by locator, 50,000 rows a page, before that)
   */
  maxRecords?: number;
}

/** What a download has saved so far: what a retry resumes from. */
export interface QueryDownloadProgress {
  parts: ResultFileRef[];
  /** Bulk 2.0 by locator: the locator of the next page; absent before the first page. */
  nextLocator?: string;
  finished?: boolean;
  /**
   * Bulk 2.0 from `resultPages`: `[page index, rows]` of each page saved so far, in any order. A page's part
   * key follows from its index, and Salesforce's locators are stable while the job exists, so a retry lists
   * the pages again and fetches only the missing ones.
   */
  pages?: Array<[number, number]>;
}

/** Pages fetched at once from `resultPages`: enough to overlap Salesforce's work with ours. */
const PARALLEL_PAGES = 3;
/** Rows per page when pages follow each other by locator and no size is asked for. */
const LOCATOR_PAGE_ROWS = 50_000;

/**
 * Downloads every part of `query` not yet in `progress`, telling `onSaved` after each part (the activity
 * heartbeats it); returns the parts in order.
 */
export async function downloadQueryParts(
  salesforce: SalesforceClient,
  staging: StagingStore,
  query: QueryDownload,
  progress: QueryDownloadProgress,
  onSaved: (progress: QueryDownloadProgress) => void,
): Promise<ResultFileRef[]> {
  const v2 = salesforce.bulk2Query;
  const partKey = (index: number) => StagingKeys.queryPart(query.stagingPrefix, query.jobId, index);

  /** Saves one page as a part, checking its row count against `Sforce-NumberOfRecords`. */
  async function savePage(index: number, locator: string | undefined, maxRecords?: number) {
    const page = await v2.openPage(query.jobId, {
      ...(locator ? { locator } : {}),
      ...(maxRecords ? { maxRecords } : {}),
    });
    const key = partKey(index);
    const rows = await saveAndCount(page.body, staging.openWrite(key));
    if (page.numberOfRecords !== undefined && page.numberOfRecords !== rows) {
      throw new ResultMismatchError(
        `Query job ${query.jobId} page ${index + 1} has ${rows} rows, Sforce-NumberOfRecords ${page.numberOfRecords}`,
      );
    }
    return { part: { url: staging.urlFor(key), rows }, nextLocator: page.nextLocator };
  }

  /** Pages one after another, each page's `Sforce-Locator` naming the next. */
  async function byLocator(): Promise<ResultFileRef[]> {
    while (!progress.finished) {
      const index = progress.parts.length;
      const { part, nextLocator } = await savePage(index, progress.nextLocator, query.maxRecords ?? LOCATOR_PAGE_ROWS);
      progress.parts.push(part);
      if (nextLocator) progress.nextLocator = nextLocator;
      else progress.finished = true;
      onSaved(progress);
    }
    return progress.parts;
  }

  /** Pages listed by `resultPages` and fetched a few at a time; pages an earlier attempt saved are kept. */
  async function inParallel(saved: Array<[number, number]>): Promise<ResultFileRef[]> {
    const rowsOf = new Map(saved);
    const parts: ResultFileRef[] = [];
    await forEachBounded(v2.resultPageLocators(query.jobId), PARALLEL_PAGES, async (locator, index) => {
      const rows = rowsOf.get(index);
      const url = staging.urlFor(partKey(index));
      if (rows !== undefined && (await staging.exists(url))) {
        parts[index] = { url, rows };
        return;
      }
      parts[index] = (await savePage(index, locator)).part;
      rowsOf.set(index, parts[index].rows);
      onSaved({ parts: [], pages: [...rowsOf] });
    });
    return parts;
  }

  /** Bulk v1: the result files of every batch, one after another. */
  async function bulk1Files(): Promise<ResultFileRef[]> {
    const v1 = salesforce.bulk1;
    for (const file of (await v1.query.files(query.jobId)).slice(progress.parts.length)) {
      const key = partKey(file.index);
      await v1.query.download(query.jobId, file.batchId, file.resultId, staging.openWrite(key));
      // v1 result files are counted once saved (a file of "Records not found" is saved empty).
      progress.parts.push({
        url: staging.urlFor(key),
        rows: await countRecords(staging.openRead(staging.urlFor(key))),
      });
      onSaved(progress);
    }
    return progress.parts;
  }

  if (query.api === '1.0') return bulk1Files();
  // By locator when a page size is asked for, before API 58.0, or to go on with an attempt that did.
  const locatorPaging =
    progress.pages === undefined && (query.maxRecords !== undefined || !v2.hasResultPages || progress.parts.length > 0);
  return locatorPaging ? byLocator() : inParallel(progress.pages ?? []);
}
