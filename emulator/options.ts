/**
 * The emulator's options, their defaults and their checks: a bad option throws an error naming it.
 */
import type { AppOptions } from './auth/app-options.js';
import type { LimitMaxima } from './limits/api-limits.js';
import type { CustomObjectDefinition } from './org/custom-objects.js';
import type { TlsMaterial } from './tls/certificate.js';

/** Records an object keeps in memory before it moves to the disk store. */
export const DEFAULT_RECORDS_IN_MEMORY = 1_000_000;

/** Options of {@link createSalesforceEmulator}. */
export interface SalesforceEmulatorOptions extends AppOptions {
  /** Port to listen on. @default 0 (a free port) */
  port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /**
   * The org's newest API version, e.g. `62.0`: requests at later versions get 404 NOT_FOUND, as from a real org,
   * and URLs not tied to a request's own version use it. Jobs report the version they were created at.
   * @default '62.0'
   */
  apiVersion?: string;
  /** Background processing speed in rows per second; undefined = as fast as possible while still yielding to the event loop between chunks. */
  recordsPerSecond?: number;
  /** Session lifetime in seconds. @default 7200 */
  sessionSeconds?: number;
  /** Rows per Bulk v1 query result file (Salesforce cuts at 1 GB); small values give several files. @default 100000 */
  bulkV1QueryRowsPerFile?: number;
  /**
   * Rows per page in the links Bulk 2.0 `resultPages` hands out. Salesforce does not document its page size;
   * 50,000 is the page common clients ask for with `maxRecords`. @default 50000
   */
  bulkV2ResultPageRows?: number;
  /** Custom objects (`Invoice__c`, with a key prefix such as `a01`) and custom fields on standard objects. */
  customObjects?: CustomObjectDefinition[];
  /**
   * Daily limit maxima.
   * @default { DailyApiRequests: 15000, DailyBulkApiBatches: 15000, DailyBulkV2QueryJobs: 10000, DailyBulkV2QueryFileStorageMB: 976562 }
   */
  limits?: Partial<LimitMaxima>;
  /** File that keeps the org's records, id counters and Bulk 2.0 ingest jobs across restarts. @default none (memory only) */
  persistPath?: string;
  /**
   * Folder for the emulator's scratch files: the disk record store and large result files, in a fresh folder of
   * its own that is removed on close. @default the system's temporary folder
   */
  dataDir?: string;
  /**
   * Records an object keeps in memory: past this it moves to the disk store (LMDB), so a large org takes a few
   * hundred bytes of disk per record instead of kilobytes of memory. `0` puts every object on disk at its first
   * record; `Infinity` keeps everything in memory. @default 1000000
   */
  recordsInMemory?: number;
  /** Serve HTTPS: `true` makes a self-signed certificate for localhost/127.0.0.1, or bring `{ key, cert }` (PEM). @default false */
  https?: boolean | TlsMaterial;
}

/** The options with their defaults filled in. */
export type ResolvedOptions = Required<
  Omit<
    SalesforceEmulatorOptions,
    'recordsPerSecond' | 'bulkV1QueryRowsPerFile' | 'bulkV2ResultPageRows' | 'customObjects' | PlatformOption
  >
> &
  Pick<
    SalesforceEmulatorOptions,
    'recordsPerSecond' | 'bulkV1QueryRowsPerFile' | 'bulkV2ResultPageRows' | 'customObjects' | PlatformOption
  >;

/** Options of auth, limits, persistence and TLS, which have no defaults to fill in. */
type PlatformOption = keyof AppOptions | 'limits' | 'persistPath' | 'https' | 'dataDir';

/**
 * The store options' defaults, which the environment may set for an emulator started by a command that does not
 * pass them (`bulkflow emulator`): `BULKFLOW_EMULATOR_RECORDS_IN_MEMORY`, `BULKFLOW_EMULATOR_DATA_DIR`.
 */
function storeDefaults(env: NodeJS.ProcessEnv): { recordsInMemory: number; dataDir?: string } {
  const fromEnv = env['BULKFLOW_EMULATOR_RECORDS_IN_MEMORY'];
  const recordsInMemory = fromEnv === undefined || fromEnv === '' ? DEFAULT_RECORDS_IN_MEMORY : Number(fromEnv);
  const dataDir = env['BULKFLOW_EMULATOR_DATA_DIR'];
  return { recordsInMemory, ...(dataDir ? { dataDir } : {}) };
}

/** Fills in defaults and checks the options; a bad one throws an error naming it. */
export function withDefaults(options: SalesforceEmulatorOptions): ResolvedOptions {
  const resolved = {
    port: 0,
    host: '127.0.0.1',
    apiVersion: '62.0',
    sessionSeconds: 7200,
    ...storeDefaults(process.env),
    ...options,
  };
  if (!Number.isInteger(resolved.port) || resolved.port < 0 || resolved.port > 65535) {
    throw new RangeError(`options.port must be an integer from 0 to 65535, got ${resolved.port}`);
  }
  if (!/^\d+\.\d$/.test(resolved.apiVersion)) {
    throw new RangeError(`options.apiVersion must look like '62.0', got '${resolved.apiVersion}'`);
  }
  if (!(resolved.sessionSeconds > 0)) {
    throw new RangeError(`options.sessionSeconds must be positive, got ${resolved.sessionSeconds}`);
  }
  if (resolved.recordsPerSecond !== undefined && !(resolved.recordsPerSecond > 0)) {
    throw new RangeError(`options.recordsPerSecond must be positive, got ${resolved.recordsPerSecond}`);
  }
  if (resolved.persistPath !== undefined && (typeof resolved.persistPath !== 'string' || resolved.persistPath === '')) {
    throw new TypeError('options.persistPath must be a file path');
  }
  if (!(resolved.recordsInMemory >= 0)) {
    throw new RangeError(`options.recordsInMemory must be 0 or more, got ${resolved.recordsInMemory}`);
  }
  if (resolved.dataDir !== undefined && (typeof resolved.dataDir !== 'string' || resolved.dataDir === '')) {
    throw new TypeError('options.dataDir must be a folder path');
  }
  return resolved;
}
