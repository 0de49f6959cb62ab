/**
 * What every OAuth grant handler shares: its inputs, its outcome, the error bodies Salesforce writes, and the
 * client lookup.
 * @see https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_flow_errors.htm
 */
import type { IncomingMessage } from 'node:http';
import type { ConnectedApp, OrgUser } from './credentials.js';
import type { RefreshTokenStore } from './refresh-tokens.js';
import type { GrantType, SessionStore } from './sessions.js';

/** What the token endpoint needs. */
export interface OAuthDependencies {
  sessions: SessionStore;
  refreshTokens: RefreshTokenStore;
  users: readonly OrgUser[];
  apps: readonly ConnectedApp[];
  /** The emulator's base URL: instance_url, the host of identity URLs, and a valid JWT audience. */
  baseUrl: () => string;
  now?: () => number;
}

/** An OAuth error response body, as Salesforce writes it (always HTTP 400 here). */
export interface OAuthError {
  error: string;
  error_description: string;
}

/** One token request. */
export interface GrantRequest {
  params: URLSearchParams;
  req: IncomingMessage;
  deps: OAuthDependencies;
}

/** A granted request: who, through which app, and what the response carries beyond the access token. */
export interface Granted {
  ok: true;
  user: OrgUser;
  app: ConnectedApp;
  grantType: GrantType;
  /** Report the app's scopes (every grant but password does). */
  withScope: boolean;
  /** A refresh token to return. */
  refreshToken?: string;
  /** The refresh token chain the new session belongs to. */
  refreshFamily?: string;
}

export type GrantOutcome = Granted | { ok: false; error: OAuthError };

export type GrantHandler = (request: GrantRequest) => GrantOutcome;

export const AUTHENTICATION_FAILURE: OAuthError = {
  error: 'invalid_grant',
  error_description: 'authentication failure',
};
export const INVALID_CLIENT_ID: OAuthError = {
  error: 'invalid_client_id',
  error_description: 'client identifier invalid',
};
export const INVALID_CLIENT: OAuthError = { error: 'invalid_client', error_description: 'invalid client credentials' };

/** A refusal. */
export function refuse(error: OAuthError): GrantOutcome {
  return { ok: false, error };
}

/**
 * The app named by `clientId`, checking `clientSecret` when one is required or given. Salesforce answers an
 * unknown client id with `invalid_client_id` and a wrong secret with `invalid_client`.
 */
export function findApp(
  deps: OAuthDependencies,
  clientId: string | null,
  clientSecret: string | null,
  secretRequired: boolean,
): { app: ConnectedApp } | { error: OAuthError } {
  const app = deps.apps.find((a) => a.clientId === clientId);
  if (!app) return { error: INVALID_CLIENT_ID };
  if ((secretRequired || clientSecret !== null) && app.clientSecret !== clientSecret) return { error: INVALID_CLIENT };
  return { app };
}

/** A user by username, case-insensitively. */
export function findUser(deps: OAuthDependencies, username: string | undefined): OrgUser | undefined {
  const wanted = (username ?? '').toLowerCase();
  return wanted === '' ? undefined : deps.users.find((u) => u.username.toLowerCase() === wanted);
}
