/**
 * The Temporal client, loaded when a command first talks to Temporal rather than when the command line
 * starts: `@temporalio/client` and gRPC are most of a short command's start-up time.
 */
import type { Client } from '@temporalio/client';

/** A client connected to the server the environment names (`TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, …). */
export async function connectFromEnv(): Promise<Client> {
  const { connectClient, temporalTargetFromEnv } = await import('../client/connection.js');
  return connectClient(temporalTargetFromEnv());
}

/** Why nothing runs a workflow on `taskQueue` (no worker polls it), or undefined while one does. */
export async function noWorkerMessage(client: Client, taskQueue: string): Promise<string | undefined> {
  const { workerPresence } = await import('../client/inspect.js');
  const presence = await workerPresence(client, taskQueue);
  if (presence.polling) return undefined;
  return (
    `no worker polls task queue "${taskQueue}" in namespace "${presence.namespace}": the workflow waits for one ` +
    '(start one with `bulkflow worker`)'
  );
}
