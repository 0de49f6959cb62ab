/**
 * The REST API's discovery resources: `GET /services/data` (Versions: every version the org serves, no session
 * needed) and `GET /services/data/vXX.X` (Resources by Version: the name and URI of each resource).
 *
 * The resource map lists only the resources the emulator serves (`sobjects`, `query`, `queryAll`, `limits`,
 * `jobs` and the caller's `identity` URL), where a real org lists dozens more (tooling, composite, search, …)
 * that would answer 404 here. Keys keep the order a real org writes them in.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_versions.htm
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_discoveryresource.htm
 */
import { requireRestSession } from '../auth/sessions.js';
import type { SessionStore } from '../auth/sessions.js';
import { restError, sendJson } from '../http/http-helpers.js';
import type { Router } from '../http/router.js';

/** What the discovery resources read. */
export interface VersionDependencies {
  sessions: SessionStore;
  /** The emulator's base URL: the host of identity URLs. */
  baseUrl: () => string;
  /** The org's newest API version, e.g. `62.0`. */
  latestApiVersion: string;
}

/** The oldest REST version the emulator answers (describe and query start there). */
export const FIRST_REST_VERSION = 20;
const SEASONS = ['Winter', 'Spring', 'Summer'] as const;

/** A release's label: 20.0 is Winter '11, and each release after it is one season later. */
export function releaseLabel(major: number): string {
  const step = major - FIRST_REST_VERSION;
  const year = String(11 + Math.floor(step / 3)).padStart(2, '0');
  return `${SEASONS[step % 3] ?? 'Winter'} '${year}`;
}

/** The Versions list, oldest first. */
export function versionList(latestApiVersion: string): Array<{ label: string; url: string; version: string }> {
  const versions = [];
  for (let major = FIRST_REST_VERSION; major <= Math.floor(Number(latestApiVersion)); major++) {
    const version = `${major}.0`;
    versions.push({ label: releaseLabel(major), url: `/services/data/v${version}`, version });
  }
  return versions;
}

/** The resources of one version; each appears from the version that brought it. */
function resourceMap(version: string, identityUrl: string): Record<string, string> {
  const base = `/services/data/v${version}`;
  const major = Number(version);
  const map: Record<string, string> = {};
  if (major >= 29) map['queryAll'] = `${base}/queryAll`;
  map['identity'] = identityUrl;
  if (major >= 29) map['limits'] = `${base}/limits`;
  map['query'] = `${base}/query`;
  if (major >= 41) map['jobs'] = `${base}/jobs`;
  map['sobjects'] = `${base}/sobjects`;
  return map;
}

/** Registers both resources. */
export function addVersionRoutes(router: Router, deps: VersionDependencies): void {
  router.add('GET', '/services/data', ({ res }) => sendJson(res, 200, versionList(deps.latestApiVersion)));
  router.add('GET', '/services/data/{version}', ({ req, res, params }) => {
    const version = params['version'] ?? '';
    if (Number(version) < FIRST_REST_VERSION || Number(version) > Number(deps.latestApiVersion)) {
      throw restError(404, 'NOT_FOUND', 'The requested resource does not exist');
    }
    const session = requireRestSession(req, deps.sessions);
    const identityUrl = `${deps.baseUrl()}/id/${session.orgId}/${session.userId}`;
    sendJson(res, 200, resourceMap(version, identityUrl));
  });
}
