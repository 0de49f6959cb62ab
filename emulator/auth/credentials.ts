/**
 * The emulated org's identity and its development user and connected app. These credentials are public by
 * design: they unlock nothing but a local emulator.
 */
import { KeyPrefix, makeId } from '../org/ids.js';

/** Credentials of the development user and connected app, documented in the emulator README. */
export const DEV_CREDENTIALS: {
  readonly username: string;
  readonly password: string;
  readonly securityToken: string;
  readonly clientId: string;
  readonly clientSecret: string;
} = Object.freeze({
  username: 'dev@bulkflow.local',
  password: 'bulkflow-dev',
  securityToken: 'devtoken0000',
  clientId: 'bulkflow-dev-client-id',
  clientSecret: 'bulkflow-dev-client-secret',
});

/** A user that can log in. */
export interface OrgUser {
  id: string;
  username: string;
  password: string;
  securityToken: string;
  fullName: string;
  email: string;
}

/** A connected app: the OAuth client. */
export interface ConnectedApp {
  clientId: string;
  clientSecret: string;
  /** PEM X.509 certificate whose key signs JWT bearer assertions; without one the JWT flow is refused. */
  jwtCertificate?: string;
  /** Username the client credentials flow runs as; without one that flow is refused. */
  clientCredentialsUser?: string;
  /** Single-use refresh tokens: each refresh returns a new one, and replaying a used one revokes the chain. */
  refreshTokenRotation?: boolean;
  /** Scopes reported in token responses. */
  scope: string;
}

/** The org's id (18 characters). */
export const ORG_ID = makeId(KeyPrefix.Organization, 987_654_321);

/** The development user. */
export const DEV_USER: OrgUser = {
  id: makeId(KeyPrefix.User, 987_654_321),
  username: DEV_CREDENTIALS.username,
  password: DEV_CREDENTIALS.password,
  securityToken: DEV_CREDENTIALS.securityToken,
  fullName: 'Bulkflow Developer',
  email: DEV_CREDENTIALS.username,
};

/** The development connected app. */
export const DEV_APP: ConnectedApp = {
  clientId: DEV_CREDENTIALS.clientId,
  clientSecret: DEV_CREDENTIALS.clientSecret,
  scope: 'api refresh_token',
};

/** The integration user the client credentials flow runs as by default. It has no usable password. */
export const INTEGRATION_USER: OrgUser = {
  id: makeId(KeyPrefix.User, 987_654_322),
  username: 'integration@bulkflow.local',
  password: '',
  securityToken: '',
  fullName: 'Bulkflow Integration',
  email: 'integration@bulkflow.local',
};
