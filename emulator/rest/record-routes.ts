/**
 * Reading one record over REST: `GET …/sobjects/{Object}/{id}[?fields=A,B]`, the record's fields in the
 * object's field order after its `attributes`, or only the fields asked for (unknown ones answer 400
 * `INVALID_FIELD`). A record that does not exist, or is in the recycle bin, answers 404 `NOT_FOUND`, as
 * Salesforce does. Writing records over REST (POST, PATCH, DELETE) is not emulated. The sf CLI reads the
 * logged-in `User` this way after `org login access-token`.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_retrieve_get.htm
 */
import { requireRestSession } from '../auth/sessions.js';
import type { SessionStore } from '../auth/sessions.js';
import { restError, sendJson } from '../http/http-helpers.js';
import type { RouteContext, Router } from '../http/router.js';
import type { Org } from '../org/org.js';
import { findField } from '../org/schemas.js';
import type { FieldSchema, SObjectSchema } from '../org/schemas.js';
import { FIRST_REST_VERSION } from './version-routes.js';

/** What the record resource reads. */
export interface RecordDependencies {
  org: Org;
  sessions: SessionStore;
  latestApiVersion: string;
}

const notFound = () => restError(404, 'NOT_FOUND', 'The requested resource does not exist');

function requestedFields(schema: SObjectSchema, url: URL): readonly FieldSchema[] {
  const list = url.searchParams.get('fields');
  if (list === null || list.trim() === '') return schema.fields;
  return list.split(',').map((name) => {
    const field = findField(schema, name.trim());
    if (!field)
      throw restError(400, 'INVALID_FIELD', `No such column '${name.trim()}' on sobject of type ${schema.name}`);
    return field;
  });
}

function getRecord(deps: RecordDependencies, { req, res, url, params }: RouteContext): void {
  const version = params['version'] ?? '';
  if (Number(version) < FIRST_REST_VERSION || Number(version) > Number(deps.latestApiVersion)) throw notFound();
  requireRestSession(req, deps.sessions);
  const schema = deps.org.schemas.get(params['object'] ?? '');
  if (!schema) throw notFound();
  const record = deps.org.getRecord(schema.name, params['id'] ?? '');
  if (!record || record['IsDeleted'] === true) throw notFound();
  const id = String(record['Id']);
  const body: Record<string, unknown> = {
    attributes: { type: schema.name, url: `/services/data/v${version}/sobjects/${schema.name}/${id}` },
  };
  for (const field of requestedFields(schema, url)) body[field.name] = record[field.name] ?? null;
  sendJson(res, 200, body);
}

/** Registers the record resource; add it after `…/sobjects/{Object}/describe`, which it would otherwise shadow. */
export function addRecordRoutes(router: Router, deps: RecordDependencies): void {
  router.add('GET', '/services/data/{version}/sobjects/{object}/{id}', (context) => getRecord(deps, context));
}
