/**
 * Sessions (access tokens) whatever grant issued them: the OAuth password flow now; refresh tokens, JWT bearer,
 * client credentials and SOAP login later call {@link SessionStore.issue} the same way. A session expires a
 * fixed time after it is issued; Salesforce extends sessions on activity, but clients must cope with expiry
 * either way and a fixed lifetime makes tests deterministic.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from '../http/http-helpers.js';

/** How a session was obtained. */
export const GrantType = {
  Password: 'password',
  RefreshToken: 'refresh_token',
  JwtBearer: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
  ClientCredentials: 'client_credentials',
  SoapLogin: 'soap_login',
} as const;
export type GrantType = (typeof GrantType)[keyof typeof GrantType];

/** A live session. */
export interface Session {
  accessToken: string;
  userId: string;
  orgId: string;
  grantType: GrantType;
  issuedAt: number;
  expiresAt: number;
}

/** Issues and checks access tokens. */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();

  constructor(
    readonly orgId: string,
    readonly sessionSeconds: number,
    readonly now: () => number = Date.now,
  ) {}

  /** Issues a new session for a user. Tokens look like Salesforce's: the 15-character org id, `!`, random text. */
  issue(userId: string, grantType: GrantType): Session {
    const issuedAt = this.now();
    const accessToken = `${this.orgId.slice(0, 15)}!${randomBytes(48).toString('base64url')}`;
    const session = {
      accessToken,
      userId,
      orgId: this.orgId,
      grantType,
      issuedAt,
      expiresAt: issuedAt + this.sessionSeconds * 1000,
    };
    this.#sessions.set(accessToken, session);
    return session;
  }

  /** The live session for a token, or undefined when unknown or expired. */
  find(accessToken: string): Session | undefined {
    const session = this.#sessions.get(accessToken);
    if (!session) return undefined;
    if (this.now() >= session.expiresAt) {
      this.#sessions.delete(accessToken);
      return undefined;
    }
    return session;
  }

  /** Ends every session at once, as a fault scenario or an admin logout would. */
  expireAll(): void {
    this.#sessions.clear();
  }
}

/**
 * The session of a REST / Bulk 2.0 request, from `Authorization: Bearer <token>` or the older
 * `Authorization: OAuth <token>`. Anything else is the 401 INVALID_SESSION_ID that clients refresh on.
 */
export function requireRestSession(req: IncomingMessage, sessions: SessionStore): Session {
  const match = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  const session = match?.[1] === undefined ? undefined : sessions.find(match[1]);
  // Salesforce writes this body with message first; kept as captured.
  if (!session) throw new HttpError(401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  return session;
}
