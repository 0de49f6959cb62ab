/**
 * Serving a worker's metrics to Prometheus. The exporter belongs to the Temporal Runtime, which is one per
 * process and fixed before the first connection: `installMetricsRuntime` installs it, then `/metrics` on that
 * address has the SDK's metrics (`temporal_…`: task slots, polls, workflow and activity latencies, requests)
 * and bulkflow's (`bulkflow_…`, recorded by the activities through the runtime's meter; see
 * `activities/metrics.ts`).
 *
 * The plugin never installs a Runtime: a team's worker process owns its own (its logger, perhaps an
 * OpenTelemetry exporter), and by the time a plugin exists a connection usually does too. With the team's
 * exporter, bulkflow's counters appear beside the team's metrics without anything else to configure.
 *
 * @example
 * installMetricsRuntime({ prometheusAddress: '0.0.0.0:9464' }); // first, before NativeConnection.connect
 * const connection = await NativeConnection.connect({ address: 'temporal:7233' });
 */
import { Runtime, type RuntimeOptions } from '@temporalio/worker';

/** Options of {@link installMetricsRuntime}. */
export interface MetricsRuntimeOptions {
  /** `ip:port` the Prometheus exporter listens on, e.g. `0.0.0.0:9464`; metrics are at `/metrics`. */
  prometheusAddress: string;
  /** The Runtime's other options (logger, shutdown signals); their `telemetryOptions.metrics` is replaced. */
  runtime?: RuntimeOptions;
}

/** `BULKFLOW_METRICS_ADDRESS`, or undefined when metrics are not wanted. */
export function metricsAddressFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const address = env.BULKFLOW_METRICS_ADDRESS?.trim();
  return address ? address : undefined;
}

/**
 * Installs the process's Temporal Runtime with a Prometheus exporter. Fails, saying why, when a Runtime
 * already exists (a connection or worker was created first, or another `Runtime.install`), or when the
 * address is not `ip:port` or is taken.
 */
export function installMetricsRuntime(options: MetricsRuntimeOptions): Runtime {
  const { prometheusAddress } = options;
  if (!/^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\]):\d{1,5}$/.test(prometheusAddress)) {
    throw new Error(
      `the Prometheus metrics address "${prometheusAddress}" is not ip:port ` +
        '(e.g. 0.0.0.0:9464, 127.0.0.1:9464, [::]:9464)',
    );
  }
  const base = options.runtime ?? {};
  try {
    return Runtime.install({
      ...base,
      telemetryOptions: { ...base.telemetryOptions, metrics: { prometheus: { bindAddress: prometheusAddress } } },
    });
  } catch (err) {
    const reason = (err as Error).message;
    const hint = /already been (installed|instantiated)/.test(reason)
      ? '; install it before creating any NativeConnection, Worker or test environment'
      : '';
    throw new Error(`cannot serve Prometheus metrics on ${prometheusAddress}: ${reason}${hint}`, {
      cause: err,
    });
  }
}
