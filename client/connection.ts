import { Client, Connection, isGrpcServiceError } from '@temporalio/client';
import { encryptionCodecFromEnv } from '../common/encryption-codec.js';
import { bulkflowClientPlugin } from './plugin.js';
import {
  connectionOptionsOf,
  TemporalRefusedError,
  temporalTargetFromEnv,
  TemporalUnreachableError,
  type TemporalTarget,
} from '../common/temporal-target.js';

export {
  connectionOptionsOf,
  TemporalRefusedError,
  temporalTargetFromEnv,
  TemporalUnreachableError,
  type TemporalTarget,
};

/** How long a connection may take before the server counts as unreachable. */
export const CONNECT_TIMEOUT_MS = 2_500;

/** gRPC's PERMISSION_DENIED and UNAUTHENTICATED: the server answered, and refused the caller's credentials. */
const REFUSED_CODES: ReadonlySet<number> = new Set([7, 16]);

/**
 * The gRPC error in `err` or its causes with which a server refused the credentials (no API key, a key it does not
 * accept, too few permissions), or undefined.
 */
export function credentialsRefusal(err: unknown): Error | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 32; e = e.cause, depth++) {
    if (isGrpcServiceError(e) && REFUSED_CODES.has(e.code)) return e;
  }
  return undefined;
}

/**
 * A client for `target`; payloads are encrypted when `BULKFLOW_ENCRYPTION_KEY` is set. A server that does not
 * answer within {@link CONNECT_TIMEOUT_MS} is a {@link TemporalUnreachableError} naming its address, one that refuses
 * the credentials a {@link TemporalRefusedError}.
 */
export async function connectClient(target: TemporalTarget, env: NodeJS.ProcessEnv = process.env): Promise<Client> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...connectionOptionsOf(target), connectTimeout: CONNECT_TIMEOUT_MS });
  } catch (err) {
    const refusal = credentialsRefusal(err);
    throw refusal
      ? new TemporalRefusedError(target, err, refusal)
      : new TemporalUnreachableError(target, err, CONNECT_TIMEOUT_MS);
  }
  return new Client({
    connection,
    namespace: target.namespace,
    plugins: [bulkflowClientPlugin({ encryptionKey: encryptionCodecFromEnv(env) })],
  });
}
