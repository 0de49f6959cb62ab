/**
 * The run ledger: what the staging store remembers of a business id's runs after Temporal has forgotten them.
 *
 * A workflow id is the user's business id ("load contacts-2026-11-23"). Temporal keeps closed runs only for the
 * namespace's retention period; the ledger keeps, beside the staged data, one record per run that claimed the id
 * (`attempt-0001.json`, created with a conditional write, so two runs racing for the same number cannot both
 * win) and how that run ended (`attempt-0001.outcome.json`, written by that run alone). From it a new run of
 * the same id learns whether the id was already loaded (then it returns that result and loads nothing) and
 * where the earlier runs' staged data and results are (then it loads only the rows they did not).
 *
 * Layout, under the store's root: `ledger/<encoded workflow id>/attempt-NNNN.json` and `…outcome.json`.
 * The ledger is never under a run's own staging prefix, so removing a run's staged data leaves it.
 */
import type { Readable } from 'node:stream';
import { StagingKeys } from '../common/staging-keys.js';
import type { StagingStore } from './staging-store.js';
import type { BulkApi } from '../common/wire-values.js';

/** What a run records when it claims a business id. */
export interface RunClaim {
  /** 1 for the first run of the id, then 2, 3, … */
  attempt: number;
  workflowId: string;
  /** The run's first execution run id (continue-as-new keeps it). */
  runId: string;
  /** The Temporal namespace the run belongs to. */
  namespace: string;
  /** Where the run stages its input and results (`<encoded id>/<first run id>`). */
  stagingPrefix: string;
  /** `ingest` or `query`. */
  kind: string;
  /** ISO time of the claim. */
  claimedAt: string;
}

/** How a run ended, as it recorded it. Runs that were terminated record nothing. */
export interface RunOutcome {
  state: 'Completed' | 'Failed' | 'Aborted' | 'Cancelled';
  endedAt: string;
  /** The workflow's result (ingest or query), for `Completed`; a summary otherwise. */
  result?: unknown;
}

/** One claimed attempt and, when the run recorded one, its outcome. */
export interface LedgerEntry {
  claim: RunClaim;
  outcome?: RunOutcome;
}

const ATTEMPT = /attempt-(\d{4,})\.json$/;

/** The ledger of one business id in a staging store. */
export class RunLedger {
  constructor(
    private readonly store: StagingStore,
    readonly workflowId: string,
  ) {}

  /** Every claimed attempt, oldest first, with the outcomes recorded so far. */
  async entries(): Promise<LedgerEntry[]> {
    const keys = await this.store.list(`${StagingKeys.ledgerFolder(this.workflowId)}/`);
    const attempts = keys
      .map((key) => Number(ATTEMPT.exec(key)?.[1] ?? NaN))
      .filter((n) => Number.isInteger(n))
      .sort((a, b) => a - b);
    const outcomes = new Set(keys.filter((key) => key.endsWith('.outcome.json')));
    return Promise.all(
      attempts.map(async (attempt) => {
        const claim = await this.read<RunClaim>(this.claimKey(attempt));
        const outcomeKey = this.outcomeKey(attempt);
        const outcome = outcomes.has(outcomeKey) ? await this.read<RunOutcome>(outcomeKey) : undefined;
        return outcome ? { claim, outcome } : { claim };
      }),
    );
  }

  /**
   * Claims the next attempt number for `claim` (its `attempt` is ignored) with a conditional write; when
   * another run takes that number first, the next one. A run that claimed before (a retried step) gets its own
   * claim back. Returns the claim and the entries before it.
   */
  async claim(claim: Omit<RunClaim, 'attempt'>): Promise<{ claim: RunClaim; earlier: LedgerEntry[] }> {
    for (;;) {
      const entries = await this.entries();
      const mine = entries.find((e) => e.claim.runId === claim.runId);
      if (mine) return { claim: mine.claim, earlier: entries.filter((e) => e.claim.attempt < mine.claim.attempt) };
      const attempt = (entries.at(-1)?.claim.attempt ?? 0) + 1;
      const record: RunClaim = { ...claim, attempt };
      if (await this.store.createIfAbsent(this.claimKey(attempt), JSON.stringify(record))) {
        return { claim: record, earlier: entries };
      }
    }
  }

