/**
 * Where and how clients and workers reach Temporal: the SDK's own environment configuration
 * (`@temporalio/envconfig`), which the `temporal` CLI reads too, so a team's existing set-up just works:
 * `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`, `TEMPORAL_TLS`, `TEMPORAL_TLS_CLIENT_CERT_PATH`,
 * `TEMPORAL_TLS_CLIENT_KEY_PATH`, `TEMPORAL_TLS_SERVER_CA_CERT_PATH`, `TEMPORAL_TLS_SERVER_NAME` (and their
 * `_DATA` forms), `TEMPORAL_GRPC_META_*`, and profiles in `temporal.toml` (`TEMPORAL_PROFILE`,
 * `TEMPORAL_CONFIG_FILE`). An API key turns TLS on, as Temporal Cloud needs.
 */
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow/index.js';
import { loadClientConnectConfig } from '@temporalio/envconfig';

/** The Temporal server a client or worker connects to, and how. */
export interface TemporalTarget {
  address: string;
  namespace: string;
  /** TLS: `true` for the system's CAs, a config for a CA, server name or client certificate (mTLS). */
  tls?: TLSConfig | boolean;
  /** Sent as `Authorization: Bearer <key>` (Temporal Cloud API keys). Never logged. */
  apiKey?: string;
  /** Extra gRPC headers (`TEMPORAL_GRPC_META_*`). */
  metadata?: Record<string, string>;
}

/** The address of a Temporal server on this machine (the dev server's, and the SDK's default). */
export const DEFAULT_TEMPORAL_ADDRESS = 'localhost:7233';
export const DEFAULT_NAMESPACE = 'default';

/**
 * The target the environment (and the `temporal.toml` profile it names, if any) describes. Unset values keep
 * their defaults: `localhost:7233`, namespace `default`, no TLS.
 */
export function temporalTargetFromEnv(env: NodeJS.ProcessEnv = process.env): TemporalTarget {
  const overrideEnvVars = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
  const { connectionOptions: c, namespace } = loadClientConnectConfig({ overrideEnvVars });
  return {
    address: c.address || DEFAULT_TEMPORAL_ADDRESS,
    namespace: namespace || DEFAULT_NAMESPACE,
    ...(c.tls !== undefined && c.tls !== null ? { tls: c.tls } : {}),
    ...(c.apiKey ? { apiKey: c.apiKey } : {}),
    ...(c.metadata && Object.keys(c.metadata).length
      ? { metadata: Object.fromEntries(Object.entries(c.metadata).map(([k, v]) => [k, String(v)])) }
      : {}),
  };
}

/** The options `Connection.connect` and `NativeConnection.connect` take for a target. */
export function connectionOptionsOf(target: TemporalTarget) {
  return {
    address: target.address,
    ...(target.tls !== undefined ? { tls: target.tls } : {}),
    ...(target.apiKey ? { apiKey: target.apiKey } : {}),
    ...(target.metadata ? { metadata: target.metadata } : {}),
  };
}

/** The target as a person may see it: address, namespace, and whether TLS or an API key are used (never the key). */
export function describeTarget(target: TemporalTarget): string {
  const how = [target.tls ? 'TLS' : '', target.apiKey ? 'API key' : ''].filter(Boolean).join(', ');
  return `${target.address} (namespace ${target.namespace}${how ? `, ${how}` : ''})`;
}
