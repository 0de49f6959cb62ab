/**
 * SOAP partner login, `POST /services/Soap/u/{version}` (and the enterprise endpoint `…/Soap/c/{version}`). The
 * session it issues lives in the shared session store, so it works as `X-SFDC-Session` on Bulk v1 and as a
 * bearer token on REST and Bulk 2.0, as a real session id does.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_quickstart_login.htm
 */
import type { ServerResponse } from 'node:http';
import { readBody } from '../http/http-helpers.js';
import type { Router } from '../http/router.js';
import { PROFILE_ID } from './credentials.js';
import type { OrgUser } from './credentials.js';
import { GrantType } from './sessions.js';
import type { SessionStore } from './sessions.js';
import { clientFaultXml, loginFaultXml, loginResponseXml, parseLoginRequest } from './soap-envelope.js';

/** What the login endpoint needs. */
export interface SoapLoginDependencies {
  sessions: SessionStore;
  users: readonly OrgUser[];
  /** The emulator's base URL: the host of serverUrl. */
  baseUrl: () => string;
  /** The org's newest API version; later versions are not served. */
  latestApiVersion: string;
  /** Shown as userInfo.organizationName. */
  organizationName?: string;
}

const INVALID_LOGIN_MESSAGE = 'Invalid username, password, security token; or user locked out.';
const VERSION = /^\d+\.\d$/;

function sendXml(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/xml;charset=UTF-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function userInfo(deps: SoapLoginDependencies, user: OrgUser, orgId: string) {
  return {
    accessibilityMode: false,
    chatterExternal: false,
    currencySymbol: '$',
    orgAttachmentFileSizeLimit: 5242880,
    orgDefaultCurrencyIsoCode: 'USD',
    orgDefaultCurrencyLocale: 'en_US',
    orgDisallowHtmlAttachments: false,
    orgHasPersonAccounts: false,
    organizationId: orgId,
    organizationMultiCurrency: false,
    organizationName: deps.organizationName ?? 'Bulkflow Emulator',
    profileId: PROFILE_ID,
    roleId: null,
    sessionSecondsValid: deps.sessions.sessionSeconds,
    userDefaultCurrencyIsoCode: null,
    userEmail: user.email,
    userFullName: user.fullName,
    userId: user.id,
    userLanguage: 'en_US',
    userLocale: 'en_US',
    userName: user.username,
    userTimeZone: 'America/Los_Angeles',
    userType: 'Standard',
    userUiSkin: 'Theme3',
  };
}

/** Registers the partner and enterprise login endpoints. */
export function addSoapLoginRoutes(router: Router, deps: SoapLoginDependencies): void {
  for (const wsdl of ['u', 'c']) {
    router.add('POST', `/services/Soap/${wsdl}/{soapVersion}`, async ({ req, res, params }) => {
      const version = params['soapVersion'] ?? '';
      if (!VERSION.test(version) || Number(version) > Number(deps.latestApiVersion)) {
        sendXml(res, 404, clientFaultXml(`UNSUPPORTED_API_VERSION: Invalid Api version specified on URL: ${version}`));
        return;
      }
      const request = parseLoginRequest((await readBody(req, 1024 * 1024)).toString('utf8'));
      if (!request) {
        sendXml(res, 500, clientFaultXml('No operation available for request: expected a login call'));
        return;
      }
      const username = request.username.toLowerCase();
      const user = deps.users.find((u) => u.username.toLowerCase() === username);
      // Salesforce requires the security token appended to the password from untrusted networks.
      if (!user || request.password !== user.password + user.securityToken) {
        sendXml(res, 500, loginFaultXml('INVALID_LOGIN', INVALID_LOGIN_MESSAGE));
        return;
      }
      const session = deps.sessions.issue(user.id, GrantType.SoapLogin);
      const org15 = session.orgId.slice(0, 15);
      const base = deps.baseUrl();
      const body = loginResponseXml({
        metadataServerUrl: `${base}/services/Soap/m/${version}/${org15}`,
        serverUrl: `${base}/services/Soap/${wsdl}/${version}/${org15}`,
        sessionId: session.accessToken,
        userId: user.id,
        userInfo: userInfo(deps, user, session.orgId),
      });
      sendXml(res, 200, body);
    });
  }
}
