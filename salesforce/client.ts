/**
 * The Salesforce client: one session, one HTTP layer, the Bulk API resources on top.
 *
 * @example
 * const sf = createSalesforceClient(salesforceOptionsFromEnv());
 * const job = await sf.bulk2Ingest.createJob({ object: 'Contact', operation: 'insert' });
 */
import type { Dispatcher } from 'undici';
import { authenticatorFromEnv } from './auth/from-env.js';
import { Bulk1Client } from './bulk1/client.js';
import { Bulk2IngestClient } from './bulk2/ingest.js';
import { Bulk2QueryClient } from './bulk2/query.js';
import { SalesforceHttp } from './core/http.js';
import { DescribeClient, type DescribeCacheOptions } from './org/describe.js';
import { LimitsClient } from './org/limits.js';
import { SessionManager, type Authenticator } from './core/session.js';
import { InputError } from '../common/errors.js';

/** The API version the client speaks unless told otherwise. */
export const DEFAULT_API_VERSION = '62.0';

const API_VERSION = /^\d{2,3}\.0$/;

/** How a client logs in and talks to Salesforce. */
export interface SalesforceClientOptions {
  /** How to log in. */
  auth: Authenticator;
  /** API version without the `v`, e.g. `62.0`. @default '62.0' */
  apiVersion?: string;
  /** The undici dispatcher (connection pool, proxy, TLS options). @default undici's global dispatcher */
  dispatcher?: Dispatcher;
  /** How long and how many describe results the client keeps. @default 10 minutes, 200 objects */
  describeCache?: DescribeCacheOptions;
  /**
   * Send Bulk 2.0 uploads with `Content-Encoding: gzip`, which Salesforce accepts: about a fifth of the bytes
   * for typical CSV, for some CPU on both ends. Worth it on a real network; on a fast link it costs time.
   * @default false (env: `SF_GZIP_UPLOADS=true`)
   */
  gzipUploads?: boolean;
}

/** The Salesforce client: one HTTP layer and session, and the API resources built on them. */
export interface SalesforceClient {
  readonly apiVersion: string;
  readonly http: SalesforceHttp;
  /** Bulk API v1 ("async") jobs, batches and results. */
  readonly bulk1: Bulk1Client;
  readonly bulk2Ingest: Bulk2IngestClient;
  /** Bulk API 2.0 query jobs and their paged results. */
  readonly bulk2Query: Bulk2QueryClient;
  /** The org's daily limits and the pre-flight capacity check. */
  readonly limits: LimitsClient;
  /** describeGlobal and sObject describe, cached for the client's lifetime within bounds. */
  readonly describe: DescribeClient;
  /**
   * The same client (one session, one HTTP layer) speaking another API version: for calls on a job created at
   * that version, which Salesforce ties to it (query results answer 409 at any other). `apiVersion` itself
   * returns this client; others are made once and kept.
   */
  atVersion(apiVersion: string): SalesforceClient;
}

/** A client for one org; bad options throw an error naming the option. */
export function createSalesforceClient(options: SalesforceClientOptions): SalesforceClient {
  const apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
  const http = new SalesforceHttp(new SessionManager(options.auth, options.dispatcher), options.dispatcher);
  const byVersion = new Map<string, SalesforceClient>();
  const at = (version: string): SalesforceClient => {
    const known = byVersion.get(version);
    if (known) return known;
    if (!API_VERSION.test(version)) throw new InputError(`apiVersion must look like "62.0", got "${version}"`);
    const client: SalesforceClient = {
      apiVersion: version,
      http,
      bulk1: new Bulk1Client(http, version),
      bulk2Ingest: new Bulk2IngestClient(http, version, { gzipUploads: options.gzipUploads === true }),
      bulk2Query: new Bulk2QueryClient(http, version),
      limits: new LimitsClient(http, version),
      describe: new DescribeClient(http, version, options.describeCache),
      atVersion: at,
    };
    byVersion.set(version, client);
    return client;
  };
  return at(apiVersion);
}

/**
 * Reads the Salesforce connection settings from the environment (the worker's only source of
 * credentials). The login flow follows from which variables are set (see `auth-env.ts`): access token,
 * refresh token, JWT bearer, OAuth username-password, SOAP login, client credentials.
 *
 * `SF_LOGIN_URL`, `SF_INSTANCE_URL`, `SF_API_VERSION`, `SF_USERNAME`, `SF_PASSWORD`, `SF_SECURITY_TOKEN`,
 * `SF_CLIENT_ID`, `SF_CLIENT_SECRET`, `SF_REFRESH_TOKEN`, `SF_JWT_KEY_FILE`, `SF_ACCESS_TOKEN`; `SF_GZIP_UPLOADS`.
 */
export function salesforceOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): SalesforceClientOptions {
  const apiVersion = env.SF_API_VERSION?.replace(/^v/, '');
  const gzipUploads = /^(1|true|yes)$/i.test(env.SF_GZIP_UPLOADS ?? '');
  return {
    ...(apiVersion ? { apiVersion } : {}),
    ...(gzipUploads ? { gzipUploads } : {}),
    auth: authenticatorFromEnv(env, apiVersion),
  };
}
