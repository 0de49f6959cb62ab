/**
 * The Temporal server built from its Go module (scripts/build-temporal-server.mjs) with a config file of the TLS
 * test's own: SQLite in memory (the sqlite plugin creates its schema itself in memory mode), the frontend behind
 * TLS that requires a client certificate signed by the test's CA (mTLS) under one server name and none under the
 * other (tls-material.ts), and authorization with the default JWT
 * claim mapper and authorizer, whose keys come from the test's JWKS endpoint.
 *
 * The system workers inside the server call the frontend too, without a token: they go through an
 * internal-frontend instead (no TLS, no claim mapper: the server's own way, as the image's config template does
 * with USE_INTERNAL_FRONTEND), so that the public frontend can refuse every call without a valid JWT.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { LOOPBACK } from './compose-file.js';
import { freePortBelow, tcpOpen, untilHealthy } from './health.js';
import type { Processes, Service } from './processes.js';
import { API_KEY_NAME, MTLS_NAME, type TlsFiles } from './tls-material.js';

/** Where the frontend listens, and the server's process. */
export interface TlsServer {
  address: string;
  service: Service;
}

const SERVICES = ['frontend', 'internal-frontend', 'history', 'matching', 'worker'] as const;

async function rpc(withHttp: boolean) {
  return {
    grpcPort: await freePortBelow(32_768),
    membershipPort: await freePortBelow(32_768),
    ...(withHttp ? { httpPort: await freePortBelow(32_768) } : {}),
    bindOnIP: LOOPBACK,
  };
}

/** The server's config (the shape of the module's config/development-sqlite.yaml, plus TLS and authorization). */
export async function tlsServerConfig(files: TlsFiles, jwksUrl: string): Promise<Record<string, unknown>> {
  const services: Record<string, { rpc: Awaited<ReturnType<typeof rpc>> }> = {};
  for (const name of SERVICES) services[name] = { rpc: await rpc(name.endsWith('frontend')) };
  const frontend = services.frontend!.rpc;
  const mtls = {
    certFile: files.serverCert,
    keyFile: files.serverKey,
    requireClientAuth: true,
    clientCaFiles: [files.caCert],
  };
  const sqlite = {
    sql: {
      pluginName: 'sqlite',
      databaseName: 'temporal',
      connectAddr: 'localhost',
      connectProtocol: 'tcp',
      connectAttributes: { mode: 'memory', cache: 'shared' },
      maxConns: 1,
      maxIdleConns: 1,
      maxConnLifetime: '1h',
    },
  };
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'sqlite-default',
      visibilityStore: 'sqlite-visibility',
      numHistoryShards: 1,
      datastores: { 'sqlite-default': sqlite, 'sqlite-visibility': sqlite },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: LOOPBACK },
      tls: {
        frontend: {
          server: mtls,
          // By the name the client asks for (SNI): a client certificate, or the API key alone.
          hostOverrides: { [MTLS_NAME]: mtls, [API_KEY_NAME]: { ...mtls, requireClientAuth: false } },
        },
      },
      authorization: {
        jwtKeyProvider: { keySourceURIs: [jwksUrl], refreshInterval: '1m' },
        permissionsClaimName: 'permissions',
        authorizer: 'default',
        claimMapper: 'default',
      },
    },
    services,
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `${LOOPBACK}:${frontend.grpcPort}`,
          httpAddress: `${LOOPBACK}:${frontend.httpPort}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
  };
}

/** Writes the config to `dir` and starts `temporal-server` on it; healthy when the frontend takes connections. */
export async function startTlsServer(
  processes: Processes,
  serverBin: string,
  dir: string,
  config: Record<string, unknown>,
): Promise<TlsServer> {
  const file = path.join(dir, 'temporal-server.yaml');
  writeFileSync(file, stringify(config));
  const port = (config as { services: { frontend: { rpc: { grpcPort: number } } } }).services.frontend.rpc.grpcPort;
  const service = processes.start(
    'temporal-server',
    serverBin,
    ['--config-file', file, 'start', ...SERVICES.flatMap((s) => ['--service', s])],
    { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8' }, cwd: dir },
  );
  await untilHealthy(processes, 'temporal-server', service, () => tcpOpen(LOOPBACK, port));
  return { address: `${LOOPBACK}:${port}`, service };
}
