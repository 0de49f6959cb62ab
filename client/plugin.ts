/**
 * The client side of the bulkflow plugin, for services that start bulk jobs and load no worker code:
 * a `Client` whose payloads are encrypted as the workers' are. (`bulkflowPlugin` from `bulkflow/worker`
 * configures a `Client` the same way; this one keeps `@temporalio/worker` out of the service.)
 *
 * @example
 * import { Client, Connection } from '@temporalio/client';
 * import { bulkflowClientPlugin, encryptionCodecFromEnv } from 'bulkflow/client';
 * const client = new Client({
 *   connection: await Connection.connect({ address: 'temporal:7233' }),
 *   plugins: [bulkflowClientPlugin({ encryptionKey: encryptionCodecFromEnv() })],
 * });
 */
import type { ClientPlugin } from '@temporalio/client';
import { SimplePlugin } from '@temporalio/plugin';
import { encryptionDataConverter, type EncryptionCodec, type EncryptionKey } from '../common/encryption-codec.js';

/** Options of {@link bulkflowClientPlugin}. */
export interface BulkflowClientPluginOptions {
  /**
   * The workers' key (32 bytes) or codec (`encryptionCodecFromEnv()`, or one with previous keys).
   * Appended after the client's own payload codecs. @default none: payloads as they are
   */
  encryptionKey?: EncryptionKey | EncryptionCodec | undefined;
}

/**
 * A client plugin that gives a service's `Client` the data converter bulkflow's workers use (the payload
 * codec when a key is given), without loading `@temporalio/worker`: the SDK's `SimplePlugin`, as the worker
 * plugin uses it.
 *
 * @example
 * const client = new Client({ connection, plugins: [bulkflowClientPlugin({ encryptionKey: encryptionCodecFromEnv() })] });
 */
export function bulkflowClientPlugin(options: BulkflowClientPluginOptions = {}): ClientPlugin {
  const dataConverter = encryptionDataConverter(options.encryptionKey);
  return new SimplePlugin({ name: 'bulkflow', ...(dataConverter ? { dataConverter } : {}) });
}
