/**
 * The emulator's state and workers, built from its options: the clock, the org with its users, sessions, job
 * stores and their background processors, faults, limits and persistence. The server wires routes to them.
 */
import { configureDevApp } from './auth/app-options.js';
import { ORG_ID, ORG_USERS, PROFILE_ID } from './auth/credentials.js';
import type { ConnectedApp, OrgUser } from './auth/credentials.js';
import { RefreshTokenStore } from './auth/refresh-tokens.js';
import { SessionStore } from './auth/sessions.js';
import { DailyBatchCounter } from './bulk1/daily-batches.js';
import { V1JobStore } from './bulk1/v1-jobs.js';
import { V1Processor } from './bulk1/v1-processor.js';
import { IngestJobStore } from './bulk2/ingest-jobs.js';
import { IngestProcessor } from './bulk2/ingest-processor.js';
import { QueryJobStore } from './bulk2/query-jobs.js';
import { QueryProcessor } from './bulk2/query-processor.js';
import { EmulatorClock, auditTimestamp } from './clock.js';
import { FaultInjector } from './faults/fault-injector.js';
import { createProcessingHooks } from './faults/processing-hooks.js';
import { ApiLimits, LimitName } from './limits/api-limits.js';
import type { ResolvedOptions } from './options.js';
import { buildObjects } from './org/custom-objects.js';
import { formatDateTime } from './org/field-values.js';
import { Org } from './org/org.js';
import { organizationRecord, userRecords } from './org/platform-objects.js';
import { STANDARD_OBJECTS } from './org/standard-objects.js';
import { OrgPersistence } from './persistence/org-persistence.js';
import { RestorableIdFactory } from './persistence/restorable-ids.js';
import { QueryCursorStore } from './rest-query/query-cursors.js';
import { DiskStore } from './org/disk-store.js';
import { WorkDir } from './work-dir.js';

/** The org's name, as `Organization.Name` and SOAP login's `organizationName` show it. */
export const ORGANIZATION_NAME = 'Bulkflow Emulator';
/** The emulated instance, as `Organization.InstanceName` shows it. */
const INSTANCE_NAME = 'EMU1';

/** Everything the routes work on. */
export interface EmulatorComponents {
  clock: EmulatorClock;
  ids: RestorableIdFactory;
  org: Org;
  users: readonly OrgUser[];
  app: ConnectedApp;
  sessions: SessionStore;
  refreshTokens: RefreshTokenStore;
  faults: FaultInjector;
  limits: ApiLimits;
  dailyBatches: DailyBatchCounter;
  persistence: OrgPersistence | undefined;
  ingestJobs: IngestJobStore;
  ingestProcessor: IngestProcessor;
  queryJobs: QueryJobStore;
  queryProcessor: QueryProcessor;
  v1Jobs: V1JobStore;
  v1Processor: V1Processor;
  restCursors: QueryCursorStore;
  /** Tells persistence that something changed. */
  changed: () => void;
  /** Scratch files: the disk record store, large result files. */
  workDir: WorkDir;
  disk: DiskStore;
}

function buildOrg(config: ResolvedOptions, ids: RestorableIdFactory, clock: EmulatorClock, disk: DiskStore): Org {
  const created = formatDateTime(auditTimestamp(clock));
  const users = ORG_USERS.map((user) => ({ ...user, profileId: PROFILE_ID }));
  const creator = users[0]?.id ?? '';
  const organization = { id: ORG_ID, name: ORGANIZATION_NAME, instanceName: INSTANCE_NAME };
  return new Org({
    ids,
    clock,
    userIds: users.map((user) => user.id),
    objects: buildObjects(STANDARD_OBJECTS, config.customObjects),
    store: { recordsInMemory: config.recordsInMemory, disk },
    seedRecords: {
      User: userRecords(users, created),
      Organization: [organizationRecord(organization, creator, created)],
    },
  });
}

const rate = (config: ResolvedOptions) =>
  config.recordsPerSecond ? { recordsPerSecond: config.recordsPerSecond } : {};

/** Builds the emulator's state from its options. */
export function buildComponents(config: ResolvedOptions): EmulatorComponents {
  const clock = new EmulatorClock();
  const ids = new RestorableIdFactory();
  const workDir = new WorkDir(config.dataDir);
  const disk = new DiskStore(workDir);
  const org = buildOrg(config, ids, clock, disk);
  const sessions = new SessionStore(ORG_ID, config.sessionSeconds);
  const ingestJobs = new IngestJobStore(ids, clock);
  const faults = new FaultInjector(sessions);
  const persistence = config.persistPath
    ? new OrgPersistence(config.persistPath, { org, ids, ingestJobs, workDir })
    : undefined;
  const changed = () => persistence?.changed();
  /** Bulk API batches of the rolling day: what `/limits` reports as DailyBulkApiBatches. */
  const dailyBatches = new DailyBatchCounter(config.limits?.DailyBulkApiBatches);
  const limits = new ApiLimits(config.limits, { [LimitName.DailyBulkApiBatches]: dailyBatches });
  const hooks = createProcessingHooks({ faults, limits, changed });
  const v1Jobs = new V1JobStore(ids, clock);
  return {
    clock,
    ids,
    org,
    users: ORG_USERS,
    app: configureDevApp(config),
    sessions,
    refreshTokens: new RefreshTokenStore(),
    faults,
    limits,
    dailyBatches,
    persistence,
    ingestJobs,
    ingestProcessor: new IngestProcessor({ org, hooks, clock, workDir, ...rate(config) }),
    queryJobs: new QueryJobStore(ids, clock),
    queryProcessor: new QueryProcessor({ org, clock, workDir, ...rate(config) }),
    v1Jobs,
    v1Processor: new V1Processor({
      org,
      ids,
      jobs: v1Jobs,
      onBatchesAdded: (count) => dailyBatches.count(count),
      hooks,
      ...rate(config),
      ...(config.bulkV1QueryRowsPerFile ? { queryRowsPerFile: config.bulkV1QueryRowsPerFile } : {}),
    }),
    restCursors: new QueryCursorStore(),
    changed,
    workDir,
    disk,
  };
}

/** Clears records (but users and the organization), jobs, cursors, faults and limit usage. */
export function resetComponents(parts: EmulatorComponents): void {
  parts.restCursors.clear();
  parts.ingestProcessor.stopAll();
  parts.queryProcessor.stopAll();
  parts.queryJobs.clear();
  parts.v1Processor.stopAll();
  parts.v1Jobs.clear();
  parts.dailyBatches.reset();
  parts.ingestJobs.clear();
  parts.org.reset();
  parts.faults.clear();
  parts.limits.reset();
  parts.changed();
}

/** Closes the stores and removes the scratch folder; after the last save. */
export function closeStores(parts: EmulatorComponents): void {
  parts.org.close();
  parts.disk.close();
  parts.workDir.remove();
}

/** Stops every background worker. */
export function stopProcessing(parts: EmulatorComponents): void {
  parts.ingestProcessor.stopAll();
  parts.queryProcessor.stopAll();
  parts.v1Processor.stopAll();
}
