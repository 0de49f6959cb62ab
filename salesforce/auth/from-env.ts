/**
 * Picks the login flow from the environment variables that are set, so a worker is configured by its
 * environment alone. First match wins:
 *
 * | flow                        | variables                                                              |
 * | --------------------------- | ---------------------------------------------------------------------- |
 * | given access token          | `SF_ACCESS_TOKEN`, `SF_INSTANCE_URL`                                   |
 * | OAuth refresh token         | `SF_REFRESH_TOKEN`, `SF_CLIENT_ID` (+ `SF_CLIENT_SECRET`)              |
 * | OAuth JWT bearer            | `SF_JWT_KEY_FILE`, `SF_CLIENT_ID`, `SF_USERNAME`                       |
 * | OAuth username-password     | `SF_USERNAME`, `SF_PASSWORD`, `SF_CLIENT_ID`, `SF_CLIENT_SECRET` (+ `SF_SECURITY_TOKEN`) |
 * | SOAP login                  | `SF_USERNAME`, `SF_PASSWORD` without `SF_CLIENT_ID` (+ `SF_SECURITY_TOKEN`) |
 * | OAuth client credentials    | `SF_CLIENT_ID`, `SF_CLIENT_SECRET` without `SF_USERNAME`; `SF_LOGIN_URL` = My Domain |
 *
 * `SF_LOGIN_URL` defaults to `https://login.salesforce.com` (client credentials: to `SF_INSTANCE_URL`).
 *
 * @see https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_flows.htm
 */
import { AccessTokenAuthenticator } from './access-token.js';
import { OAuthPasswordAuthenticator } from './oauth-password.js';
import { ClientCredentialsAuthenticator, DEFAULT_LOGIN_URL, RefreshTokenAuthenticator } from './oauth-grants.js';
import { JwtBearerAuthenticator } from './jwt-bearer.js';
import { SoapLoginAuthenticator } from './soap-login.js';
import type { Authenticator } from '../core/session.js';
import { InputError } from '../../common/errors.js';

const FLOWS_HELP =
  'set SF_ACCESS_TOKEN + SF_INSTANCE_URL, SF_REFRESH_TOKEN + SF_CLIENT_ID, SF_JWT_KEY_FILE + SF_CLIENT_ID + SF_USERNAME, ' +
  'SF_USERNAME + SF_PASSWORD (+ SF_CLIENT_ID + SF_CLIENT_SECRET for OAuth), or SF_CLIENT_ID + SF_CLIENT_SECRET + SF_LOGIN_URL';

function configError(message: string): InputError {
  return new InputError(message);
}

function need(env: NodeJS.ProcessEnv, flow: string, names: string[]): void {
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0) throw configError(`Salesforce ${flow} needs ${missing.join(', ')}`);
}

/** The authenticator the environment describes; an incomplete set throws naming what is missing. */
export function authenticatorFromEnv(env: NodeJS.ProcessEnv = process.env, apiVersion?: string): Authenticator {
  const loginUrl = env.SF_LOGIN_URL || DEFAULT_LOGIN_URL;
  const v = (name: string) => env[name] as string;
  if (env.SF_ACCESS_TOKEN) {
    need(env, 'access token login', ['SF_INSTANCE_URL']);
    return new AccessTokenAuthenticator({ accessToken: v('SF_ACCESS_TOKEN'), instanceUrl: v('SF_INSTANCE_URL') });
  }
  if (env.SF_REFRESH_TOKEN) {
    need(env, 'refresh token login', ['SF_CLIENT_ID']);
    return new RefreshTokenAuthenticator({
      loginUrl,
      clientId: v('SF_CLIENT_ID'),
      refreshToken: v('SF_REFRESH_TOKEN'),
      ...(env.SF_CLIENT_SECRET ? { clientSecret: env.SF_CLIENT_SECRET } : {}),
    });
  }
  if (env.SF_JWT_KEY_FILE) {
    need(env, 'JWT login', ['SF_CLIENT_ID', 'SF_USERNAME']);
    return new JwtBearerAuthenticator({
      loginUrl,
      clientId: v('SF_CLIENT_ID'),
      username: v('SF_USERNAME'),
      privateKeyFile: v('SF_JWT_KEY_FILE'),
    });
  }
  if (env.SF_USERNAME) return userLogin(env, loginUrl, apiVersion);
  if (env.SF_CLIENT_ID || env.SF_CLIENT_SECRET) {
    need(env, 'client credentials login', ['SF_CLIENT_ID', 'SF_CLIENT_SECRET']);
    const myDomain = env.SF_LOGIN_URL || env.SF_INSTANCE_URL;
    if (!myDomain) throw configError('Salesforce client credentials login needs SF_LOGIN_URL (the My Domain URL)');
    return new ClientCredentialsAuthenticator({
      loginUrl: myDomain,
      clientId: v('SF_CLIENT_ID'),
      clientSecret: v('SF_CLIENT_SECRET'),
    });
  }
  throw configError(`Salesforce credentials are missing: ${FLOWS_HELP}`);
}

