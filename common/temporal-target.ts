/**
 * Where clients and workers connect unless told otherwise: the Temporal server's address and namespace from the
 * environment (`TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`), the same variables the `temporal` CLI reads.
 */

/** The Temporal server's address and namespace. */
export interface TemporalTarget {
  address: string;
  namespace: string;
}

/** The address of a Temporal server on this machine (the dev server's, and the SDK's default). */
export const DEFAULT_TEMPORAL_ADDRESS = 'localhost:7233';
export const DEFAULT_NAMESPACE = 'default';

/** `TEMPORAL_ADDRESS` (default `localhost:7233`) and `TEMPORAL_NAMESPACE` (default `default`). */
export function temporalTargetFromEnv(env: NodeJS.ProcessEnv = process.env): TemporalTarget {
  return {
    address: env.TEMPORAL_ADDRESS || DEFAULT_TEMPORAL_ADDRESS,
    namespace: env.TEMPORAL_NAMESPACE || DEFAULT_NAMESPACE,
  };
}
