/**
 * The username-password, refresh token and client credentials grants. The JWT bearer grant has its own module.
 */
import { GrantType } from './sessions.js';
import { AUTHENTICATION_FAILURE, INVALID_CLIENT, findApp, findUser, refuse } from './oauth-grant.js';
import type { GrantOutcome, GrantRequest, OAuthError } from './oauth-grant.js';

const EXPIRED_TOKEN: OAuthError = { error: 'invalid_grant', error_description: 'expired access/refresh token' };

/** Username-password flow: the password is the user's password followed by the security token. No refresh token. */
export function passwordGrant({ params, deps }: GrantRequest): GrantOutcome {
  const found = findApp(deps, params.get('client_id'), params.get('client_secret'), true);
  if ('error' in found) return refuse(found.error);
  const user = findUser(deps, params.get('username') ?? undefined);
  // A user without a password (the integration user) cannot log in this way.
  if (!user || user.password === '' || params.get('password') !== user.password + user.securityToken) {
    return refuse(AUTHENTICATION_FAILURE);
  }
  return { ok: true, user, app: found.app, grantType: GrantType.Password, withScope: false };
}

/**
 * Refresh token flow: `refresh_token` and `client_id`, `client_secret` optional but checked when sent. The
 * response has a new refresh token only when the app rotates them.
 */
export function refreshTokenGrant({ params, deps }: GrantRequest): GrantOutcome {
  const found = findApp(deps, params.get('client_id'), params.get('client_secret'), false);
  if ('error' in found) return refuse(found.error);
  const { app } = found;
  const redemption = deps.refreshTokens.redeem(
    params.get('refresh_token') ?? '',
    app.clientId,
    app.refreshTokenRotation === true,
  );
  if (!redemption.ok) {
    if (redemption.revokedFamily !== undefined) deps.sessions.revokeFamily(redemption.revokedFamily);
    return refuse(EXPIRED_TOKEN);
  }
  const user = deps.users.find((u) => u.id === redemption.userId);
  if (!user) return refuse(EXPIRED_TOKEN);
  return {
    ok: true,
    user,
    app,
    grantType: GrantType.RefreshToken,
    withScope: true,
    refreshFamily: redemption.family,
    ...(redemption.next === undefined ? {} : { refreshToken: redemption.next }),
  };
}

/** Client id and secret from HTTP Basic (`base64(id:secret)`), when the request carries them there. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
}

/** Client credentials flow: the app authenticates itself and works as its configured run-as user. */
export function clientCredentialsGrant({ params, req, deps }: GrantRequest): GrantOutcome {
  const basic = basicCredentials(req.headers.authorization);
  const clientId = basic?.id ?? params.get('client_id');
  const clientSecret = basic?.secret ?? params.get('client_secret');
  if (clientSecret === null) return refuse(INVALID_CLIENT);
  const found = findApp(deps, clientId, clientSecret, true);
  if ('error' in found) return refuse(found.error);
  const user = findUser(deps, found.app.clientCredentialsUser);
  if (!user) return refuse({ error: 'invalid_grant', error_description: 'no client credentials user enabled' });
  return { ok: true, user, app: found.app, grantType: GrantType.ClientCredentials, withScope: true };
}
