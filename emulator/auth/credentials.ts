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

/**
 * Credentials of the second user, who lacks the "Bulk API Hard Delete" permission (off by default on a real
 * org): hardDelete jobs created by this user are refused. Documented in the emulator README.
 */
export const LIMITED_CREDENTIALS: {
  readonly username: string;
  readonly password: string;
  readonly securityToken: string;
} = Object.freeze({
  username: 'limited@bulkflow.local',
  password: 'bulkflow-limited',
  securityToken: 'limitedtoken00',
});

/** A user that can log in. */
export interface OrgUser {
  id: string;
  username: string;
  password: string;
  securityToken: string;
  firstName: string;
  lastName: string;
  fullName: string;
  email: string;
  /** The "Bulk API Hard Delete" system permission: hardDelete jobs are refused without it. */
  bulkApiHardDelete: boolean;
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
  firstName: 'Bulkflow',
  lastName: 'Developer',
  fullName: 'Bulkflow Developer',
  email: DEV_CREDENTIALS.username,
  bulkApiHardDelete: true,
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
  firstName: 'Bulkflow',
  lastName: 'Integration',
  fullName: 'Bulkflow Integration',
  email: 'integration@bulkflow.local',
  bulkApiHardDelete: true,
};

/** The user without the Bulk API Hard Delete permission. */
export const LIMITED_USER: OrgUser = {
  id: makeId(KeyPrefix.User, 987_654_323),
  username: LIMITED_CREDENTIALS.username,
  password: LIMITED_CREDENTIALS.password,
  securityToken: LIMITED_CREDENTIALS.securityToken,
  firstName: 'Limited',
  lastName: 'Loader',
  fullName: 'Limited Loader',
  email: LIMITED_CREDENTIALS.username,
  bulkApiHardDelete: false,
};

/** Every user of the org, in the order their records were created. */
export const ORG_USERS: readonly OrgUser[] = [DEV_USER, INTEGRATION_USER, LIMITED_USER];

/** The standard System Administrator profile of the emulated org; fixed, as the profile never changes. */
export const PROFILE_ID = makeId('00e', 987_654_321);
