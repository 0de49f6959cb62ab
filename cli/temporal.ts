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
