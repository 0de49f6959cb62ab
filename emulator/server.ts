/**
 * Assembles the emulator: the org, sessions, jobs and background processor behind one `node:http` server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addAdminRoutes } from './admin/admin-routes.js';
import { RequestStats } from './admin/request-stats.js';
import { configureDevApp } from './auth/app-options.js';
import type { AppOptions } from './auth/app-options.js';
import { DEV_USER, INTEGRATION_USER, ORG_ID } from './auth/credentials.js';
import { addOAuthRoutes } from './auth/oauth-routes.js';
import { RefreshTokenStore } from './auth/refresh-tokens.js';
import { SessionStore } from './auth/sessions.js';
import { addTokenAdminRoutes, mintRefreshToken } from './auth/token-admin-routes.js';
import { FaultInjector } from './faults/fault-injector.js';
import { addFaultRoutes } from './faults/fault-routes.js';
import { createProcessingHooks } from './faults/processing-hooks.js';
import { createRequestGate } from './faults/request-gate.js';
import type { RequestGate } from './faults/request-gate.js';
import { ApiLimits, LimitName } from './limits/api-limits.js';
import type { LimitMaxima } from './limits/api-limits.js';
import { addLimitsRoutes } from './limits/limits-routes.js';
import { addDescribeRoutes } from './describe/describe-routes.js';
import { QueryCursorStore } from './rest-query/query-cursors.js';
import { addRestQueryRoutes } from './rest-query/query-routes.js';
import { OrgPersistence } from './persistence/org-persistence.js';
import { RestorableIdFactory } from './persistence/restorable-ids.js';
import { resolveTlsOption } from './tls/certificate.js';
import type { TlsMaterial } from './tls/certificate.js';
import { createEmulatorServer } from './tls/serve.js';
import type { EmulatorServer } from './tls/serve.js';
import { IngestJobStore } from './bulk2/ingest-jobs.js';
import { IngestProcessor } from './bulk2/ingest-processor.js';
import { addIngestRoutes } from './bulk2/ingest-routes.js';
import { QueryJobStore } from './bulk2/query-jobs.js';
import { QueryProcessor } from './bulk2/query-processor.js';
import { addQueryRoutes } from './bulk2/query-routes.js';
import { addSoapLoginRoutes } from './auth/soap-login-routes.js';
import { DailyBatchCounter } from './bulk1/daily-batches.js';
import { V1JobStore } from './bulk1/v1-jobs.js';
import { V1Processor } from './bulk1/v1-processor.js';
import { addBulkV1Routes } from './bulk1/v1-routes.js';
import { HttpError, restError, sendJson } from './http/http-helpers.js';
import { Router } from './http/router.js';
import { Org } from './org/org.js';
import { STANDARD_OBJECTS } from './org/standard-objects.js';
import { buildObjects } from './org/custom-objects.js';
import type { CustomObjectDefinition } from './org/custom-objects.js';

/** Options of {@link createSalesforceEmulator}. */
export interface SalesforceEmulatorOptions extends AppOptions {
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
  /** Rows per Bulk v1 query result file (Salesforce cuts at 1 GB); small values give several files. @default 100000 */
  bulkV1QueryRowsPerFile?: number;
  /**
   * Rows per page in the links Bulk 2.0 `resultPages` hands out. Salesforce does not document its page size;
   * 50,000 is the page common clients ask for with `maxRecords`. @default 50000
   */
  bulkV2ResultPageRows?: number;
  /** Custom objects (`Invoice__c`, with a key prefix such as `a01`) and custom fields on standard objects. */
  customObjects?: CustomObjectDefinition[];
  /** Daily limit maxima. @default { DailyApiRequests: 15000, DailyBulkApiBatches: 15000, DailyBulkV2QueryJobs: 10000 } */
  limits?: Partial<LimitMaxima>;
  /** File that keeps the org's records, id counters and Bulk 2.0 ingest jobs across restarts. @default none (memory only) */
  persistPath?: string;
  /** Serve HTTPS: `true` makes a self-signed certificate for localhost/127.0.0.1, or bring `{ key, cert }` (PEM). @default false */
  https?: boolean | TlsMaterial;
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
  /** Fault injection: `faults.set([{ type: 'serverError', method: 'PUT', count: 1 }])`, `faults.clear()`, `faults.report()`. */
  faults: FaultInjector;
  /** Daily API limits and their usage. */
  limits: ApiLimits;
  /** Ends sessions: every one now, or with `at` every session alive at that moment. */
  expireSessions(at?: Date | number): void;
  /** Mints a refresh token for the development app and user (or `username`). */
  mintRefreshToken(username?: string): string;
  /** The PEM certificate served over HTTPS, for clients to trust; undefined over HTTP. */
  certificatePem: string | undefined;
  /**
   * @internal For tests: how many times background processing (Bulk 2.0 ingest and query, Bulk v1 batches) has
   * handed the event loop back between two steps of a job.
   */
  processingYields(): number;
}

