/**
 * `POST /services/oauth2/token`. Each grant type is one handler that checks its parameters and names the user;
 * issuing the session and writing the response are shared, so further grants (refresh token, JWT bearer,
 * client credentials) are one more entry in {@link GRANTS}.
 * @see https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_flow_errors.htm
 */
import { createHmac } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { readForm, sendJson } from '../http/http-helpers.js';
import type { Router } from '../http/router.js';
import { GrantType } from './sessions.js';
import type { SessionStore } from './sessions.js';
import type { ConnectedApp, OrgUser } from './credentials.js';

/** What the token endpoint needs. */
export interface OAuthDependencies {
  sessions: SessionStore;
  users: readonly OrgUser[];
  apps: readonly ConnectedApp[];
  /** The emulator's base URL: instance_url and the host of identity URLs. */
  baseUrl: () => string;
}

/** An OAuth error response body, as Salesforce writes it (always HTTP 400 here). */
interface OAuthError {
  error: string;
  error_description: string;
}

type GrantOutcome =
  { ok: true; user: OrgUser; app: ConnectedApp; grantType: GrantType } | { ok: false; error: OAuthError };
type GrantHandler = (params: URLSearchParams, deps: OAuthDependencies) => GrantOutcome;

const AUTHENTICATION_FAILURE: OAuthError = { error: 'invalid_grant', error_description: 'authentication failure' };

function findApp(params: URLSearchParams, deps: OAuthDependencies): { app?: ConnectedApp; error?: OAuthError } {
  const app = deps.apps.find((a) => a.clientId === params.get('client_id'));
  if (!app) return { error: { error: 'invalid_client_id', error_description: 'client identifier invalid' } };
  if (app.clientSecret !== params.get('client_secret')) {
    return { error: { error: 'invalid_client', error_description: 'invalid client credentials' } };
  }
  return { app };
}

/** Username-password flow: the password is the user's password followed by the security token. */
function passwordGrant(params: URLSearchParams, deps: OAuthDependencies): GrantOutcome {
  const { app, error } = findApp(params, deps);
  if (!app) return { ok: false, error: error ?? AUTHENTICATION_FAILURE };
  const username = (params.get('username') ?? '').toLowerCase();
  const user = deps.users.find((u) => u.username.toLowerCase() === username);
  if (!user || params.get('password') !== user.password + user.securityToken) {
    return { ok: false, error: AUTHENTICATION_FAILURE };
  }
  return { ok: true, user, app, grantType: GrantType.Password };
}

const GRANTS: Readonly<Partial<Record<string, GrantHandler>>> = {
  [GrantType.Password]: passwordGrant,
};

function sendToken(res: ServerResponse, deps: OAuthDependencies, grant: Extract<GrantOutcome, { ok: true }>): void {
  const { user, app } = grant;
  const session = deps.sessions.issue(user.id, grant.grantType);
  const baseUrl = deps.baseUrl();
  const id = `${baseUrl}/id/${session.orgId}/${user.id}`;
  const issuedAt = String(session.issuedAt);
  const signature = createHmac('sha256', app.clientSecret)
    .update(id + issuedAt)
    .digest('base64');
  sendJson(res, 200, {
    access_token: session.accessToken,
    instance_url: baseUrl,
    id,
    token_type: 'Bearer',
    issued_at: issuedAt,
    signature,
  });
}

/** Registers the token endpoint. */
export function addOAuthRoutes(router: Router, deps: OAuthDependencies): void {
  router.add('POST', '/services/oauth2/token', async ({ req, res, url }) => {
    // Some clients put the parameters in the query string of the POST; the body wins when both are present.
    const params = new URLSearchParams(url.searchParams);
    for (const [key, value] of await readForm(req)) params.set(key, value);
    const handler = GRANTS[params.get('grant_type') ?? ''];
    if (!handler) {
      sendJson(res, 400, { error: 'unsupported_grant_type', error_description: 'grant type not supported' });
      return;
    }
    const outcome = handler(params, deps);
    if (!outcome.ok) {
      sendJson(res, 400, outcome.error);
      return;
    }
    sendToken(res, deps, outcome);
  });
}
