/** A session handed in ready-made (`SF_ACCESS_TOKEN`), e.g. from the Salesforce CLI. */
import { registerSecret } from '../core/redact.js';
import type { Authenticator, SalesforceSession } from '../core/session.js';

/** A session obtained elsewhere (e.g. from the Salesforce CLI); it cannot be renewed. */
export class AccessTokenAuthenticator implements Authenticator {
  readonly kind = 'access-token';
  readonly canRenew = false;

  constructor(private readonly session: SalesforceSession) {
    registerSecret(session.accessToken);
  }

  login(): Promise<SalesforceSession> {
    return Promise.resolve(this.session);
  }
}