/** Username + password: OAuth when a connected app is named, SOAP login otherwise. */
function userLogin(env: NodeJS.ProcessEnv, loginUrl: string, apiVersion: string | undefined): Authenticator {
  const v = (name: string) => env[name] as string;
  const token = env.SF_SECURITY_TOKEN ? { securityToken: env.SF_SECURITY_TOKEN } : {};
  if (env.SF_CLIENT_ID || env.SF_CLIENT_SECRET) {
    need(env, 'username-password login', ['SF_PASSWORD', 'SF_CLIENT_ID', 'SF_CLIENT_SECRET']);
    return new OAuthPasswordAuthenticator({
      loginUrl,
      clientId: v('SF_CLIENT_ID'),
      clientSecret: v('SF_CLIENT_SECRET'),
      username: v('SF_USERNAME'),
      password: v('SF_PASSWORD'),
      ...token,
    });
  }
  if (!env.SF_PASSWORD) {
    throw configError(
      'Salesforce login with SF_USERNAME needs SF_PASSWORD (SOAP login; add SF_CLIENT_ID + SF_CLIENT_SECRET for the OAuth-password flow) or SF_JWT_KEY_FILE + SF_CLIENT_ID (JWT flow)',
    );
  }
  return new SoapLoginAuthenticator({
    loginUrl,
    username: v('SF_USERNAME'),
    password: v('SF_PASSWORD'),
    ...token,
    ...(apiVersion ? { apiVersion } : {}),
  });
}

/** Which login the environment describes, for a worker to say at start; never a secret. */
export interface LoginDescription {
  /** e.g. `OAuth username-password`, `SOAP login`, `given access token`. */
  flow: string;
  /** Where the login goes (the instance, for a given token). */
  url: string;
  /** The Salesforce user, when the environment names one. */
  username?: string;
  /** `SF_LOGIN_URL` was not set: the login goes to production Salesforce. */
  defaultedToProduction: boolean;
}

/** Describes the login {@link authenticatorFromEnv} picks, in the same order, without secrets. */
export function describeLoginFromEnv(env: NodeJS.ProcessEnv = process.env): LoginDescription {
  const loginUrl = env.SF_LOGIN_URL || DEFAULT_LOGIN_URL;
  const defaultedToProduction = !env.SF_LOGIN_URL;
  const user = env.SF_USERNAME ? { username: env.SF_USERNAME } : {};
  if (env.SF_ACCESS_TOKEN) {
    return { flow: 'given access token', url: env.SF_INSTANCE_URL ?? '', defaultedToProduction: false };
  }
  if (env.SF_REFRESH_TOKEN) return { flow: 'OAuth refresh token', url: loginUrl, defaultedToProduction };
  if (env.SF_JWT_KEY_FILE) return { flow: 'OAuth JWT bearer', url: loginUrl, ...user, defaultedToProduction };
  if (env.SF_USERNAME) {
    const oauth = env.SF_CLIENT_ID || env.SF_CLIENT_SECRET;
    return { flow: oauth ? 'OAuth username-password' : 'SOAP login', url: loginUrl, ...user, defaultedToProduction };
  }
  const myDomain = env.SF_LOGIN_URL || env.SF_INSTANCE_URL || '';
  return { flow: 'OAuth client credentials', url: myDomain, defaultedToProduction: false };
}
