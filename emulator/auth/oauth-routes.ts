/**
 * `POST /services/oauth2/token`. Each grant type is one handler that checks its parameters and names the user;
 * issuing the session and writing the response are shared here.
 * @see https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_flow_errors.htm
 */
import { createHmac } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { readForm, sendJson } from '../http/http-helpers.js';
import type { Router } from '../http/router.js';
import { clientCredentialsGrant, passwordGrant, refreshTokenGrant } from './grants.js';
import { jwtBearerGrant } from './jwt-bearer.js';
import type { GrantHandler, Granted, OAuthDependencies } from './oauth-grant.js';
import { GrantType } from './sessions.js';

export type { OAuthDependencies } from './oauth-grant.js';

const GRANTS: Readonly<Partial<Record<string, GrantHandler>>> = {
  [GrantType.Password]: passwordGrant,
  [GrantType.RefreshToken]: refreshTokenGrant,
  [GrantType.JwtBearer]: jwtBearerGrant,
  [GrantType.ClientCredentials]: clientCredentialsGrant,
};

function sendToken(res: ServerResponse, deps: OAuthDependencies, grant: Granted): void {
  const { user, app } = grant;
  const options = grant.refreshFamily === undefined ? {} : { refreshFamily: grant.refreshFamily };
  const session = deps.sessions.issue(user.id, grant.grantType, options);
  const baseUrl = deps.baseUrl();
  const id = `${baseUrl}/id/${session.orgId}/${user.id}`;
  const issuedAt = String(session.issuedAt);
  const signature = createHmac('sha256', app.clientSecret)
    .update(id + issuedAt)
    .digest('base64');
  sendJson(res, 200, {
    access_token: session.accessToken,
    ...(grant.refreshToken === undefined ? {} : { refresh_token: grant.refreshToken }),
    signature,
    ...(grant.withScope ? { scope: app.scope } : {}),
    instance_url: baseUrl,
    id,
    token_type: 'Bearer',
    issued_at: issuedAt,
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
    const outcome = handler({ params, req, deps });
    if (!outcome.ok) {
      sendJson(res, 400, outcome.error);
      return;
    }
    sendToken(res, deps, outcome);
  });
}
