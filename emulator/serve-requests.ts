/**
 * Serving requests: routing, request statistics, the request gate (faults, limits) and errors answered in
 * Salesforce's REST shape.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestStats } from './admin/request-stats.js';
import { SYSTEM_CLOCK, type Clock } from './clock.js';
import type { RequestGate } from './faults/request-gate.js';
import { HttpError, restError, sendJson } from './http/http-helpers.js';
import type { Router } from './http/router.js';
import type { EmulatorServer } from './tls/serve.js';

async function dispatch(
  router: Router,
  stats: RequestStats,
  gate: RequestGate,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const method = req.method ?? 'GET';
  // Clients that join an instance URL ending in `/` with `/services/…` send `//services/…`, which Salesforce
  // serves; as a URL reference it would name a host, so repeated leading slashes are read as one.
  const url = new URL((req.url ?? '/').replace(/^\/{2,}/, '/'), 'http://emulator.invalid');
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

/** The server's request listener: routes, counts, gates and answers errors in Salesforce's shape. */
export function handle(router: Router, stats: RequestStats, gate: RequestGate, clock: Clock = SYSTEM_CLOCK) {
  return (req: IncomingMessage, res: ServerResponse) => {
    // Salesforce's Date header is Salesforce's time: the emulator's clock, which tests move forward.
    res.setHeader('Date', new Date(clock.now()).toUTCString());
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

/** Starts listening; resolves with the bound address. */
export function listen(server: EmulatorServer, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
