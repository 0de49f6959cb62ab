/**
 * Assembles the emulator: the org, sessions, jobs and background processor behind one `node:http` server.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addAdminRoutes } from './admin/admin-routes.js';
import { RequestStats } from './admin/request-stats.js';
import { DEV_APP, DEV_USER, ORG_ID } from './auth/credentials.js';
import { addOAuthRoutes } from './auth/oauth-routes.js';
import { SessionStore } from './auth/sessions.js';
import { IngestJobStore } from './bulk2/ingest-jobs.js';
import { IngestProcessor } from './bulk2/ingest-processor.js';
import { addIngestRoutes } from './bulk2/ingest-routes.js';
import { HttpError, restError, sendJson } from './http/http-helpers.js';
import { Router } from './http/router.js';
import { IdFactory } from './org/ids.js';
import { Org } from './org/org.js';
import { STANDARD_OBJECTS } from './org/standard-objects.js';

/** Options of {@link createSalesforceEmulator}. */
export interface SalesforceEmulatorOptions {
  /** Port to listen on. @default 0 (a free port) */
  port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /**
   * The org's newest API version, e.g. `62.0`: requests at later versions get 404 NOT_FOUND, as from a real org,
   * and URLs not tied to a request's own version use it. Jobs report the version they were created at.
   * @default '62.0'
   */
  apiVersion?: string;
  /** Background processing speed in rows per second; undefined = as fast as possible while still yielding to the event loop between chunks. */
  recordsPerSecond?: number;
  /** Session lifetime in seconds. @default 7200 */
  sessionSeconds?: number;
}

/** A running emulator. */
export interface SalesforceEmulator {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash): login URL and instance URL at once. */
  url: string;
  /** Stops the server and any background processing. */
  close(): Promise<void>;
  /** Clears records, jobs and request statistics; users, schemas and sessions stay. */
  reset(): void;
  /** In-process access to the org's records, e.g. `org.getRecords('Contact')`. */
  org: Org;
}

type ResolvedOptions = Required<Omit<SalesforceEmulatorOptions, 'recordsPerSecond'>> &
  Pick<SalesforceEmulatorOptions, 'recordsPerSecond'>;

function withDefaults(options: SalesforceEmulatorOptions): ResolvedOptions {
  const resolved = { port: 0, host: '127.0.0.1', apiVersion: '62.0', sessionSeconds: 7200, ...options };
  if (!Number.isInteger(resolved.port) || resolved.port < 0 || resolved.port > 65535) {
    throw new RangeError(`options.port must be an integer from 0 to 65535, got ${resolved.port}`);
  }
  if (!/^\d+\.\d$/.test(resolved.apiVersion)) {
    throw new RangeError(`options.apiVersion must look like '62.0', got '${resolved.apiVersion}'`);
  }
  if (!(resolved.sessionSeconds > 0)) {
    throw new RangeError(`options.sessionSeconds must be positive, got ${resolved.sessionSeconds}`);
  }
  if (resolved.recordsPerSecond !== undefined && !(resolved.recordsPerSecond > 0)) {
    throw new RangeError(`options.recordsPerSecond must be positive, got ${resolved.recordsPerSecond}`);
  }
  return resolved;
}

async function dispatch(router: Router, stats: RequestStats, req: IncomingMessage, res: ServerResponse) {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const isAdmin = url.pathname.startsWith('/__emulator/');
  const match = router.match(method, url.pathname);
  // The admin API is left out of the counts so that reading stats does not change them.
  if (!isAdmin) stats.count(match.kind === 'found' ? match.label : `${method} (unmatched)`);
  if (match.kind === 'notFound') throw restError(404, 'NOT_FOUND', 'The requested resource does not exist');
  if (match.kind === 'methodNotAllowed') {
    const message = `HTTP Method '${method}' not allowed. Allowed are ${match.allowed.join(',')}`;
    throw restError(405, 'METHOD_NOT_ALLOWED', message);
  }
  await match.handler({ req, res, url, params: match.params });
}

function handle(router: Router, stats: RequestStats) {
  return (req: IncomingMessage, res: ServerResponse) => {
    dispatch(router, stats, req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) {
        sendJson(res, error.status, error.body);
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      sendJson(res, 500, [{ errorCode: 'UNKNOWN_EXCEPTION', message }]);
    });
  };
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * Starts an emulator.
 * @example
 * const emulator = await createSalesforceEmulator();
 * // log in at `${emulator.url}/services/oauth2/token` with DEV_CREDENTIALS, then use Bulk API 2.0
 * await emulator.close();
 */
export async function createSalesforceEmulator(options: SalesforceEmulatorOptions = {}): Promise<SalesforceEmulator> {
  const config = withDefaults(options);
  const ids = new IdFactory();
  const org = new Org({ ids, userIds: [DEV_USER.id], objects: STANDARD_OBJECTS });
  const sessions = new SessionStore(ORG_ID, config.sessionSeconds);
  const jobs = new IngestJobStore(ids);
  const processor = new IngestProcessor({
    org,
    ...(config.recordsPerSecond ? { recordsPerSecond: config.recordsPerSecond } : {}),
  });
  const stats = new RequestStats();
  const reset = () => {
    processor.stopAll();
    jobs.clear();
    org.reset();
    stats.reset();
  };
  let url = '';
  const router = new Router();
  addOAuthRoutes(router, { sessions, users: [DEV_USER], apps: [DEV_APP], baseUrl: () => url });
  addIngestRoutes(router, { org, sessions, jobs, processor, latestApiVersion: config.apiVersion });
  addAdminRoutes(router, { org, ingestJobs: jobs, stats, reset });

  const server = createServer(handle(router, stats));
  const address = await listen(server, config.port, config.host);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  url = `http://${host}:${address.port}`;

  const close = async () => {
    processor.stopAll();
    await new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  };
  return { url, close, reset, org };
}
