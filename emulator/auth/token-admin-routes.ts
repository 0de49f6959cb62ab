/**
 * `POST /__emulator/refresh-tokens`: mints a refresh token, standing in for the browser flows through which
 * Salesforce hands them out. Body (JSON, all optional): `{ "username": "...", "clientId": "..." }`, defaulting
 * to the development user and app. Answers `{ "refresh_token": "..." }`.
 */
import { readBody, restError, sendJson } from '../http/http-helpers.js';
import type { Router } from '../http/router.js';
import type { ConnectedApp, OrgUser } from './credentials.js';
import type { RefreshTokenStore } from './refresh-tokens.js';

/** What minting needs. */
export interface RefreshTokenMinter {
  refreshTokens: RefreshTokenStore;
  users: readonly OrgUser[];
  apps: readonly ConnectedApp[];
}

/** Mints a refresh token for a user (default: the first, the development user) and app (default: the first). */
export function mintRefreshToken(deps: RefreshTokenMinter, username?: string, clientId?: string): string {
  const user =
    username === undefined
      ? deps.users[0]
      : deps.users.find((u) => u.username.toLowerCase() === username.toLowerCase());
  if (!user) throw new RangeError(`username: no such user '${username ?? ''}'`);
  const app = clientId === undefined ? deps.apps[0] : deps.apps.find((a) => a.clientId === clientId);
  if (!app) throw new RangeError(`clientId: no such connected app '${clientId ?? ''}'`);
  return deps.refreshTokens.mint(user.id, app.clientId);
}

/** Registers the minting endpoint. */
export function addTokenAdminRoutes(router: Router, deps: RefreshTokenMinter): void {
  router.add('POST', '/__emulator/refresh-tokens', async ({ req, res }) => {
    const text = (await readBody(req, 64 * 1024)).toString('utf8').trim();
    let body: Record<string, unknown> = {};
    try {
      if (text !== '') body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw restError(400, 'JSON_PARSER_ERROR', 'The body is not JSON');
    }
    const username = typeof body['username'] === 'string' ? body['username'] : undefined;
    const clientId = typeof body['clientId'] === 'string' ? body['clientId'] : undefined;
    try {
      sendJson(res, 200, { refresh_token: mintRefreshToken(deps, username, clientId) });
    } catch (error) {
      if (error instanceof RangeError) throw restError(400, 'INVALID_REQUEST', error.message);
      throw error;
    }
  });
}