type ResolvedOptions = Required<
  Omit<
    SalesforceEmulatorOptions,
    'recordsPerSecond' | 'bulkV1QueryRowsPerFile' | 'bulkV2ResultPageRows' | 'customObjects' | PlatformOption
  >
> &
  Pick<
    SalesforceEmulatorOptions,
    'recordsPerSecond' | 'bulkV1QueryRowsPerFile' | 'bulkV2ResultPageRows' | 'customObjects' | PlatformOption
  >;

/** Options of auth, limits, persistence and TLS, which have no defaults to fill in. */
type PlatformOption = keyof AppOptions | 'limits' | 'persistPath' | 'https';

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
  if (resolved.persistPath !== undefined && (typeof resolved.persistPath !== 'string' || resolved.persistPath === '')) {
    throw new TypeError('options.persistPath must be a file path');
  }
  return resolved;
}

async function dispatch(
  router: Router,
  stats: RequestStats,
  gate: RequestGate,
  req: IncomingMessage,
  res: ServerResponse,
) {
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
  // Faults and API limits may answer (or drop) the request before its handler runs.
  if (!isAdmin && (await gate({ req, res, url }))) return;
  await match.handler({ req, res, url, params: match.params });
}

function handle(router: Router, stats: RequestStats, gate: RequestGate) {
  return (req: IncomingMessage, res: ServerResponse) => {
    dispatch(router, stats, gate, req, res).catch((error: unknown) => {
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

function listen(server: EmulatorServer, port: number, host: string): Promise<AddressInfo> {
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
  const app = configureDevApp(config);
  const tls = config.https ? await resolveTlsOption(config.https) : undefined;
  const ids = new RestorableIdFactory();
  const org = new Org({
    ids,
    userIds: [DEV_USER.id, INTEGRATION_USER.id],
    objects: buildObjects(STANDARD_OBJECTS, config.customObjects),
  });
  const sessions = new SessionStore(ORG_ID, config.sessionSeconds);
  const jobs = new IngestJobStore(ids);
  const refreshTokens = new RefreshTokenStore();
  const faults = new FaultInjector(sessions);
  const persistence = config.persistPath
    ? new OrgPersistence(config.persistPath, { org, ids, ingestJobs: jobs })
    : undefined;
  const changed = () => persistence?.changed();
  /** Bulk API batches of the rolling day: what `/limits` reports as DailyBulkApiBatches. */
  const dailyBatches = new DailyBatchCounter(config.limits?.DailyBulkApiBatches);
  const limits = new ApiLimits(config.limits, { [LimitName.DailyBulkApiBatches]: dailyBatches });
  const hooks = createProcessingHooks({ faults, limits, changed });
  const processor = new IngestProcessor({
    org,
    ...(config.recordsPerSecond ? { recordsPerSecond: config.recordsPerSecond } : {}),
    hooks,
  });
  const queryJobs = new QueryJobStore(ids);
  const queryProcessor = new QueryProcessor({
    org,
    ...(config.recordsPerSecond ? { recordsPerSecond: config.recordsPerSecond } : {}),
  });
  const v1Jobs = new V1JobStore(ids);
  const v1Processor = new V1Processor({
    org,
    ids,
    jobs: v1Jobs,
    onBatchesAdded: (count) => dailyBatches.count(count),
    hooks,
    ...(config.recordsPerSecond ? { recordsPerSecond: config.recordsPerSecond } : {}),
    ...(config.bulkV1QueryRowsPerFile ? { queryRowsPerFile: config.bulkV1QueryRowsPerFile } : {}),
  });
  const stats = new RequestStats();
  const restCursors = new QueryCursorStore();
  const reset = () => {
    restCursors.clear();
    processor.stopAll();
    queryProcessor.stopAll();
    queryJobs.clear();
    v1Processor.stopAll();
    v1Jobs.clear();
    dailyBatches.reset();
    jobs.clear();
    org.reset();
    stats.reset();
    faults.clear();
    limits.reset();
    changed();
  };
  let url = '';
  const router = new Router();
  const users = [DEV_USER, INTEGRATION_USER];
  addOAuthRoutes(router, { sessions, refreshTokens, users, apps: [app], baseUrl: () => url });
  addTokenAdminRoutes(router, { refreshTokens, users, apps: [app] });
  addLimitsRoutes(router, { sessions, limits, latestApiVersion: config.apiVersion });
  addFaultRoutes(router, faults);
  addDescribeRoutes(router, { org, sessions, latestApiVersion: config.apiVersion });
  addRestQueryRoutes(router, { org, sessions, cursors: restCursors, latestApiVersion: config.apiVersion });
  addIngestRoutes(router, { org, sessions, jobs, processor, latestApiVersion: config.apiVersion });
  addQueryRoutes(router, {
    org,
    sessions,
    jobs: queryJobs,
    processor: queryProcessor,
    latestApiVersion: config.apiVersion,
    ...(config.bulkV2ResultPageRows ? { resultPageRows: config.bulkV2ResultPageRows } : {}),
  });
  addSoapLoginRoutes(router, { sessions, users: [DEV_USER], baseUrl: () => url, latestApiVersion: config.apiVersion });
  addBulkV1Routes(router, {
    org,
    ids,
    sessions,
    jobs: v1Jobs,
    processor: v1Processor,
    dailyBatches,
    latestApiVersion: config.apiVersion,
  });
  // Only while faults are set, so that the stats of an untouched emulator keep their shape.
  const extraStats = () => (faults.report().length > 0 ? { faults: faults.report() } : {});
  addAdminRoutes(router, { org, ingestJobs: jobs, bulkV1Jobs: v1Jobs, queryJobs, stats, extraStats, reset });

  for (const job of persistence?.load() ?? []) {
    if (job.state === 'UploadComplete') processor.start(job);
    if (job.state === 'InProgress') processor.resume(job);
  }
  const gate = createRequestGate({ faults, limits, sessions, changed });
  const server = createEmulatorServer(handle(router, stats, gate), tls);
  const address = await listen(server, config.port, config.host);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  url = `${tls ? 'https' : 'http'}://${host}:${address.port}`;

  const close = async () => {
    processor.stopAll();
    queryProcessor.stopAll();
    v1Processor.stopAll();
    await new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
    await persistence?.close();
  };
  const expireSessions = (at?: Date | number) =>
    at === undefined ? sessions.expireAll() : sessions.expireAt(typeof at === 'number' ? at : at.getTime());
  const mint = (username?: string) => mintRefreshToken({ refreshTokens, users, apps: [app] }, username);
  return {
    url,
    close,
    reset,
    org,
    faults,
    limits,
    expireSessions,
    mintRefreshToken: mint,
    certificatePem: tls?.cert,
    processingYields: () => processor.yields + queryProcessor.yields + v1Processor.yields,
  };
}
