/**
 * OAuth 2.0 JWT bearer flow: the client signs a short-lived assertion with the private key whose certificate
 * is uploaded to the connected app, and trades it for a session. No password and no refresh token: a renewal
 * is a new assertion, which is why this is the flow for unattended workers.
 *
 * @see https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm
 * @see https://datatracker.ietf.org/doc/html/rfc7523
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Dispatcher } from 'undici';
import { checkLoginUrl, requestToken, requireOption } from './token-request.js';
import { DEFAULT_LOGIN_URL } from './oauth-grants.js';
import { registerSecret } from '../core/redact.js';
import type { Authenticator, SalesforceSession } from '../core/session.js';
import { InputError } from '../../common/errors.js';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** The OAuth JWT bearer flow: a connected app's id, the user, and the private key whose certificate the app holds. */
export interface JwtBearerOptions {
  /** Where to post the assertion. @default 'https://login.salesforce.com' */
  loginUrl?: string;
  /** The connected app's consumer key: the `iss` claim. @default none (required) */
  clientId: string;
  /** The user to log in as: the `sub` claim. @default none (required) */
  username: string;
  /** The RSA private key, PEM. Give this or `privateKeyFile`. @default none */
  privateKey?: string;
  /** A file holding the PEM private key (`SF_JWT_KEY_FILE`). @default none */
  privateKeyFile?: string;
  /**
   * The `aud` claim. Salesforce wants `https://login.salesforce.com` (production), `https://test.salesforce.com`
   * (sandbox) or an Experience Cloud site URL, even when posting to a My Domain host.
   * @default the generic login host matching loginUrl (sandbox My Domains → test), else loginUrl itself
   */
  audience?: string;
  /** Lifetime of each assertion in seconds; Salesforce accepts at most 3 minutes. @default 180 */
  expiresInSeconds?: number;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
}

interface ResolvedJwtOptions {
  loginUrl: string;
  clientId: string;
  username: string;
  key: KeyObject;
  audience: string;
  expiresInSeconds: number;
  now: () => number;
}

function loadKey(options: JwtBearerOptions): KeyObject {
  if (options.privateKey && options.privateKeyFile) {
    throw new InputError('give privateKey or privateKeyFile, not both');
  }
  let pem = options.privateKey;
  if (!pem) {
    const file = requireOption(options.privateKeyFile, 'privateKey or privateKeyFile');
    try {
      pem = readFileSync(file, 'utf8');
    } catch (err) {
      throw new InputError(`privateKeyFile "${file}" cannot be read`, {
        cause: err,
      });
    }
  }
  registerSecret(pem.trim());
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error(`an ${key.asymmetricKeyType ?? 'unknown'} key`);
    return key;
  } catch (err) {
    // The cause is left out: it could quote the key.
    throw new InputError(
      `${options.privateKey ? 'privateKey' : 'privateKeyFile'} must be an RSA private key in PEM (${(err as Error).message.slice(0, 80)})`,
    );
  }
}

/** The `aud` Salesforce expects for a login URL: its generic login host, or the URL itself off Salesforce. */
export function defaultAudience(loginUrl: string): string {
  const host = new URL(loginUrl).hostname;
  if (host === 'test.salesforce.com' || host.endsWith('.sandbox.my.salesforce.com'))
    return 'https://test.salesforce.com';
  if (host.endsWith('.salesforce.com')) return 'https://login.salesforce.com';
  return loginUrl;
}

/** Fills in defaults and checks the options; a bad value throws an error naming the option. */
export function jwtBearerWithDefaults(options: JwtBearerOptions): ResolvedJwtOptions {
  const loginUrl = checkLoginUrl(options.loginUrl ?? DEFAULT_LOGIN_URL, 'loginUrl');
  const expiresInSeconds = options.expiresInSeconds ?? 180;
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > 180) {
    throw new InputError(`expiresInSeconds must be an integer from 1 to 180, got ${expiresInSeconds}`);
  }
  return {
    loginUrl,
    clientId: requireOption(options.clientId, 'clientId'),
    username: requireOption(options.username, 'username'),
    key: loadKey(options),
    audience: checkLoginUrl(options.audience ?? defaultAudience(loginUrl), 'audience'),
    expiresInSeconds,
    now: options.now ?? Date.now,
  };
}

function base64UrlJson(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Builds and signs (RS256) one assertion: `iss`, `sub`, `aud`, `exp` (seconds since the epoch). */
export function createJwtAssertion(options: ResolvedJwtOptions): string {
  const header = base64UrlJson({ alg: 'RS256', typ: 'JWT' });
  const exp = Math.floor(options.now() / 1000) + options.expiresInSeconds;
  const claims = base64UrlJson({ iss: options.clientId, sub: options.username, aud: options.audience, exp });
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${claims}`), options.key).toString('base64url');
  return `${header}.${claims}.${signature}`;
}

/** OAuth 2.0 JWT bearer grant; every login signs a fresh assertion. */
export class JwtBearerAuthenticator implements Authenticator {
  readonly kind = 'oauth-jwt-bearer';
  readonly canRenew = true;
  private readonly options: ResolvedJwtOptions;

  constructor(options: JwtBearerOptions) {
    this.options = jwtBearerWithDefaults(options);
  }

  async login(dispatcher: Dispatcher | undefined): Promise<SalesforceSession> {
    const assertion = createJwtAssertion(this.options);
    registerSecret(assertion);
    const form = new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion });
    return (await requestToken(this.options.loginUrl, form, dispatcher)).session;
  }
}
