/**
 * SOAP partner `login()`: username and password (+ security token), no connected app. Salesforce retires it
 * (unavailable after API 64.0, off by default in orgs created from Winter '26): prefer an OAuth flow where
 * the org allows one.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_login.htm
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_quickstart_login.htm
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { request, type Dispatcher } from 'undici';
import { checkLoginUrl, requireOption } from './token-request.js';
import { DEFAULT_LOGIN_URL } from './oauth-grants.js';
import { SalesforceAuthError, SalesforceHttpError, SalesforceNetworkError } from '../core/errors.js';
import { registerSecret } from '../core/redact.js';
import type { Authenticator, SalesforceSession } from '../core/session.js';
import { InputError } from '../../common/errors.js';

/** SOAP `login()`: a username and password (and security token), no connected app. */
export interface SoapLoginOptions {
  /** `https://login.salesforce.com`, `https://test.salesforce.com` or a My Domain URL. @default 'https://login.salesforce.com' */
  loginUrl?: string;
  /** API version of the SOAP endpoint, e.g. `62.0`. @default '62.0' */
  apiVersion?: string;
  /** @default none (required) */
  username: string;
  /** @default none (required) */
  password: string;
  /** Appended to the password, as Salesforce requires from networks the org does not trust. @default '' */
  securityToken?: string;
}

const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const PARTNER_NS = 'urn:partner.soap.sforce.com';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_' });
// Prefixes differ between servers and versions: match local names only.
const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false });

/** Fills in defaults and checks the options; a bad value throws an error naming the option. */
export function soapLoginWithDefaults(options: SoapLoginOptions): Required<SoapLoginOptions> {
  const apiVersion = (options.apiVersion ?? '62.0').replace(/^v/, '');
  if (!/^\d{2,3}\.0$/.test(apiVersion)) {
    throw new InputError(`apiVersion must look like "62.0", got "${apiVersion}"`);
  }
  return {
    loginUrl: checkLoginUrl(options.loginUrl ?? DEFAULT_LOGIN_URL, 'loginUrl'),
    apiVersion,
    username: requireOption(options.username, 'username'),
    password: requireOption(options.password, 'password'),
    securityToken: options.securityToken ?? '',
  };
}

/** The login envelope, built with fast-xml-parser so that every value is escaped. */
export function loginEnvelope(username: string, password: string): string {
  const doc = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    'env:Envelope': {
      '@_xmlns:env': SOAP_ENV_NS,
      'env:Body': { login: { '@_xmlns': PARTNER_NS, username, password } },
    },
  };
  return String(builder.build(doc));
}

function at(node: unknown, ...path: string[]): unknown {
  let current = node;
  for (const name of path) {
    current = typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[name] : undefined;
  }
  return current;
}

function textAt(node: unknown, ...path: string[]): string | undefined {
  const value = at(node, ...path);
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** Reads a login answer: the session, or a typed error carrying the fault's exception code. */
export function parseLoginResponse(status: number, xml: string): SalesforceSession {
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch {
    doc = undefined;
  }
  const body = at(doc, 'Envelope', 'Body');
  const fault = at(body, 'Fault');
  if (fault === undefined && (status >= 500 || status === 429)) {
    // No SOAP fault: the server failed, not the credentials (a bad login is a 500 *with* a LoginFault).
    throw new SalesforceHttpError(`Salesforce SOAP login failed: HTTP ${status}`, { statusCode: status, body: xml });
  }
  if (fault !== undefined || status !== 200) {
    const code =
      textAt(fault, 'detail', 'LoginFault', 'exceptionCode') ??
      textAt(fault, 'faultcode')?.replace(/^\w+:/, '') ??
      `HTTP ${status}`;
    const message = textAt(fault, 'detail', 'LoginFault', 'exceptionMessage') ?? textAt(fault, 'faultstring') ?? '';
    throw new SalesforceAuthError(`Salesforce SOAP login failed: ${code}: ${message}`, {
      statusCode: status,
      errorCode: code,
      body: xml,
    });
  }
  const result = at(body, 'loginResponse', 'result');
  const serverUrl = textAt(result, 'serverUrl');
  const sessionId = textAt(result, 'sessionId');
  if (!serverUrl || !sessionId) {
    throw new SalesforceAuthError('Salesforce SOAP login answered without serverUrl or sessionId', {
      statusCode: status,
      body: xml,
    });
  }
  registerSecret(sessionId);
  if (textAt(result, 'passwordExpired') === 'true') {
    throw new SalesforceAuthError('Salesforce SOAP login: the password has expired; set a new one in Salesforce', {
      statusCode: status,
      errorCode: 'PASSWORD_EXPIRED',
    });
  }
  // Instance URL = scheme, host and port of serverUrl (`https://host/services/Soap/u/62.0/00D…`).
  return { accessToken: sessionId, instanceUrl: new URL(serverUrl).origin };
}

/** SOAP partner login. The session id works as a bearer token on REST and Bulk 2.0 and as `X-SFDC-Session` on v1. */
export class SoapLoginAuthenticator implements Authenticator {
  readonly kind = 'soap-login';
  readonly canRenew = true;
  private readonly options: Required<SoapLoginOptions>;

  constructor(options: SoapLoginOptions) {
    this.options = soapLoginWithDefaults(options);
    registerSecret(this.options.password);
    registerSecret(this.options.securityToken);
    registerSecret(this.options.password + this.options.securityToken);
  }

  async login(dispatcher: Dispatcher | undefined): Promise<SalesforceSession> {
    const { loginUrl, apiVersion, username, password, securityToken } = this.options;
    const url = new URL(`/services/Soap/u/${apiVersion}`, loginUrl);
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=UTF-8', soapaction: 'login' },
        body: loginEnvelope(username, password + securityToken),
        ...(dispatcher ? { dispatcher } : {}),
      });
    } catch (err) {
      throw new SalesforceNetworkError(`Could not reach ${url.origin} to log in: ${(err as Error).message}`, {
        cause: err,
      });
    }
    return parseLoginResponse(res.statusCode, await res.body.text());
  }
}
