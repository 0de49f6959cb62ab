/**
 * SOAP 1.1 envelopes of the partner login call: reading the request by local element names (clients pick their
 * own prefixes) and writing the `loginResponse` and the `sf:`-prefixed login fault that clients match on.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_login.htm
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';

const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const PARTNER_NS = 'urn:partner.soap.sforce.com';
const FAULT_NS = 'urn:fault.partner.soap.sforce.com';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** The credentials of a login request. */
export interface LoginRequest {
  username: string;
  password: string;
}

// Prefixes are stripped so that `se:Body`, `soapenv:Body` and `env:Body` all read as `Body`.
const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false });
const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
});

function child(node: unknown, name: string): unknown {
  return typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[name] : undefined;
}

function text(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (typeof node === 'number') return String(node);
  return undefined;
}

/** The username and password of a `login` envelope, or undefined when the body is no login call. */
export function parseLoginRequest(xml: string): LoginRequest | undefined {
  let document: unknown;
  try {
    document = parser.parse(xml);
  } catch {
    return undefined;
  }
  const login = child(child(child(document, 'Envelope'), 'Body'), 'login');
  if (login === undefined) return undefined;
  // An empty <password/> reads as '' so that it fails as a wrong password, not as a malformed call.
  return { username: text(child(login, 'username')) ?? '', password: text(child(login, 'password')) ?? '' };
}

/** The fields of a successful login, as the partner WSDL's LoginResult. */
export interface LoginResult {
  metadataServerUrl: string;
  serverUrl: string;
  sessionId: string;
  userId: string;
  userInfo: Record<string, string | number | boolean | null>;
}

function nullable(values: LoginResult['userInfo']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) out[key] = value === null ? { '@_xsi:nil': 'true' } : value;
  return out;
}

/** The `loginResponse` envelope. Element names are unprefixed: jsforce reads them with plain regexes. */
export function loginResponseXml(result: LoginResult): string {
  const envelope = {
    'soapenv:Envelope': {
      '@_xmlns:soapenv': SOAP_ENV_NS,
      '@_xmlns': PARTNER_NS,
      '@_xmlns:xsi': XSI_NS,
      'soapenv:Body': {
        loginResponse: {
          result: {
            metadataServerUrl: result.metadataServerUrl,
            passwordExpired: false,
            sandbox: false,
            serverUrl: result.serverUrl,
            sessionId: result.sessionId,
            userId: result.userId,
            userInfo: nullable(result.userInfo),
          },
        },
      },
    },
  };
  return DECLARATION + String(builder.build(envelope));
}

/** A login fault. `sf:exceptionCode` keeps its prefix: simple-salesforce looks the tag up by that exact name. */
export function loginFaultXml(exceptionCode: string, exceptionMessage: string): string {
  const envelope = {
    'soapenv:Envelope': {
      '@_xmlns:soapenv': SOAP_ENV_NS,
      '@_xmlns:sf': FAULT_NS,
      '@_xmlns:xsi': XSI_NS,
      'soapenv:Body': {
        'soapenv:Fault': {
          faultcode: `sf:${exceptionCode}`,
          faultstring: `${exceptionCode}: ${exceptionMessage}`,
          detail: {
            'sf:LoginFault': {
              '@_xsi:type': 'sf:LoginFault',
              'sf:exceptionCode': exceptionCode,
              'sf:exceptionMessage': exceptionMessage,
            },
          },
        },
      },
    },
  };
  return DECLARATION + String(builder.build(envelope));
}

/** A fault for a request that is not a readable login call. */
export function clientFaultXml(message: string): string {
  const envelope = {
    'soapenv:Envelope': {
      '@_xmlns:soapenv': SOAP_ENV_NS,
      'soapenv:Body': { 'soapenv:Fault': { faultcode: 'soapenv:Client', faultstring: message } },
    },
  };
  return DECLARATION + String(builder.build(envelope));
}
