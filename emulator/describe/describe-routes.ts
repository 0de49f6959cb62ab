/**
 * sObject describe over REST: describeGlobal (`GET …/sobjects`), an object's basic information
 * (`GET …/sobjects/{Object}`) and its full describe (`GET …/sobjects/{Object}/describe`), for every object the
 * org has, custom objects and custom fields included. Object names match case-insensitively and come back as
 * the schema spells them, as Salesforce does; an unknown object is 404 NOT_FOUND.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_describeGlobal.htm
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
 */
import type { SessionStore } from '../auth/sessions.js';
import { requireRestSession } from '../auth/sessions.js';
import { restError, sendJson } from '../http/http-helpers.js';
import type { RouteContext, Router } from '../http/router.js';
import type { Org } from '../org/org.js';
import type { SObjectSchema } from '../org/schemas.js';
import { describeGlobalEntry, describeSObject } from './describe-format.js';

/** What the describe resources read. */
export interface DescribeDependencies {
  org: Org;
  sessions: SessionStore;
  latestApiVersion: string;
}

/** The oldest REST API version the emulator answers describe calls at. */
const FIRST_DESCRIBE_VERSION = 20;

/** Salesforce's DML batch limit for SOAP/REST writes, reported by describeGlobal. */
const MAX_BATCH_SIZE = 200;

const notFound = () => restError(404, 'NOT_FOUND', 'The requested resource does not exist');

function sortedObjects(org: Org): SObjectSchema[] {
  // describeGlobal lists objects by API name.
  return org.schemas.list().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function findObject(deps: DescribeDependencies, context: RouteContext): SObjectSchema {
  const schema = deps.org.schemas.get(context.params['object'] ?? '');
  if (!schema) throw notFound();
  return schema;
}

/** Registers the describe resources; each checks the version, then the session, like the other REST routes. */
export function addDescribeRoutes(router: Router, deps: DescribeDependencies): void {
  const guarded = (handler: (context: RouteContext, version: string) => void) => (context: RouteContext) => {
    const version = context.params['version'] ?? '';
    if (Number(version) < FIRST_DESCRIBE_VERSION || Number(version) > Number(deps.latestApiVersion)) {
      throw notFound();
    }
    requireRestSession(context.req, deps.sessions);
    handler(context, version);
  };
  const base = '/services/data/{version}/sobjects';
  router.add(
    'GET',
    base,
    guarded(({ res }, version) => {
      const sobjects = sortedObjects(deps.org).map((schema) => describeGlobalEntry(schema, version));
      sendJson(res, 200, { encoding: 'UTF-8', maxBatchSize: MAX_BATCH_SIZE, sobjects });
    }),
  );
  router.add(
    'GET',
    `${base}/{object}`,
    guarded((context, version) => {
      // The basic information resource: the describeGlobal entry, plus recently viewed records (none here).
      const objectDescribe = describeGlobalEntry(findObject(deps, context), version);
      sendJson(context.res, 200, { objectDescribe, recentItems: [] });
    }),
  );
  router.add(
    'GET',
    `${base}/{object}/describe`,
    guarded((context, version) => {
      const schema = findObject(deps, context);
      sendJson(context.res, 200, describeSObject(schema, deps.org.schemas.list(), version));
    }),
  );
}
