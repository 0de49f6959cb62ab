/**
 * Login flows. Each returns a `SalesforceSession`; `SessionManager` decides when to call them.
 *
 * @see https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_username_password_flow.htm
 */
import type { Dispatcher } from 'undici';
import { requestToken } from './token-request.js';
import { registerSecret } from '../core/redact.js';
import type { Authenticator, SalesforceSession } from '../core/session.js';

/** The OAuth username-password flow: a connected app's id and secret, and the user's password and token. */
export interface OAuthPasswordOptions {
  /** `https://login.salesforce.com`, `https://test.salesforce.com` or a My Domain URL. */
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  /** Appended to the password, as Salesforce requires from IP ranges the org does not trust. */
  securityToken?: string;
}

/** OAuth 2.0 username-password grant. */
export class OAuthPasswordAuthenticator implements Authenticator {
  readonly kind = 'oauth-password';
  readonly canRenew = true;

  constructor(private readonly options: OAuthPasswordOptions) {
    registerSecret(options.password);
    registerSecret(options.securityToken);
    registerSecret(options.clientSecret);
    registerSecret(`${options.password}${options.securityToken ?? ''}`);
  }

  async login(dispatcher: Dispatcher | undefined): Promise<SalesforceSession> {
    const { loginUrl, clientId, clientSecret, username, password, securityToken } = this.options;
    const form = new URLSearchParams({
      grant_type: 'password',
      client_id: clientId,
      client_secret: clientSecret,
      username,
      password: `${password}${securityToken ?? ''}`,
    });
    return (await requestToken(loginUrl, form, dispatcher)).session;
  }
}
