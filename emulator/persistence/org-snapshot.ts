/**
 * The saved form of an org: every object's records (recycle bin included), the id counters, and the Bulk 2.0
 * ingest jobs with their uploads and row outcomes. Plain JSON; uploads not yet parsed are base64.
 */
import type { IngestJob, RowOutcome } from '../bulk2/ingest-jobs.js';
import type { IngestJobStore } from '../bulk2/ingest-jobs.js';
import type { FieldValue } from '../org/field-values.js';
import type { Org } from '../org/org.js';
import type { RestorableIdFactory } from './restorable-ids.js';

/** Format version written in every file. */
export const SNAPSHOT_VERSION = 1;

type SavedJob = Omit<IngestJob, 'createdDate' | 'systemModstamp' | 'data' | 'outcomes'> & {
  createdDate: string;
  systemModstamp: string;
  data?: string;
  outcomes: (RowOutcome | null)[];
};

/** The file's content. */
export interface OrgSnapshot {
  version: number;
  savedAt: string;
  ids: Record<string, number>;
  records: Record<string, Record<string, FieldValue>[]>;
  ingestJobs: SavedJob[];
}

/** What is saved and restored. */
export interface SnapshotParts {
  org: Org;
  ids: RestorableIdFactory;
  ingestJobs: IngestJobStore;
}

function saveJob(job: IngestJob): SavedJob {
  const { createdDate, systemModstamp, data, outcomes, ...rest } = job;
  return {
    ...rest,
    createdDate: createdDate.toISOString(),
    systemModstamp: systemModstamp.toISOString(),
    ...(data === undefined ? {} : { data: data.toString('base64') }),
    outcomes: Array.from(outcomes, (outcome) => outcome ?? null),
  };
}

function loadJob(saved: SavedJob): IngestJob {
  const { createdDate, systemModstamp, data, outcomes, ...rest } = saved;
  return {
    ...rest,
    createdDate: new Date(createdDate),
    systemModstamp: new Date(systemModstamp),
    ...(data === undefined ? {} : { data: Buffer.from(data, 'base64') }),
    outcomes: outcomes.map((outcome) => outcome ?? undefined),
  };
}

/** Takes a snapshot of the org. */
export function takeSnapshot(parts: SnapshotParts): OrgSnapshot {
  const records: OrgSnapshot['records'] = {};
  for (const schema of parts.org.schemas.list()) {
    records[schema.name] = parts.org.getRecords(schema.name, { includeDeleted: true });
  }
  return {
    version: SNAPSHOT_VERSION,
    savedAt: new Date().toISOString(),
    ids: parts.ids.snapshot(),
    records,
    ingestJobs: parts.ingestJobs.list().map(saveJob),
  };
}

/** Puts a snapshot back; objects the org no longer defines are skipped. Returns the restored ingest jobs. */
export function restoreSnapshot(parts: SnapshotParts, snapshot: OrgSnapshot): IngestJob[] {
  if (snapshot.version !== SNAPSHOT_VERSION) {
    throw new Error(`unsupported snapshot version ${String(snapshot.version)} (expected ${SNAPSHOT_VERSION})`);
  }
  parts.ids.restore(snapshot.ids);
  for (const [objectName, records] of Object.entries(snapshot.records)) {
    if (parts.org.schemas.get(objectName)) parts.org.restoreRecords(objectName, records);
  }
  const jobs = snapshot.ingestJobs.map(loadJob);
  for (const job of jobs) parts.ingestJobs.restore(job);
  return jobs;
}
