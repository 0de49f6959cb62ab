/**
 * Refresh tokens. Salesforce issues them from the web-server and user-agent flows, which need a browser; the
 * emulator mints them on request instead ({@link RefreshTokenStore.mint}, also behind an admin endpoint).
 * By default a refresh token can be used again and again, and the token response carries no new one. With
 * rotation (Salesforce's "Refresh Token Rotation"), each use returns a new token and retires the old one;
 * presenting a retired token revokes the whole chain, its access tokens included.
 */
import { randomBytes } from 'node:crypto';

/** One refresh token and the chain (family) it belongs to. */
interface RefreshTokenRecord {
  userId: string;
  clientId: string;
  family: string;
  state: 'active' | 'used' | 'revoked';
}

/** The outcome of presenting a refresh token. */
export type Redemption =
  { ok: true; userId: string; family: string; next?: string } | { ok: false; revokedFamily?: string };

/** Issues and redeems refresh tokens. */
export class RefreshTokenStore {
  readonly #tokens = new Map<string, RefreshTokenRecord>();

  /** A new refresh token for a user and client, starting a new chain unless `family` is given. */
  mint(userId: string, clientId: string, family: string = randomBytes(9).toString('base64url')): string {
    const token = `5Aep861${randomBytes(60).toString('base64url')}`;
    this.#tokens.set(token, { userId, clientId, family, state: 'active' });
    return token;
  }

  /**
   * Checks a refresh token presented by a client. With `rotate`, the token is retired and a successor returned;
   * a retired token revokes its whole chain.
   */
  redeem(token: string, clientId: string, rotate: boolean): Redemption {
    const record = this.#tokens.get(token);
    if (!record || record.clientId !== clientId || record.state === 'revoked') return { ok: false };
    if (record.state === 'used') {
      this.#revokeFamily(record.family);
      return { ok: false, revokedFamily: record.family };
    }
    if (!rotate) return { ok: true, userId: record.userId, family: record.family };
    record.state = 'used';
    const next = this.mint(record.userId, clientId, record.family);
    return { ok: true, userId: record.userId, family: record.family, next };
  }

  #revokeFamily(family: string): void {
    for (const record of this.#tokens.values()) if (record.family === family) record.state = 'revoked';
  }
}
