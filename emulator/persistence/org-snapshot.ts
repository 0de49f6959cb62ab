/**
 * The saved form of an org: every object's records (recycle bin included), the id counters, and the Bulk 2.0
 * ingest jobs with their uploads (until they stop) and the rows of their result files. Plain JSON; uploads are
 * base64. Version 1 files (jobs with parsed rows and per-row outcomes) are read too.
 */
import { DELIMITER_CHARACTERS, csvLine, newlineOf } from '../bulk2/csv.js';
import type { IngestJob } from '../bulk2/ingest-jobs.js';
import type { IngestJobStore } from '../bulk2/ingest-jobs.js';
import { IngestResults } from '../bulk2/ingest-results.js';
import { bufferData } from '../bulk2/upload-data.js';
import type { FieldValue } from '../org/field-values.js';
import type { Org } from '../org/org.js';
import type { WorkDir } from '../work-dir.js';
import type { RestorableIdFactory } from './restorable-ids.js';

/** Format version written in every file. */
export const SNAPSHOT_VERSION = 2;

/** The rows of a job's result files, as CSV lines. */
interface SavedResults {
  successful: string[];
  failed: string[];
  unprocessed: string[];
}

/** A version 1 job's rows and outcomes, converted on load. */
interface V1JobParts {
  upload?: { headerLine: string; rows: string[][] };
  outcomes?: ({ success: true; id: string; created: boolean } | { success: false; id: string; error: string } | null)[];
}

type SavedJob = Omit<IngestJob, 'createdDate' | 'systemModstamp' | 'data' | 'results'> & {
  createdDate: string;
  systemModstamp: string;
  data?: string;
  results?: SavedResults;
} & V1JobParts;

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
  /** Where restored result files go when they are large. */
  workDir: WorkDir;
}

function saveJob(job: IngestJob): SavedJob {
  const { createdDate, systemModstamp, data, results, ...rest } = job;
  return {
    ...rest,
    createdDate: createdDate.toISOString(),
    systemModstamp: systemModstamp.toISOString(),
    ...(data === undefined ? {} : { data: data.read(0, data.length).toString('base64') }),
    ...(results === undefined
      ? {}
      : {
          results: {
            successful: results.successful.lines(),
            failed: results.failed.lines(),
            unprocessed: results.unprocessed.lines(),
          },
        }),
  };
}

function loadJob(saved: SavedJob, workDir: WorkDir): IngestJob {
  const { createdDate, systemModstamp, data, results, upload, outcomes, ...rest } = saved;
  const job: IngestJob = { ...rest, createdDate: new Date(createdDate), systemModstamp: new Date(systemModstamp) };
  if (data !== undefined) job.data = bufferData(Buffer.from(data, 'base64'));
  if (results === undefined && upload === undefined) return job;
  const restored = new IngestResults(workDir, DELIMITER_CHARACTERS[job.columnDelimiter], newlineOf(job.lineEnding));
  job.results = restored;
  if (results) {
    for (const line of results.successful) restored.successful.append(line);
    for (const line of results.failed) restored.failed.append(line);
    for (const line of results.unprocessed) restored.unprocessed.append(line);
  } else if (upload) {
    convertV1Job(job, restored, upload, outcomes ?? []);
  }
  return job;
}

/** A version 1 job: outcomes by row become result lines; a job still running gets its rows back as an upload. */
function convertV1Job(
  job: IngestJob,
  results: IngestResults,
  upload: NonNullable<V1JobParts['upload']>,
  outcomes: NonNullable<V1JobParts['outcomes']>,
): void {
  job.headerLine = upload.headerLine;
  job.rowCount = upload.rows.length;
  const stopped = job.state === 'JobComplete' || job.state === 'Failed' || job.state === 'Aborted';
  for (const [index, cells] of upload.rows.entries()) {
    const outcome = outcomes[index];
    if (outcome?.success) results.success(outcome.id, outcome.created, cells);
    else if (outcome) results.failure(outcome.id, outcome.error, cells);
    else if (stopped) results.notProcessed(cells);
  }
  if (stopped) return;
  const delimiter = DELIMITER_CHARACTERS[job.columnDelimiter];
  const newline = newlineOf(job.lineEnding);
  const text = upload.headerLine + newline + upload.rows.map((row) => csvLine(row, delimiter) + newline).join('');
  job.data = bufferData(Buffer.from(text));
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
  if (snapshot.version !== SNAPSHOT_VERSION && snapshot.version !== 1) {
    throw new Error(`unsupported snapshot version ${String(snapshot.version)} (expected ${SNAPSHOT_VERSION})`);
  }
  parts.ids.restore(snapshot.ids);
  for (const [objectName, records] of Object.entries(snapshot.records)) {
    if (parts.org.schemas.get(objectName)) parts.org.restoreRecords(objectName, records);
  }
  const jobs = snapshot.ingestJobs.map((saved) => loadJob(saved, parts.workDir));
  for (const job of jobs) parts.ingestJobs.restore(job);
  return jobs;
}