  /** Records how attempt `attempt` ended (overwrites: a retried step writes the same thing again). */
  async recordOutcome(attempt: number, outcome: RunOutcome): Promise<void> {
    await writeText(this.store, this.outcomeKey(attempt), JSON.stringify(outcome));
  }

  private claimKey(attempt: number): string {
    return StagingKeys.ledgerAttempt(this.workflowId, attempt);
  }

  private outcomeKey(attempt: number): string {
    return StagingKeys.ledgerOutcome(this.workflowId, attempt);
  }

  private async read<T>(key: string): Promise<T> {
    return JSON.parse(await readText(this.store.openRead(this.store.urlFor(key)))) as T;
  }
}

/** What a run records of each Salesforce job it creates, the moment Salesforce answers the create. */
export interface JobRecord {
  jobId: string;
  api: BulkApi;
  /** The API version the job was created with (absent in records written before it was kept). */
  apiVersion?: string;
  object: string;
  operation: string;
  createdAt: string;
}

/**
 * Records a job under the run's staging prefix, and in the store-wide job index. A later run of the business id
 * reads the first to learn what every job of this run loaded, also the jobs whose results this run never saved
 * (it was terminated, say); a sweep of orphaned jobs reads the index to touch bulkflow's jobs only. Runs started
 * before job records existed pass no prefix, and record nothing.
 */
export async function recordJob(
  store: StagingStore,
  run: { stagingPrefix?: string; object: string; operation: string },
  jobId: string,
  api: JobRecord['api'],
  apiVersion?: string,
): Promise<void> {
  if (!run.stagingPrefix) return;
  const record: JobRecord = {
    jobId,
    api,
    ...(apiVersion ? { apiVersion } : {}),
    object: run.object,
    operation: run.operation,
    createdAt: new Date().toISOString(),
  };
  await writeText(store, StagingKeys.jobRecord(run.stagingPrefix, jobId), JSON.stringify(record));
  const indexed: IndexedJobRecord = { ...record, stagingPrefix: run.stagingPrefix };
  await writeText(store, StagingKeys.jobIndexEntry(jobId), JSON.stringify(indexed));
}

/** A job record in the store-wide index: the record and the run's staging prefix. */
export interface IndexedJobRecord extends JobRecord {
  stagingPrefix: string;
}

const INDEX_ENTRY = /^jobs\/[^/]+\.json$/;

/**
 * Every job bulkflow recorded in this store's index, by job id: the jobs it created. Jobs created before the index
 * existed are in their runs' own records only, and not here.
 */
export async function recordedJobIndex(store: StagingStore): Promise<Map<string, IndexedJobRecord>> {
  const keys = (await store.list(StagingKeys.jobIndexFolder)).filter((key) => INDEX_ENTRY.test(key));
  const records = await Promise.all(
    keys.map(async (key) => JSON.parse(await readText(store.openRead(store.urlFor(key)))) as IndexedJobRecord),
  );
  return new Map(records.map((record) => [record.jobId, record]));
}

/** The jobs a run recorded. */
export async function recordedJobs(store: StagingStore, stagingPrefix: string): Promise<JobRecord[]> {
  const keys = await store.list(StagingKeys.jobRecordsFolder(stagingPrefix));
  return Promise.all(
    keys
      .filter((k) => k.endsWith('.json'))
      .map(async (k) => JSON.parse(await readText(store.openRead(store.urlFor(k)))) as JobRecord),
  );
}

/** Writes a small text object whole. */
export async function writeText(store: StagingStore, key: string, text: string): Promise<void> {
  const sink = store.openWrite(key);
  await new Promise<void>((resolve, reject) => {
    sink.once('error', reject);
    sink.end(text, () => resolve());
  });
}

/** A whole (small) stream as UTF-8 text. */
export async function readText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
