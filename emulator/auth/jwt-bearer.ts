/**
 * The OAuth 2.0 JWT bearer flow (RFC 7523): the client signs a JWT with its private key (RS256) and the org
 * checks it against the certificate uploaded to the connected app. Claims: `iss` the client id, `sub` the
 * username, `aud` the login URL, `exp` in the future (seconds). Errors are RFC 7523 JSON, HTTP 400, with the
 * descriptions Salesforce uses.
 */
import { X509Certificate, verify } from 'node:crypto';
import { GrantType } from './sessions.js';
import { findApp, findUser, refuse } from './oauth-grant.js';
import type { GrantOutcome, GrantRequest, OAuthError } from './oauth-grant.js';

/** Audiences Salesforce accepts besides the emulator's own URL: clients often hard-code them. */
const SALESFORCE_AUDIENCES = ['https://login.salesforce.com', 'https://test.salesforce.com'];

const invalidGrant = (description: string): OAuthError => ({ error: 'invalid_grant', error_description: description });
const INVALID_ASSERTION = invalidGrant('invalid assertion');

interface DecodedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function decodeJwt(assertion: string): DecodedJwt | undefined {
  const parts = assertion.split('.');
  if (parts.length !== 3) return undefined;
  const [headerPart = '', claimsPart = '', signaturePart = ''] = parts;
  const header = decodePart(headerPart);
  const claims = decodePart(claimsPart);
  if (!header || !claims) return undefined;
  return {
    header,
    claims,
    signingInput: `${headerPart}.${claimsPart}`,
    signature: Buffer.from(signaturePart, 'base64url'),
  };
}

function signatureValid(jwt: DecodedJwt, certificatePem: string): boolean {
  if (jwt.header['alg'] !== 'RS256') return false;
  try {
    const key = new X509Certificate(certificatePem).publicKey;
    return verify('RSA-SHA256', Buffer.from(jwt.signingInput), key, jwt.signature);
  } catch {
    return false;
  }
}

function audienceValid(aud: unknown, baseUrl: string): boolean {
  const accepted = [baseUrl, ...SALESFORCE_AUDIENCES];
  const audiences = Array.isArray(aud) ? aud : [aud];
  return audiences.some((a) => typeof a === 'string' && accepted.includes(a.replace(/\/+$/, '')));
}

/** `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWT>`. */
export function jwtBearerGrant({ params, deps }: GrantRequest): GrantOutcome {
  const jwt = decodeJwt(params.get('assertion') ?? '');
  if (!jwt) return refuse(INVALID_ASSERTION);
  const iss = jwt.claims['iss'];
  const found = findApp(deps, typeof iss === 'string' ? iss : null, null, false);
  if ('error' in found) return refuse(found.error);
  const { app } = found;
  if (app.jwtCertificate === undefined || !signatureValid(jwt, app.jwtCertificate)) return refuse(INVALID_ASSERTION);
  if (!audienceValid(jwt.claims['aud'], deps.baseUrl())) return refuse(invalidGrant('audience is invalid'));
  const exp = jwt.claims['exp'];
  const now = (deps.now ?? Date.now)();
  if (typeof exp !== 'number' || exp * 1000 <= now) return refuse(invalidGrant('expired authorization code'));
  const sub = jwt.claims['sub'];
  const user = findUser(deps, typeof sub === 'string' ? sub : undefined);
  if (!user) return refuse(invalidGrant("user hasn't approved this consumer"));
  return { ok: true, user, app, grantType: GrantType.JwtBearer, withScope: true };
}
