/**
 * The Salesforce client: one session, one HTTP layer, the Bulk API resources on top.
 *
 * @example
 * const sf = createSalesforceClient(salesforceOptionsFromEnv());
 * const job = await sf.bulk2Ingest.createJob({ object: 'Contact', operation: 'insert' });
 */
import type { Dispatcher } from 'undici';
import { AccessTokenAuthenticator, OAuthPasswordAuthenticator } from './auth.js';
import { Bulk2IngestClient } from './bulk2-ingest.js';
import { SalesforceError, SalesforceErrorCode } from './errors.js';
import { SalesforceHttp } from './http.js';
import { SessionManager, type Authenticator } from './session.js';

export const DEFAULT_API_VERSION = '62.0';

export interface SalesforceClientOptions {
  /** How to log in. */
  auth: Authenticator;
  /** API version without the `v`, e.g. `62.0`. @default '62.0' */
  apiVersion?: string;
  /** The undici dispatcher (connection pool, proxy, TLS options). @default undici's global dispatcher */
  dispatcher?: Dispatcher;
}

export interface SalesforceClient {
  readonly apiVersion: string;
  readonly http: SalesforceHttp;
  readonly bulk2Ingest: Bulk2IngestClient;
}

export function createSalesforceClient(options: SalesforceClientOptions): SalesforceClient {
  const apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
  if (!/^\d{2,3}\.0$/.test(apiVersion)) {
    throw new SalesforceError(
      SalesforceErrorCode.InvalidInput,
      `apiVersion must look like "62.0", got "${apiVersion}"`,
    );
  }
  const http = new SalesforceHttp(new SessionManager(options.auth, options.dispatcher), options.dispatcher);
  return { apiVersion, http, bulk2Ingest: new Bulk2IngestClient(http, apiVersion) };
}

/**
 * Reads the Salesforce connection settings from the environment (the worker's only source of
 * credentials). A given access token wins; otherwise the OAuth password grant is used.
 *
 * `SF_LOGIN_URL`, `SF_INSTANCE_URL`, `SF_API_VERSION`, `SF_USERNAME`, `SF_PASSWORD`,
 * `SF_SECURITY_TOKEN`, `SF_CLIENT_ID`, `SF_CLIENT_SECRET`, `SF_ACCESS_TOKEN`.
 */
export function salesforceOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): SalesforceClientOptions {
  const apiVersion = env.SF_API_VERSION?.replace(/^v/, '');
  const base = apiVersion ? { apiVersion } : {};
  if (env.SF_ACCESS_TOKEN) {
    if (!env.SF_INSTANCE_URL) throw configError('SF_ACCESS_TOKEN needs SF_INSTANCE_URL');
    return {
      ...base,
      auth: new AccessTokenAuthenticator({ accessToken: env.SF_ACCESS_TOKEN, instanceUrl: env.SF_INSTANCE_URL }),
    };
  }
  const missing = ['SF_USERNAME', 'SF_PASSWORD', 'SF_CLIENT_ID', 'SF_CLIENT_SECRET'].filter((k) => !env[k]);
  if (missing.length > 0) {
    throw configError(
      `Salesforce credentials are incomplete: set ${missing.join(', ')} (OAuth password grant), or SF_ACCESS_TOKEN and SF_INSTANCE_URL`,
    );
  }
  return {
    ...base,
    auth: new OAuthPasswordAuthenticator({
      loginUrl: env.SF_LOGIN_URL ?? 'https://login.salesforce.com',
      clientId: env.SF_CLIENT_ID as string,
      clientSecret: env.SF_CLIENT_SECRET as string,
      username: env.SF_USERNAME as string,
      password: env.SF_PASSWORD as string,
      ...(env.SF_SECURITY_TOKEN ? { securityToken: env.SF_SECURITY_TOKEN } : {}),
    }),
  };
}

function configError(message: string): SalesforceError {
  return new SalesforceError(SalesforceErrorCode.InvalidInput, message);
}
