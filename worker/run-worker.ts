/**
 * The standalone worker (`bulkflow worker`): everything from the environment, bulkflow's plugin on
 * a plain `Worker`, runs until SIGINT or SIGTERM, lets in-flight activities finish for a grace
 * period before it stops. With `BULKFLOW_METRICS_ADDRESS` it serves Prometheus metrics (the SDK's and
 * bulkflow's) at `http://<address>/metrics`.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { encryptionCodecFromEnv } from '../common/encryption-codec.js';
import {
  connectionOptionsOf,
  describeTarget,
  TemporalRefusedError,
  temporalTargetFromEnv,
  TemporalUnreachableError,
  type TemporalTarget,
} from '../common/temporal-target.js';
import { createSalesforceClient, describeLoginFromEnv, salesforceOptionsFromEnv } from '../salesforce/index.js';
import { stagingStoreFromEnv } from '../storage/index.js';
import { DEFAULT_TASK_QUEUE } from '../workflows/contract.js';
import { installMetricsRuntime, metricsAddressFromEnv } from './metrics.js';
import { bulkflowPlugin } from './plugin.js';

/** What `bulkflow worker` reads from the environment (Temporal target, task queue, metrics address). */
export interface WorkerEnvConfig extends TemporalTarget {
  taskQueue: string;
  /** Where Prometheus scrapes `/metrics`, e.g. `0.0.0.0:9464`; none when undefined. */
  metricsAddress?: string;
}

/** The Temporal connection (the SDK's environment configuration), `BULKFLOW_TASK_QUEUE`, `BULKFLOW_METRICS_ADDRESS`. */
export function workerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnvConfig {
  const metricsAddress = metricsAddressFromEnv(env);
  return {
    ...temporalTargetFromEnv(env),
    taskQueue: env.BULKFLOW_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
    ...(metricsAddress ? { metricsAddress } : {}),
  };
}

/**
 * `bulkflow worker`: a worker configured from the environment (Temporal, `SF_*` credentials, staging, key,
 * metrics), running until SIGINT or SIGTERM, then shutting down gracefully.
 */
export async function runWorkerFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = workerConfigFromEnv(env);
  // Incomplete credentials refuse to start here, naming what is missing, before anything connects.
  const salesforce = createSalesforceClient(salesforceOptionsFromEnv(env));
  process.stdout.write(`${loginLine(env)}\n`);
  // The Runtime, and with it the exporter, is fixed by the first connection: install it before.
  if (config.metricsAddress) installMetricsRuntime({ prometheusAddress: config.metricsAddress });
  const plugin = bulkflowPlugin({
    salesforce,
    staging: stagingStoreFromEnv(env),
    encryptionKey: encryptionCodecFromEnv(env),
  });
  const connection = await connectWorker(config);
  try {
    // The plugin checks (and on dev servers registers) the search attributes before the worker polls.
    const worker = await Worker.create({
      connection,
      namespace: config.namespace,
      taskQueue: config.taskQueue,
      shutdownGraceTime: '10 seconds',
      plugins: [plugin],
    });
    process.stdout.write(`bulkflow worker polling task queue "${config.taskQueue}" on ${describeTarget(config)}\n`);
    if (config.metricsAddress) process.stdout.write(`metrics at http://${config.metricsAddress}/metrics\n`);
    await worker.run();
  } finally {
    await connection.close();
  }
}

/**
 * How the SDK's native connection words gRPC's PERMISSION_DENIED and UNAUTHENTICATED (its errors carry the status
 * only in their text): `Failed to call GetSystemInfo: code: 'The caller does not have permission …'`.
 */
const REFUSED_TEXT = /does not have permission|does not have valid authentication credentials/i;

/** The worker's connection; a failure names the server and what to check, as the CLI's does. */
async function connectWorker(target: TemporalTarget): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect(connectionOptionsOf(target));
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    throw REFUSED_TEXT.test(text) ? new TemporalRefusedError(target, err) : new TemporalUnreachableError(target, err);
  }
}

/** `Salesforce: OAuth username-password at https://… as dev@…`, and a warning when that is production by default. */
export function loginLine(env: NodeJS.ProcessEnv = process.env): string {
  const login = describeLoginFromEnv(env);
  const who = login.username ? ` as ${login.username}` : '';
  const warning = login.defaultedToProduction
    ? ' (SF_LOGIN_URL is not set: this is production Salesforce; set it for a sandbox, https://test.salesforce.com)'
    : '';
  return `Salesforce: ${login.flow} at ${login.url}${who}${warning}`;
}
