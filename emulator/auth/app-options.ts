/** The development connected app as the emulator's options configure it, checked. */
import { X509Certificate } from 'node:crypto';
import { DEV_APP, INTEGRATION_USER } from './credentials.js';
import type { ConnectedApp } from './credentials.js';

/** Options that shape the connected app. */
export interface AppOptions {
  /** PEM certificate for JWT bearer assertions. @default none (the JWT flow answers `invalid assertion`) */
  jwtCertificate?: string;
  /** Username the client credentials flow runs as. @default 'integration@bulkflow.local' */
  clientCredentialsUser?: string;
  /** Single-use refresh tokens (Refresh Token Rotation). @default false */
  refreshTokenRotation?: boolean;
}

/** The development app with the options applied; a bad option throws naming it. */
export function configureDevApp(options: AppOptions): ConnectedApp {
  const app: ConnectedApp = { ...DEV_APP, clientCredentialsUser: INTEGRATION_USER.username };
  if (options.jwtCertificate !== undefined) {
    try {
      new X509Certificate(options.jwtCertificate);
    } catch (error) {
      throw new TypeError('options.jwtCertificate must be a PEM X.509 certificate', { cause: error });
    }
    app.jwtCertificate = options.jwtCertificate;
  }
  if (options.clientCredentialsUser !== undefined) {
    if (typeof options.clientCredentialsUser !== 'string' || options.clientCredentialsUser === '') {
      throw new TypeError('options.clientCredentialsUser must be a username');
    }
    app.clientCredentialsUser = options.clientCredentialsUser;
  }
  if (options.refreshTokenRotation !== undefined) {
    if (typeof options.refreshTokenRotation !== 'boolean') {
      throw new TypeError('options.refreshTokenRotation must be a boolean');
    }
    app.refreshTokenRotation = options.refreshTokenRotation;
  }
  return app;
}
