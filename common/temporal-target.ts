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
import { BulkflowError, ErrorCode } from './errors.js';

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

const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0];

const hasClientCert = (target: TemporalTarget) => typeof target.tls === 'object' && !!target.tls.clientCertPair;

/**
 * What else to check when a TLS connection did not come up: a handshake the server ends (an untrusted or missing
 * client certificate, a server name that does not match) reaches the client only as a connection that never came up.
 */
function tlsAdvice(target: TemporalTarget): string {
  if (!target.tls) return '';
  const server = 'the server CA and name (TEMPORAL_TLS_SERVER_CA_CERT_PATH, TEMPORAL_TLS_SERVER_NAME)';
  return hasClientCert(target)
    ? ` With TLS, check ${server} and that the server trusts the client certificate.`
    : ` With TLS, check ${server}, and whether the server requires a client certificate ` +
        '(TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_TLS_CLIENT_KEY_PATH).';
}

/**
 * The Temporal server did not answer (within `withinMs`, when the connection had a deadline): it names the address
 * and namespace (never the API key), and what to check.
 */
export class TemporalUnreachableError extends BulkflowError {
  constructor(
    readonly target: TemporalTarget,
    cause: unknown,
    withinMs?: number,
  ) {
    const within = withinMs === undefined ? '' : ` within ${withinMs / 1000} s`;
    super(
      ErrorCode.TemporalUnreachable,
      `Cannot reach the Temporal server at ${describeTarget(target)}${within}: ${firstLine(cause)}. Is it running ` +
        `there? Set TEMPORAL_ADDRESS to where it is (\`bulkflow dev\` runs one locally).${tlsAdvice(target)}`,
      { cause },
    );
    this.name = 'TemporalUnreachableError';
  }
}

/**
 * The Temporal server answered and refused the credentials (no API key, one it does not accept, too few
 * permissions), at the connection check or at a later call: it names the server, what it answered (`answer`, the
 * refusing error within `cause`) and what to check, never the key. Trying again unchanged does not help.
 */
export class TemporalRefusedError extends BulkflowError {
  constructor(
    readonly target: TemporalTarget,
    cause: unknown,
    answer: unknown = cause,
  ) {
    const key = target.apiKey
      ? "check TEMPORAL_API_KEY (or the profile's api_key) and its permissions"
      : "no API key was given: set TEMPORAL_API_KEY (or the profile's api_key), with permissions";
    const cert = hasClientCert(target) ? ', and that the server trusts the client certificate' : '';
    super(
      ErrorCode.TemporalRefused,
      `The Temporal server at ${describeTarget(target)} refused the credentials (${firstLine(answer)}): ${key} on ` +
        `namespace ${target.namespace}${cert}.`,
      { cause },
    );
    this.name = 'TemporalRefusedError';
  }
}
