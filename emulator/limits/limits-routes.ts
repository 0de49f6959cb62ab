/**
 * `GET /services/data/vXX.X/limits`: the org's limits as `{ "<Name>": { "Max": n, "Remaining": m } }`. The call
 * itself is an API request and is counted before the answer is written, as Salesforce does.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_limits.htm
 */
import type { SessionStore } from '../auth/sessions.js';
import { requireRestSession } from '../auth/sessions.js';
import { restError, sendJson } from '../http/http-helpers.js';
import type { Router } from '../http/router.js';
import type { ApiLimits } from './api-limits.js';

/** What the limits resource reads. */
export interface LimitsDependencies {
  sessions: SessionStore;
  limits: ApiLimits;
  latestApiVersion: string;
}

/** The limits resource exists from API 29.0 on. */
const FIRST_LIMITS_VERSION = 29;

/** Registers the limits resource. */
export function addLimitsRoutes(router: Router, deps: LimitsDependencies): void {
  router.add('GET', '/services/data/{version}/limits', ({ res, req, params }) => {
    const version = Number(params['version']);
    if (version < FIRST_LIMITS_VERSION || version > Number(deps.latestApiVersion)) {
      throw restError(404, 'NOT_FOUND', 'The requested resource does not exist');
    }
    requireRestSession(req, deps.sessions);
    sendJson(res, 200, deps.limits.snapshot());
  });
}
