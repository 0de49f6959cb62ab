/**
 * The bulkflow Temporal plugin: bulkflow's workflows and activities in a team's existing worker, on the
 * team's task queue and beside the team's own workflows and activities, which stay theirs. With a key,
 * it also encrypts payloads, for the worker and for a `Client` given the same plugin. Its activities record
 * bulkflow's metrics through the worker's Runtime, which exports them if it has an exporter (`metrics.ts`).
 *
 * @example
 * import { NativeConnection, Worker } from '@temporalio/worker';
 * import { bulkflowPlugin } from 'bulkflow/worker';
 * import { createSalesforceClient, salesforceOptionsFromEnv } from 'bulkflow/salesforce';
 *
 * const worker = await Worker.create({
 *   connection: await NativeConnection.connect({ address: 'temporal:7233' }),
 *   taskQueue: 'billing',                                                     // the team's queue
 *   workflowsPath: fileURLToPath(new URL('./workflows.js', import.meta.url)), // the team's workflows
 *   activities,                                                               // the team's activities
 *   plugins: [bulkflowPlugin({ salesforce: createSalesforceClient(salesforceOptionsFromEnv()) })],
 * });
 * // Services then start bulk jobs on that queue: startBulkIngest(client, input, { taskQueue: 'billing' }).
 */
import { SimplePlugin } from '@temporalio/plugin';
import {
  NativeConnection,
  Runtime,
  type ActivityInterceptorsFactory,
  type BundleOptions,
  type BundlerPlugin,
  type ReplayWorkerOptions,
  type WorkerOptions,
  type WorkerPlugin,
  type WorkflowBundleOption,
} from '@temporalio/worker';
import { createBulkActivities } from '../activities/index.js';
import { encryptionDataConverter, type EncryptionCodec, type EncryptionKey } from '../common/encryption-codec.js';
import type { SalesforceClient } from '../salesforce/index.js';
import type { UploadLimits } from '../csv/split.js';
import { stagingStoreFromEnv, type StagingStore } from '../storage/index.js';
import { WorkflowType } from '../workflows/contract.js';
import { prebuiltWorkflowBundle, teamWorkflowsPlaceholders, workflowsEntryPath } from './paths.js';
import { ensureSearchAttributes } from './search-attributes.js';

/** Options of {@link bulkflowPlugin}: what bulkflow's activities need, and what the plugin adds to a worker. */
export interface BulkflowPluginOptions {
  /** The Salesforce client the activities call, e.g. `createSalesforceClient(salesforceOptionsFromEnv())`. */
  salesforce: SalesforceClient;
  /** Where upload units and result files go. @default stagingStoreFromEnv() */
  staging?: StagingStore;
  /**
   * Encrypt every payload in history (AES-256-GCM) with this key (32 bytes), or with this codec (for
   * previous keys during a rotation, or `encryptionCodecFromEnv()`). Appended after the worker's own
   * payload codecs. Clients need the same key: `bulkflowClientPlugin` from `bulkflow/client`.
   * @default none: payloads go to history as they are
   */
  encryptionKey?: EncryptionKey | EncryptionCodec | undefined;
  /** Bulk 2.0 upload unit limits (tests use small ones to exercise splitting). */
  uploadLimits?: UploadLimits;
  /** Bulk v1 batch limits. */
  v1BatchLimits?: UploadLimits;
  /**
   * At `Worker.create`, check that the namespace has bulkflow's search attributes: register them where
   * the server allows it (dev servers, self-hosted), else fail with the commands that register them.
   * @default true
   */
  checkSearchAttributes?: boolean;
  /**
   * Record bulkflow's metrics (`bulkflow_rows_total`, `bulkflow_salesforce_api_calls_total`,
   * `bulkflow_jobs_total`) through the activities' metric meter, so that the worker's Temporal Runtime
   * exports them beside the SDK's. The plugin does not install a Runtime or exporter: that is the process's
   * (`installMetricsRuntime` from `bulkflow/worker`, or your own `Runtime.install`), before any connection.
   * @default true
   */
  metrics?: boolean;
}

type ClientOptionsLike = Parameters<SimplePlugin['configureClient']>[0];

/**
 * See the module's example. One instance may go to `Worker.create`, `bundleWorkflowCode`,
 * `Worker.runReplayHistories` and `new Client({ plugins })` alike.
 */
export class BulkflowPlugin implements WorkerPlugin, BundlerPlugin {
  readonly name = 'bulkflow';
  readonly #simple: SimplePlugin;
  readonly #checkSearchAttributes: boolean;

