/**
 * Assembles the emulator: its components (org, sessions, jobs, background processors) and routes behind one
 * `node:http` server.
 */
import { RequestStats } from './admin/request-stats.js';
import { mintRefreshToken } from './auth/token-admin-routes.js';
import type { EmulatorClock } from './clock.js';
import { buildComponents, closeStores, resetComponents, stopProcessing } from './components.js';
import { createRequestGate } from './faults/request-gate.js';
import type { FaultInjector } from './faults/fault-injector.js';
import { Router } from './http/router.js';
import type { ApiLimits } from './limits/api-limits.js';
import { withDefaults } from './options.js';
import type { SalesforceEmulatorOptions } from './options.js';
import type { Org } from './org/org.js';
import { addAllRoutes } from './routes.js';
import { handle, listen } from './serve-requests.js';
import { resolveTlsOption } from './tls/certificate.js';
import { createEmulatorServer } from './tls/serve.js';

export type { SalesforceEmulatorOptions } from './options.js';

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
  /**
   * The emulator's clock (real time at first): `clock.advance(ms)` moves job and record timestamps and the job
   * lifespans forward, `clock.now()` reads it. `POST /__emulator/clock {"advanceMs": n}` does the same over HTTP.
   */
  clock: EmulatorClock;
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

/**
 * Starts an emulator.
 * @example
 * const emulator = await createSalesforceEmulator();
 * // log in at `${emulator.url}/services/oauth2/token` with DEV_CREDENTIALS, then use Bulk API 2.0
 * await emulator.close();
 */
export async function createSalesforceEmulator(options: SalesforceEmulatorOptions = {}): Promise<SalesforceEmulator> {
  const config = withDefaults(options);
  const tls = config.https ? await resolveTlsOption(config.https) : undefined;
  const parts = buildComponents(config);
  const stats = new RequestStats();
  const reset = () => {
    resetComponents(parts);
    stats.reset();
  };
  let url = '';
  const router = new Router();
  addAllRoutes(router, parts, { config, baseUrl: () => url, stats, reset });
  for (const job of parts.persistence?.load() ?? []) {
    if (job.state === 'UploadComplete') parts.ingestProcessor.start(job);
    if (job.state === 'InProgress') parts.ingestProcessor.resume(job);
  }
  const { faults, limits, sessions, changed } = parts;
  const gate = createRequestGate({ faults, limits, sessions, changed });
  const server = createEmulatorServer(handle(router, stats, gate), tls);
  const address = await listen(server, config.port, config.host);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  url = `${tls ? 'https' : 'http'}://${host}:${address.port}`;

  const close = async () => {
    stopProcessing(parts);
    await new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
    await parts.persistence?.close();
    closeStores(parts);
  };
  const expireSessions = (at?: Date | number) =>
    at === undefined ? sessions.expireAll() : sessions.expireAt(typeof at === 'number' ? at : at.getTime());
  const { refreshTokens, users, app } = parts;
  const mint = (username?: string) => mintRefreshToken({ refreshTokens, users, apps: [app] }, username);
  return {
    url,
    close,
    reset,
    org: parts.org,
    faults,
    limits,
    clock: parts.clock,
    expireSessions,
    mintRefreshToken: mint,
    certificatePem: tls?.cert,
    processingYields: () => parts.ingestProcessor.yields + parts.queryProcessor.yields + parts.v1Processor.yields,
  };
}
