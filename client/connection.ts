import { Client, Connection } from '@temporalio/client';
import { encryptionCodecFromEnv } from '../common/encryption-codec.js';
import { bulkflowClientPlugin } from './plugin.js';

/** Where a client connects: the Temporal server's address and namespace (`TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`). */
export interface TemporalTarget {
  address: string;
  namespace: string;
}

/** `TEMPORAL_ADDRESS` (default `localhost:7233`) and `TEMPORAL_NAMESPACE` (default `default`). */
export function temporalTargetFromEnv(env: NodeJS.ProcessEnv = process.env): TemporalTarget {
  return { address: env.TEMPORAL_ADDRESS ?? 'localhost:7233', namespace: env.TEMPORAL_NAMESPACE ?? 'default' };
}

/** A client for `target`; payloads are encrypted when `BULKFLOW_ENCRYPTION_KEY` is set. */
export async function connectClient(target: TemporalTarget, env: NodeJS.ProcessEnv = process.env): Promise<Client> {
  const connection = await Connection.connect({ address: target.address });
  return new Client({
    connection,
    namespace: target.namespace,
    plugins: [bulkflowClientPlugin({ encryptionKey: encryptionCodecFromEnv(env) })],
  });
}