  constructor(options: BulkflowPluginOptions) {
    const activities = createBulkActivities({
      salesforce: options.salesforce,
      staging: options.staging ?? stagingStoreFromEnv(),
      ...(options.uploadLimits ? { uploadLimits: options.uploadLimits } : {}),
      ...(options.v1BatchLimits ? { v1BatchLimits: options.v1BatchLimits } : {}),
      ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
      // Read when an activity records, so it is the Runtime the worker runs on, not one made here.
      runtimeMeter: () => Runtime.instance().metricMeter,
    });
    const dataConverter = encryptionDataConverter(options.encryptionKey);
    this.#checkSearchAttributes = options.checkSearchAttributes ?? true;
    this.#simple = new SimplePlugin({
      name: this.name,
      activities: (existing) => mergeActivities(existing, activities),
      workerInterceptors: { activity: [withoutTaskTokens] },
      ...(dataConverter ? { dataConverter } : {}),
    });
  }

  async configureWorker(options: WorkerOptions): Promise<WorkerOptions> {
    if (this.#checkSearchAttributes) await checkSearchAttributes(options);
    return withBulkflowWorkflows(this.#simple.configureWorker(options));
  }

  configureReplayWorker(options: ReplayWorkerOptions): ReplayWorkerOptions {
    return withBulkflowWorkflows(this.#simple.configureReplayWorker(options));
  }

  /**
   * Bundles bulkflow's workflows beside the team's: the entry becomes `workflows-entry`, whose
   * placeholder import resolves to the team's `workflowsPath`. A workflowsPath keeps only one module,
   * so replacing it (as `SimplePlugin` would) would drop one side.
   */
  configureBundler(options: BundleOptions): BundleOptions {
    const entry = workflowsEntryPath();
    if (options.workflowsPath === entry) return options;
    const team = options.workflowsPath;
    const previousHook = options.webpackConfigHook;
    return {
      ...options,
      workflowsPath: entry,
      webpackConfigHook: (config) => {
        const base = previousHook ? previousHook(config) : config;
        const placeholders = teamWorkflowsPlaceholders();
        const existing = base.resolve?.alias ?? {};
        const alias = Array.isArray(existing)
          ? [...existing, ...placeholders.map((name) => ({ name, alias: team, onlyModule: true }))]
          : { ...existing, ...Object.fromEntries(placeholders.map((name) => [`${name}$`, team])) };
        return { ...base, resolve: { ...base.resolve, alias } };
      },
    };
  }

  /** The payload codec for a `Client` (`new Client({ connection, plugins: [plugin] })`). */
  configureClient(options: ClientOptionsLike): ClientOptionsLike {
    return this.#simple.configureClient(options);
  }
}

/** `new BulkflowPlugin(options)`, for `plugins: [bulkflowPlugin({ salesforce })]`. */
export function bulkflowPlugin(options: BulkflowPluginOptions): BulkflowPlugin {
  return new BulkflowPlugin(options);
}

/**
 * Activity log lines without the task token the SDK adds to them: whoever holds a token can complete or fail
 * that activity, so it does not belong in logs that go to a log store.
 */
const withoutTaskTokens: ActivityInterceptorsFactory = () => ({
  outbound: {
    getLogAttributes: (input, next) => {
      const { taskToken: _taskToken, ...rest } = next(input);
      return rest;
    },
  },
});

function mergeActivities(existing: object | undefined, ours: object): object {
  const clashes = Object.keys(ours).filter((name) => existing !== undefined && name in existing);
  if (clashes.length > 0) {
    throw new Error(
      `bulkflow plugin: the worker already has activities named ${clashes.join(', ')}; ` +
        'rename them, or register the bulkflow plugin only once',
    );
  }
  return { ...existing, ...ours };
}

/**
 * Without workflows of its own the worker runs bulkflow's: from the bundle built with the package when it fits
 * the installed SDK, else bundled at start. A prebuilt bundle of the team's must already hold them.
 */
function withBulkflowWorkflows<T extends { workflowsPath?: string; workflowBundle?: WorkflowBundleOption }>(
  options: T,
): T {
  const bundle = options.workflowBundle;
  if (bundle === undefined && options.workflowsPath === undefined) {
    const prebuilt = prebuiltWorkflowBundle();
    return prebuilt ? { ...options, workflowBundle: prebuilt } : { ...options, workflowsPath: workflowsEntryPath() };
  }
  if (bundle === undefined) return options;
  if ('code' in bundle && !bundle.code.includes(WorkflowType.BulkIngest)) {
    throw new Error(
      `bulkflow plugin: the worker's workflowBundle has no ${WorkflowType.BulkIngest}. Build it with the plugin: ` +
        'bundleWorkflowCode({ workflowsPath, plugins: [bulkflowPlugin(...)] })',
    );
  }
  return options;
}

async function checkSearchAttributes(options: WorkerOptions): Promise<void> {
  const namespace = options.namespace ?? 'default';
  if (options.connection) return ensureSearchAttributes(options.connection, namespace);
  // Worker.create connects to localhost:7233 without a connection; so does the check.
  const connection = await NativeConnection.connect();
  try {
    await ensureSearchAttributes(connection, namespace);
  } finally {
    await connection.close();
  }
}
