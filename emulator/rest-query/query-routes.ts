/**
 * REST query: `GET …/query?q=SOQL` and `GET …/queryAll?q=SOQL` (deleted records too), answered from the SOQL
 * engine the Bulk APIs use, as `{ totalSize, done, nextRecordsUrl?, records }`. Results beyond one batch
 * (2000 records, or `Sforce-Query-Options: batchSize=N` from 200 to 2000) page through a server-side cursor:
 * `GET` on `nextRecordsUrl` (`…/query/01g…-2000`) answers the next page; an unknown, released or foreign
 * locator is 400 INVALID_QUERY_LOCATOR.
 *
 * Errors are those of Bulk query creation: MALFORMED_QUERY, INVALID_FIELD and INVALID_TYPE with Salesforce's
 * text. Valid SOQL outside the engine's subset (aggregates, GROUP BY, subqueries, OFFSET, TYPEOF, FIELDS(),
 * functions, deep relationship paths) is refused with MALFORMED_QUERY and a message saying that the emulator
 * does not support it, where Salesforce would answer it.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_queryall.htm
 */
import type { IncomingMessage } from 'node:http';
import type { Session, SessionStore } from '../auth/sessions.js';
import { requireRestSession } from '../auth/sessions.js';
import { restError, sendJson } from '../http/http-helpers.js';
import type { RouteContext, Router } from '../http/router.js';
import type { Org } from '../org/org.js';
import { SoqlError, SoqlUnsupportedError, UnsupportedFeature, prepareSoql } from '../soql/index.js';
import type { BoundQuery } from '../soql/index.js';
import { queryColumns } from './query-columns.js';
import { nextRecordsUrl, parseLocator } from './query-cursors.js';
import type { QueryCursor, QueryCursorStore } from './query-cursors.js';
import { matchingIds, pageRecords } from './query-records.js';

/** What the query resources use. */
export interface RestQueryDependencies {
  org: Org;
  sessions: SessionStore;
  cursors: QueryCursorStore;
  latestApiVersion: string;
}

const FIRST_QUERY_VERSION = 20;
/** queryAll arrived in API 29.0. */
const FIRST_QUERY_ALL_VERSION = 29;

/** Batch sizes a client may ask for; Salesforce's default is the maximum. */
const BATCH_SIZE = { min: 200, max: 2000 } as const;

/** The constructs outside the engine's subset, as the refusal names them. */
const UNSUPPORTED: Readonly<Record<UnsupportedFeature, string>> = {
  [UnsupportedFeature.Aggregate]: 'aggregate functions',
  [UnsupportedFeature.GroupBy]: 'GROUP BY',
  [UnsupportedFeature.Subquery]: 'subqueries',
  [UnsupportedFeature.Offset]: 'OFFSET',
  [UnsupportedFeature.TypeOf]: 'TYPEOF',
  [UnsupportedFeature.Fields]: 'FIELDS()',
  [UnsupportedFeature.Function]: 'functions in the SELECT list',
  [UnsupportedFeature.DeepRelationship]: 'relationship paths deeper than one level',
};

const invalidLocator = () => restError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');

function prepare(org: Org, soql: string): BoundQuery {
  try {
    return prepareSoql(org, soql);
  } catch (error) {
    if (error instanceof SoqlUnsupportedError) {
      const message = `The Salesforce emulator does not support ${UNSUPPORTED[error.feature]} in REST queries`;
      throw restError(400, 'MALFORMED_QUERY', message);
    }
    if (error instanceof SoqlError) throw restError(400, error.code, error.message);
    throw error;
  }
}

/**
 * The page size a client asked for with `Sforce-Query-Options: batchSize=N`. Salesforce treats the size as a
 * hint; values outside 200..2000 are brought into that range rather than refused.
 */
export function requestedBatchSize(req: IncomingMessage): number {
  const header = req.headers['sforce-query-options'];
  const match = /batchSize\s*=\s*(\d+)/i.exec(Array.isArray(header) ? header.join(',') : (header ?? ''));
  if (!match) return BATCH_SIZE.max;
  return Math.min(BATCH_SIZE.max, Math.max(BATCH_SIZE.min, Number(match[1])));
}

function sendPage(deps: RestQueryDependencies, context: RouteContext, cursor: QueryCursor, offset: number): void {
  const version = context.params['version'] ?? deps.latestApiVersion;
  const records = pageRecords(deps.org, cursor.query, cursor.ids, { offset, size: cursor.batchSize, version });
  const next = offset + cursor.batchSize;
  const done = next >= cursor.ids.length;
  const body = done
    ? { totalSize: cursor.ids.length, done, records }
    : { totalSize: cursor.ids.length, done, nextRecordsUrl: nextRecordsUrl(version, cursor, next), records };
  sendJson(context.res, 200, body);
}

async function runQuery(deps: RestQueryDependencies, context: RouteContext, session: Session, scanAll: boolean) {
  const soql = context.url.searchParams.get('q');
  if (soql === null || soql.trim() === '')
    throw restError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
  const query = prepare(deps.org, soql);
  // columns=true describes the columns instead of running the query.
  if (context.url.searchParams.get('columns') === 'true') return sendJson(context.res, 200, queryColumns(query));
  const ids = await matchingIds(deps.org, query, scanAll);
  const fields = { userId: session.userId, query, ids, batchSize: requestedBatchSize(context.req), scanAll };
  // A cursor is opened only when there is more than one page, as Salesforce hands out no locator otherwise.
  const cursor = ids.length > fields.batchSize ? deps.cursors.open(fields) : { ...fields, id: '', lastUsed: 0 };
  sendPage(deps, context, cursor, 0);
}

function nextPage(deps: RestQueryDependencies, context: RouteContext, session: Session): void {
  const locator = parseLocator(context.params['locator'] ?? '');
  const cursor = locator ? deps.cursors.find(locator.id, session.userId) : undefined;
  if (!locator || !cursor || locator.offset >= cursor.ids.length) throw invalidLocator();
  sendPage(deps, context, cursor, locator.offset);
}

/** Registers query and queryAll with their locator pages; each checks the version, then the session. */
export function addRestQueryRoutes(router: Router, deps: RestQueryDependencies): void {
  const guarded =
    (first: number, handler: (context: RouteContext, session: Session) => void | Promise<void>) =>
    (context: RouteContext) => {
      const version = Number(context.params['version']);
      if (version < first || version > Number(deps.latestApiVersion)) {
        throw restError(404, 'NOT_FOUND', 'The requested resource does not exist');
      }
      return handler(context, requireRestSession(context.req, deps.sessions));
    };
  const base = '/services/data/{version}';
  router.add(
    'GET',
    `${base}/query`,
    guarded(FIRST_QUERY_VERSION, (context, session) => runQuery(deps, context, session, false)),
  );
  router.add(
    'GET',
    `${base}/queryAll`,
    guarded(FIRST_QUERY_ALL_VERSION, (context, session) => runQuery(deps, context, session, true)),
  );
  const page = (context: RouteContext, session: Session) => nextPage(deps, context, session);
  router.add('GET', `${base}/query/{locator}`, guarded(FIRST_QUERY_VERSION, page));
  router.add('GET', `${base}/queryAll/{locator}`, guarded(FIRST_QUERY_ALL_VERSION, page));
}
