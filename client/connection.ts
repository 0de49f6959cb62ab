import { Client, Connection } from '@temporalio/client';
import { encryptionCodecFromEnv } from '../common/encryption-codec.js';
import { bulkflowClientPlugin } from './plugin.js';
import { BulkflowError, ErrorCode } from '../common/errors.js';
import {
  connectionOptionsOf,
  describeTarget,
  temporalTargetFromEnv,
  type TemporalTarget,
} from '../common/temporal-target.js';

export { temporalTargetFromEnv, type TemporalTarget };

/** How long a connection may take before the server counts as unreachable. */
export const CONNECT_TIMEOUT_MS = 2_500;

/** The Temporal server did not answer: it names the address and namespace (never the API key), and what to check. */
export class TemporalUnreachableError extends BulkflowError {
  constructor(
    readonly target: TemporalTarget,
    cause: unknown,
  ) {
    const why = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    super(
      ErrorCode.TemporalUnreachable,
      `Cannot reach the Temporal server at ${describeTarget(target)} within ` +
        `${CONNECT_TIMEOUT_MS / 1000} s: ${why}. Is it running there? Set TEMPORAL_ADDRESS to where it is ` +
        '(`bulkflow dev` runs one locally).',
      { cause },
    );
    this.name = 'TemporalUnreachableError';
  }
}

/**
 * A client for `target`; payloads are encrypted when `BULKFLOW_ENCRYPTION_KEY` is set. A server that does not
 * answer within {@link CONNECT_TIMEOUT_MS} is a {@link TemporalUnreachableError} naming its address.
 */
export async function connectClient(target: TemporalTarget, env: NodeJS.ProcessEnv = process.env): Promise<Client> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...connectionOptionsOf(target), connectTimeout: CONNECT_TIMEOUT_MS });
  } catch (err) {
    throw new TemporalUnreachableError(target, err);
  }
  return new Client({
    connection,
    namespace: target.namespace,
    plugins: [bulkflowClientPlugin({ encryptionKey: encryptionCodecFromEnv(env) })],
  });
}
