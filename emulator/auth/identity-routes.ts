/**
 * Who is logged in: the identity URL (`GET /id/{orgId}/{userId}`, the `id` of every token response and the
 * `identity` of the REST resource map) and OpenID Connect's UserInfo endpoint (`GET|POST
 * /services/oauth2/userinfo`), both for the user of the access token, sent as `Authorization: Bearer` or as the
 * `oauth_token` parameter (jsforce's `identity()` sends the latter).
 *
 * A missing token answers 403 `Missing_OAuth_Token`, an unknown or expired one 403 `Bad_OAuth_Token`, an
 * identity URL of another org 403 `Wrong_Org` and of another user 404 `Bad_Id` (plain text, as the identity
 * service words its errors). Photos point at the emulator and serve nothing.
 * @see https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_openid.htm
 * @see https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_userinfo_endpoint.htm
 */
import type { ServerResponse } from 'node:http';
import type { RouteContext, Router } from '../http/router.js';
import type { Org } from '../org/org.js';
import type { OrgUser } from './credentials.js';
import { restAccessToken } from './sessions.js';
import type { Session, SessionStore } from './sessions.js';
import { identityDocument, userInfoDocument } from './identity-format.js';

/** What the identity resources read. */
export interface IdentityDependencies {
  sessions: SessionStore;
  users: readonly OrgUser[];
  org: Org;
  /** The emulator's base URL: the host of identity URLs and of the URLs they list. */
  baseUrl: () => string;
  latestApiVersion: string;
}

class IdentityError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

function sendPlain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain;charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sessionOf(deps: IdentityDependencies, { req, url }: RouteContext): Session {
  const token = restAccessToken(req) ?? url.searchParams.get('oauth_token') ?? undefined;
  if (token === undefined || token === '') throw new IdentityError(403, 'Missing_OAuth_Token');
  const session = deps.sessions.find(token);
  if (!session) throw new IdentityError(403, 'Bad_OAuth_Token');
  return session;
}

function userOf(deps: IdentityDependencies, session: Session): OrgUser {
  const user = deps.users.find((candidate) => candidate.id === session.userId);
  if (!user) throw new IdentityError(404, 'Bad_Id');
  return user;
}

/** The `version` parameter: a number such as `62.0`, `latest`, or nothing (URLs keep `{version}`). */
function requestedVersion(deps: IdentityDependencies, url: URL): string {
  const version = url.searchParams.get('version');
  if (version === 'latest') return deps.latestApiVersion;
  return version !== null && /^\d+\.\d$/.test(version) ? version : '{version}';
}

function answering(handler: (context: RouteContext) => void) {
  return (context: RouteContext) => {
    try {
      handler(context);
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      sendPlain(context.res, error.status, error.code);
    }
  };
}

function facts(deps: IdentityDependencies, context: RouteContext, session: Session) {
  const user = userOf(deps, session);
  const record = deps.org.getRecord('User', user.id) ?? {};
  const version = requestedVersion(deps, context.url);
  return { user, record, version, baseUrl: deps.baseUrl(), orgId: session.orgId };
}

/** Registers the identity URL and the UserInfo endpoint. */
export function addIdentityRoutes(router: Router, deps: IdentityDependencies): void {
  router.add(
    'GET',
    '/id/{orgId}/{userId}',
    answering((context) => {
      const session = sessionOf(deps, context);
      const { orgId = '', userId = '' } = context.params;
      if (orgId.slice(0, 15) !== session.orgId.slice(0, 15)) throw new IdentityError(403, 'Wrong_Org');
      if (userId.slice(0, 15) !== session.userId.slice(0, 15)) throw new IdentityError(404, 'Bad_Id');
      const body = JSON.stringify(identityDocument(facts(deps, context, session)));
      context.res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8' });
      context.res.end(body);
    }),
  );
  const userInfo = answering((context) => {
    const session = sessionOf(deps, context);
    const body = JSON.stringify(userInfoDocument(facts(deps, context, session)));
    context.res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8' });
    context.res.end(body);
  });
  router.add('GET', '/services/oauth2/userinfo', userInfo);
  router.add('POST', '/services/oauth2/userinfo', userInfo);
}
