/**
 * Every route of the emulator, wired to its components: OAuth and SOAP login, the REST resources, Bulk 2.0
 * ingest and query, Bulk v1, and the admin API.
 */
import { addAdminRoutes } from './admin/admin-routes.js';
import { addClockRoutes } from './admin/clock-routes.js';
import type { RequestStats } from './admin/request-stats.js';
import { addIdentityRoutes } from './auth/identity-routes.js';
import { addOAuthRoutes } from './auth/oauth-routes.js';
import { addSoapLoginRoutes } from './auth/soap-login-routes.js';
import { addTokenAdminRoutes } from './auth/token-admin-routes.js';
import { addBulkV1Routes } from './bulk1/v1-routes.js';
import { addIngestRoutes } from './bulk2/ingest-routes.js';
import { addQueryRoutes } from './bulk2/query-routes.js';
import { ORGANIZATION_NAME } from './components.js';
import type { EmulatorComponents } from './components.js';
import { addDescribeRoutes } from './describe/describe-routes.js';
import { addFaultRoutes } from './faults/fault-routes.js';
import type { Router } from './http/router.js';
import { addLimitsRoutes } from './limits/limits-routes.js';
import type { ResolvedOptions } from './options.js';
import { addRestQueryRoutes } from './rest-query/query-routes.js';
import { addRecordRoutes } from './rest/record-routes.js';
import { addVersionRoutes } from './rest/version-routes.js';

/** What the routes need beyond the components. */
export interface RouteContextOptions {
  config: ResolvedOptions;
  /** The emulator's base URL, known once it listens. */
  baseUrl: () => string;
  stats: RequestStats;
  reset: () => void;
}

function addAuthRoutes(router: Router, parts: EmulatorComponents, options: RouteContextOptions): void {
  const { sessions, refreshTokens, users, app } = parts;
  const latestApiVersion = options.config.apiVersion;
  addOAuthRoutes(router, { sessions, refreshTokens, users, apps: [app], baseUrl: options.baseUrl });
  addTokenAdminRoutes(router, { refreshTokens, users, apps: [app] });
  const loginUsers = users.filter((user) => user.password !== '');
  const organizationName = ORGANIZATION_NAME;
  addSoapLoginRoutes(router, {
    sessions,
    users: loginUsers,
    baseUrl: options.baseUrl,
    latestApiVersion,
    organizationName,
  });
  addIdentityRoutes(router, { sessions, users, org: parts.org, baseUrl: options.baseUrl, latestApiVersion });
}

function addRestRoutes(router: Router, parts: EmulatorComponents, options: RouteContextOptions): void {
  const { org, sessions, limits } = parts;
  const latestApiVersion = options.config.apiVersion;
  addVersionRoutes(router, { sessions, baseUrl: options.baseUrl, latestApiVersion });
  addLimitsRoutes(router, { sessions, limits, latestApiVersion });
  addDescribeRoutes(router, { org, sessions, latestApiVersion });
  addRecordRoutes(router, { org, sessions, latestApiVersion });
  addRestQueryRoutes(router, { org, sessions, cursors: parts.restCursors, latestApiVersion });
}

function addBulkRoutes(router: Router, parts: EmulatorComponents, options: RouteContextOptions): void {
  const { org, sessions, users, v1Jobs } = parts;
  const latestApiVersion = options.config.apiVersion;
  const common = { org, sessions, users, v1Jobs, latestApiVersion };
  addIngestRoutes(router, {
    ...common,
    jobs: parts.ingestJobs,
    processor: parts.ingestProcessor,
    workDir: parts.workDir,
  });
  const pageRows = options.config.bulkV2ResultPageRows;
  addQueryRoutes(router, {
    ...common,
    jobs: parts.queryJobs,
    processor: parts.queryProcessor,
    ...(pageRows ? { resultPageRows: pageRows } : {}),
  });
  const { ids, dailyBatches } = parts;
  addBulkV1Routes(router, {
    org,
    ids,
    sessions,
    users,
    jobs: v1Jobs,
    processor: parts.v1Processor,
    dailyBatches,
    latestApiVersion,
  });
}

/** Registers every route. */
export function addAllRoutes(router: Router, parts: EmulatorComponents, options: RouteContextOptions): void {
  addAuthRoutes(router, parts, options);
  addRestRoutes(router, parts, options);
  addBulkRoutes(router, parts, options);
  addFaultRoutes(router, parts.faults);
  addClockRoutes(router, parts.clock);
  // Only while faults are set, so that the stats of an untouched emulator keep their shape.
  const extraStats = () => (parts.faults.report().length > 0 ? { faults: parts.faults.report() } : {});
  const { org, ingestJobs, v1Jobs, queryJobs } = parts;
  const { stats, reset } = options;
  addAdminRoutes(router, { org, ingestJobs, bulkV1Jobs: v1Jobs, queryJobs, stats, extraStats, reset });
}
