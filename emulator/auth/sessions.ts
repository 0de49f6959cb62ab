/**
 * Sessions (access tokens) whatever grant issued them: OAuth grants and SOAP login all call
 * {@link SessionStore.issue}. A session expires a fixed time after it is issued; Salesforce extends sessions on
 * activity, but clients must cope with expiry either way and a fixed lifetime makes tests deterministic. Tests
 * can also end sessions on purpose: all at once, or every session alive at a chosen moment.
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
  /** The refresh token chain the session came from, so that revoking the chain ends it too. */
  refreshFamily?: string;
}

/** Extra facts about a new session. */
export interface IssueOptions {
  refreshFamily?: string;
}

/** Issues and checks access tokens. */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  /** Sessions issued before this moment stop working once it has passed. */
  #cutoff: number | undefined;
  #forcedExpirations = 0;

  constructor(
    readonly orgId: string,
    readonly sessionSeconds: number,
    readonly now: () => number = Date.now,
  ) {}

  /** Issues a new session for a user. Tokens look like Salesforce's: the 15-character org id, `!`, random text. */
  issue(userId: string, grantType: GrantType, options: IssueOptions = {}): Session {
    const issuedAt = this.now();
    const accessToken = `${this.orgId.slice(0, 15)}!${randomBytes(48).toString('base64url')}`;
    const session: Session = {
      accessToken,
      userId,
      orgId: this.orgId,
      grantType,
      issuedAt,
      expiresAt: issuedAt + this.sessionSeconds * 1000,
    };
    if (options.refreshFamily !== undefined) session.refreshFamily = options.refreshFamily;
    this.#sessions.set(accessToken, session);
    return session;
  }

  /** The live session for a token, or undefined when unknown or expired. */
  find(accessToken: string): Session | undefined {
    const session = this.#sessions.get(accessToken);
    if (!session) return undefined;
    const now = this.now();
    const cutOff = this.#cutoff !== undefined && now >= this.#cutoff && session.issuedAt < this.#cutoff;
    if (cutOff || now >= session.expiresAt) {
      if (cutOff) this.#forcedExpirations += 1;
      this.#sessions.delete(accessToken);
      return undefined;
    }
    return session;
  }

  /** Ends every session at once, as a fault scenario or an admin logout would. */
  expireAll(): void {
    this.#forcedExpirations += this.#sessions.size;
    this.#sessions.clear();
  }

  /**
   * Ends, at `moment` (epoch ms), every session issued before it; sessions issued later live normally. A later
   * call replaces the moment; {@link clearExpiryMoment} removes it.
   */
  expireAt(moment: number): void {
    this.#cutoff = moment;
  }

  /** Removes the moment set by {@link expireAt}. */
  clearExpiryMoment(): void {
    this.#cutoff = undefined;
  }

  /** Ends the sessions issued from one refresh token chain. */
  revokeFamily(family: string): void {
    for (const [token, session] of this.#sessions) {
      if (session.refreshFamily === family) this.#sessions.delete(token);
    }
  }

  /** How many sessions were ended on purpose ({@link expireAll}, {@link expireAt}) rather than by age. */
  get forcedExpirations(): number {
    return this.#forcedExpirations;
  }

  /** Resets the count of forced expirations. */
  resetCounts(): void {
    this.#forcedExpirations = 0;
  }
}

/** The access token of a REST / Bulk 2.0 request: `Authorization: Bearer <token>` or `OAuth <token>`. */
export function restAccessToken(req: IncomingMessage): string | undefined {
  return /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
}

/**
 * The session of a REST / Bulk 2.0 request, from `Authorization: Bearer <token>` or the older
 * `Authorization: OAuth <token>`. Anything else is the 401 INVALID_SESSION_ID that clients refresh on.
 */
export function requireRestSession(req: IncomingMessage, sessions: SessionStore): Session {
  const token = restAccessToken(req);
  const session = token === undefined ? undefined : sessions.find(token);
  // Salesforce writes this body with message first; kept as captured.
  if (!session) throw new HttpError(401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  return session;
}
