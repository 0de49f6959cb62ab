/**
 * Server-side cursors of REST queries whose results span several pages. A cursor keeps the query and the ids
 * of its matching records in result order, evaluated once when the query ran; each page then reads its records
 * as they stand, so the page is built from at most a batch of records and never the whole result.
 *
 * As in Salesforce: the locator is an `01g` id and a row offset (`01g…-2000`), a cursor lives 15 minutes after
 * its last use, and a user keeps at most 10 open cursors (opening an eleventh releases the oldest). A cursor
 * stays usable after its last page has been read, until one of those releases it.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm
 */
import { makeId } from '../org/ids.js';
import type { BoundQuery } from '../soql/index.js';

/** One open cursor. */
export interface QueryCursor {
  /** The 18-character `01g` id in the locator. */
  readonly id: string;
  readonly userId: string;
  readonly query: BoundQuery;
  /** Ids of the matching records, in result order. */
  readonly ids: readonly string[];
  /** Records per page, fixed when the query ran. */
  readonly batchSize: number;
  /** queryAll cursors page under `…/queryAll/…`. */
  readonly scanAll: boolean;
  lastUsed: number;
}

/** What a new cursor is made of. */
export type NewQueryCursor = Omit<QueryCursor, 'id' | 'lastUsed'>;

/** Idle time after which Salesforce releases a query cursor. */
export const CURSOR_IDLE_MS = 15 * 60 * 1000;
/** Open cursors per user. */
export const CURSORS_PER_USER = 10;

/** Key prefix of query locators. */
const LOCATOR_PREFIX = '01g';
/** Sequence numbers start where ids look like real ones: mixed digits and letters of both cases. */
const FIRST_SEQUENCE = 987_654_321;

const LOCATOR = /^(01g[0-9A-Za-z]{15})-(\d{1,10})$/;

/** A locator's cursor id and row offset, or undefined when the text is no locator. */
export function parseLocator(text: string): { id: string; offset: number } | undefined {
  const match = LOCATOR.exec(text);
  if (!match) return undefined;
  return { id: match[1] ?? '', offset: Number(match[2]) };
}

/** The URL of the page starting at `offset`, under the version the client asked at. */
export function nextRecordsUrl(version: string, cursor: QueryCursor, offset: number): string {
  return `/services/data/v${version}/${cursor.scanAll ? 'queryAll' : 'query'}/${cursor.id}-${offset}`;
}

/** The open cursors of the org. */
export class QueryCursorStore {
  /** In opening order, so the first of a user's is their oldest. */
  readonly #cursors = new Map<string, QueryCursor>();
  #sequence = FIRST_SEQUENCE;

  constructor(readonly now: () => number = Date.now) {}

  /** Opens a cursor, releasing idle ones and the user's oldest beyond the limit. */
  open(fields: NewQueryCursor): QueryCursor {
    this.#releaseIdle();
    const own = [...this.#cursors.values()].filter((cursor) => cursor.userId === fields.userId);
    for (const old of own.slice(0, Math.max(0, own.length - CURSORS_PER_USER + 1))) this.#cursors.delete(old.id);
    const cursor: QueryCursor = { ...fields, id: makeId(LOCATOR_PREFIX, this.#sequence++), lastUsed: this.now() };
    this.#cursors.set(cursor.id, cursor);
    return cursor;
  }

  /** The user's live cursor with this id, marked as used; undefined when unknown, released or someone else's. */
  find(id: string, userId: string): QueryCursor | undefined {
    this.#releaseIdle();
    const cursor = this.#cursors.get(id);
    if (!cursor || cursor.userId !== userId) return undefined;
    cursor.lastUsed = this.now();
    return cursor;
  }

  /** How many cursors are open (for tests and stats). */
  get size(): number {
    return this.#cursors.size;
  }

  clear(): void {
    this.#cursors.clear();
  }

  #releaseIdle(): void {
    const cutoff = this.now() - CURSOR_IDLE_MS;
    for (const [id, cursor] of this.#cursors) {
      if (cursor.lastUsed <= cutoff) this.#cursors.delete(id);
    }
  }
}
