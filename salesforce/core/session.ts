/**
 * One Salesforce session shared by every concurrent request of a process.
 *
 * When a request finds the session expired it calls `invalidate(staleToken)`; the next `get()`
 * logs in again. Concurrent callers wait for that single login: Salesforce rejects concurrent
 * refreshes with the same refresh token, and a login storm costs API calls.
 */
import type { Dispatcher } from 'undici';

/** A logged-in session: the access token and the instance it is for. */
export interface SalesforceSession {
  /** OAuth access token or SOAP session id. Never log it. */
  accessToken: string;
  /** `https://<my-domain>.my.salesforce.com` without a trailing slash. */
  instanceUrl: string;
}

/** A way to obtain a fresh session (a login flow, or a fixed token). */
export interface Authenticator {
  /** A short name for messages and logs, e.g. `oauth-password`. */
  readonly kind: string;
  login(dispatcher: Dispatcher | undefined): Promise<SalesforceSession>;
  /** False when a new login cannot produce a different session (a fixed access token). */
  readonly canRenew: boolean;
}

export class SessionManager {
  private current: SalesforceSession | undefined;
  private pending: Promise<SalesforceSession> | undefined;
  private logins = 0;

  constructor(
    private readonly authenticator: Authenticator,
    private readonly dispatcher?: Dispatcher,
  ) {}

  /** How many logins this manager made (for API-usage accounting and tests). */
  get loginCount(): number {
    return this.logins;
  }

  get canRenew(): boolean {
    return this.authenticator.canRenew;
  }

  async get(): Promise<SalesforceSession> {
    if (this.current) return this.current;
    if (!this.pending) {
      this.logins += 1;
      this.pending = this.authenticator.login(this.dispatcher).then(
        (session) => {
          this.current = { ...session, instanceUrl: session.instanceUrl.replace(/\/+$/, '') };
          this.pending = undefined;
          return this.current;
        },
        (err: unknown) => {
          this.pending = undefined;
          throw err;
        },
      );
    }
    return this.pending;
  }

  /** Drops the session if it is still the one that failed; a newer one is kept. */
  invalidate(staleToken: string): void {
    if (this.current?.accessToken === staleToken) this.current = undefined;
  }
}
