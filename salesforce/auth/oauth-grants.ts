/**
 * OAuth flows that need no user password: the refresh token flow (a token obtained once through a browser
 * flow) and the client credentials flow (the connected app logs in as its configured run-as user).
 *
 * @see https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_refresh_token_flow.htm
 * @see https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_client_credentials_flow.htm
 */
import type { Dispatcher } from 'undici';
import { checkLoginUrl, requestToken, requireOption } from './token-request.js';
import { registerSecret } from '../core/redact.js';
import type { Authenticator, SalesforceSession } from '../core/session.js';
import { InputError } from '../../common/errors.js';

export const DEFAULT_LOGIN_URL = 'https://login.salesforce.com';

/** The OAuth refresh token flow: a connected app's client id (and secret) and a refresh token. */
export interface RefreshTokenOptions {
  /** Where the token was issued. @default 'https://login.salesforce.com' */
  loginUrl?: string;
  /** The connected app's consumer key. @default none (required) */
  clientId: string;
  /** The consumer secret; only apps that require it for refresh need it. @default none (not sent) */
  clientSecret?: string;
  /** The refresh token. @default none (required) */
  refreshToken: string;
  /**
   * Called with the new refresh token when the connected app rotates them (each one is single-use): store it,
   * or the next process start will present a spent token. @default none
   */
  onRefreshTokenRotated?: (refreshToken: string) => void | Promise<void>;
}

type ResolvedRefreshTokenOptions = Required<Omit<RefreshTokenOptions, 'clientSecret' | 'onRefreshTokenRotated'>> &
  Pick<RefreshTokenOptions, 'clientSecret' | 'onRefreshTokenRotated'>;

/** Fills in defaults and checks the options; a bad value throws an error naming the option. */
export function refreshTokenWithDefaults(options: RefreshTokenOptions): ResolvedRefreshTokenOptions {
  return {
    ...options,
    loginUrl: checkLoginUrl(options.loginUrl ?? DEFAULT_LOGIN_URL, 'loginUrl'),
    clientId: requireOption(options.clientId, 'clientId'),
    refreshToken: requireOption(options.refreshToken, 'refreshToken'),
  };
}

/**
 * OAuth 2.0 refresh token flow. Renewals are single-flight through `SessionManager`, which matters: Salesforce
 * rejects concurrent refreshes with the same token, and with rotation a token works once. The newest token is
 * kept in memory and handed to `onRefreshTokenRotated`.
 */
export class RefreshTokenAuthenticator implements Authenticator {
  readonly kind = 'oauth-refresh-token';
  readonly canRenew = true;
  private readonly options: ResolvedRefreshTokenOptions;
  private refreshToken: string;

  constructor(options: RefreshTokenOptions) {
    this.options = refreshTokenWithDefaults(options);
    this.refreshToken = this.options.refreshToken;
    registerSecret(this.refreshToken);
    registerSecret(options.clientSecret);
  }

  async login(dispatcher: Dispatcher | undefined): Promise<SalesforceSession> {
    const { loginUrl, clientId, clientSecret, onRefreshTokenRotated } = this.options;
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: this.refreshToken,
      client_id: clientId,
      format: 'json',
    });
    if (clientSecret) form.set('client_secret', clientSecret);
    const grant = await requestToken(loginUrl, form, dispatcher);
    if (grant.refreshToken && grant.refreshToken !== this.refreshToken) {
      this.refreshToken = grant.refreshToken;
      await onRefreshTokenRotated?.(grant.refreshToken);
    }
    return grant.session;
  }
}

/** The OAuth client credentials flow: a connected app's id and secret, at the org's My Domain. */
export interface ClientCredentialsOptions {
  /** The org's My Domain URL; Salesforce refuses this flow on login.salesforce.com and test.salesforce.com. @default none (required) */
  loginUrl: string;
  /** The connected app's consumer key. @default none (required) */
  clientId: string;
  /** The consumer secret. @default none (required) */
  clientSecret: string;
  /** Send the credentials as HTTP Basic instead of in the form body. @default false */
  basicAuth?: boolean;
}

const GENERIC_LOGIN_HOSTS = new Set(['login.salesforce.com', 'test.salesforce.com']);

/** Fills in defaults and checks the options; a bad value throws an error naming the option. */
export function clientCredentialsWithDefaults(options: ClientCredentialsOptions): Required<ClientCredentialsOptions> {
  const loginUrl = checkLoginUrl(requireOption(options.loginUrl, 'loginUrl'), 'loginUrl');
  if (GENERIC_LOGIN_HOSTS.has(new URL(loginUrl).hostname)) {
    throw new InputError(`loginUrl must be the org's My Domain URL for the client credentials flow, got "${loginUrl}"`);
  }
  return {
    loginUrl,
    clientId: requireOption(options.clientId, 'clientId'),
    clientSecret: requireOption(options.clientSecret, 'clientSecret'),
    basicAuth: options.basicAuth ?? false,
  };
}

/** OAuth 2.0 client credentials flow: no user secret, the app runs as the user set on the connected app. */
export class ClientCredentialsAuthenticator implements Authenticator {
  readonly kind = 'oauth-client-credentials';
  readonly canRenew = true;
  private readonly options: Required<ClientCredentialsOptions>;

  constructor(options: ClientCredentialsOptions) {
    this.options = clientCredentialsWithDefaults(options);
    registerSecret(this.options.clientSecret);
  }

  async login(dispatcher: Dispatcher | undefined): Promise<SalesforceSession> {
    const { loginUrl, clientId, clientSecret, basicAuth } = this.options;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    let headers: Record<string, string> = {};
    if (basicAuth) {
      const pair = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`);
      registerSecret(pair.toString('base64'));
      headers = { authorization: `Basic ${pair.toString('base64')}` };
    } else {
      form.set('client_id', clientId);
      form.set('client_secret', clientSecret);
    }
    return (await requestToken(loginUrl, form, dispatcher, headers)).session;
  }
}
