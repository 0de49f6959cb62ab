/**
 * The OAuth 2.0 token endpoint shared by every OAuth flow: `POST {loginUrl}/services/oauth2/token` with a
 * form body, answered by JSON with `access_token` and `instance_url`, or by HTTP 400 with `error` and
 * `error_description`.
 *
 * @see https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_endpoints.htm
 * @see https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_flow_errors.htm
 */
import { request, type Dispatcher } from 'undici';
import { SalesforceAuthError, SalesforceHttpError, SalesforceNetworkError } from '../core/errors.js';
import { registerSecret } from '../core/redact.js';
import type { SalesforceSession } from '../core/session.js';
import { InputError } from '../../common/errors.js';

/** What Salesforce answers on the token endpoint (only the fields the client reads). */
interface TokenResponse {
  access_token?: string;
  instance_url?: string;
  refresh_token?: string;
  error?: string;
  error_description?: string;
}

/** A granted session, plus the new refresh token when the connected app rotates them. */
export interface TokenGrant {
  session: SalesforceSession;
  refreshToken?: string;
}

/** Checks a login URL option: an absolute http(s) URL. Returns it without a trailing slash. */
export function checkLoginUrl(value: string, option: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(`${option} must be an absolute URL, got "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`${option} must be an http(s) URL, got "${value}"`);
  }
  return value.replace(/\/+$/, '');
}

/** Throws naming the option when a required string option is missing or empty. */
export function requireOption(value: string | undefined, option: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new InputError(`${option} is required`);
  }
  return value;
}

/** Posts a token request and turns the answer into a session, or a redacted `SalesforceAuthError`. */
export async function requestToken(
  loginUrl: string,
  form: URLSearchParams,
  dispatcher: Dispatcher | undefined,
  headers: Record<string, string> = {},
): Promise<TokenGrant> {
  const url = new URL('/services/oauth2/token', loginUrl);
  let res: Dispatcher.ResponseData;
  try {
    res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
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
  if (res.statusCode >= 500 || res.statusCode === 429) {
    // The login server is overloaded or failing, which says nothing about the credentials: retryable.
    throw new SalesforceHttpError(`Salesforce login failed: HTTP ${res.statusCode}`, {
      statusCode: res.statusCode,
      body: text,
      ...(parsed.error ? { errorCode: parsed.error } : {}),
    });
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
  registerSecret(parsed.refresh_token);
  const session = { accessToken: parsed.access_token, instanceUrl: parsed.instance_url };
  return parsed.refresh_token ? { session, refreshToken: parsed.refresh_token } : { session };
}
