/**
 * Login flows. Each returns a `SalesforceSession`; `SessionManager` decides when to call them.
 *
 * @see https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_username_password_flow.htm
 */
import { request, type Dispatcher } from 'undici';
import { SalesforceAuthError, SalesforceNetworkError } from './errors.js';
import { registerSecret } from './redact.js';
import type { Authenticator, SalesforceSession } from './session.js';

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

interface TokenResponse {
  access_token?: string;
  instance_url?: string;
  error?: string;
  error_description?: string;
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
    return postTokenRequest(loginUrl, form, dispatcher);
  }
}

/** A session obtained elsewhere (e.g. from the Salesforce CLI); it cannot be renewed. */
export class AccessTokenAuthenticator implements Authenticator {
  readonly kind = 'access-token';
  readonly canRenew = false;

  constructor(private readonly session: SalesforceSession) {
    registerSecret(session.accessToken);
  }

  login(): Promise<SalesforceSession> {
    return Promise.resolve(this.session);
  }
}

async function postTokenRequest(
  loginUrl: string,
  form: URLSearchParams,
  dispatcher: Dispatcher | undefined,
): Promise<SalesforceSession> {
  const url = new URL('/services/oauth2/token', loginUrl);
  let res: Dispatcher.ResponseData;
  try {
    res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      ...(dispatcher ? { dispatcher } : {}),
    });
  } catch (err) {
    throw new SalesforceNetworkError(`Could not reach ${url.origin} to log in: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const text = await res.body.text();
  let parsed: TokenResponse = {};
  try {
    parsed = JSON.parse(text) as TokenResponse;
  } catch {
    // A non-JSON answer is reported below with an excerpt of the body.
  }
  if (res.statusCode !== 200 || !parsed.access_token || !parsed.instance_url) {
    const code = parsed.error ?? `HTTP ${res.statusCode}`;
    throw new SalesforceAuthError(`Salesforce login failed: ${code}: ${parsed.error_description ?? 'no description'}`, {
      statusCode: res.statusCode,
      errorCode: parsed.error,
      body: text,
    });
  }
  registerSecret(parsed.access_token);
  return { accessToken: parsed.access_token, instanceUrl: parsed.instance_url };
}
