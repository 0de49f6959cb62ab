/**
 * A rerun of a business id loads only what earlier runs did not. This activity finds what they loaded: the
 * successful results of every Salesforce job they created, from the files they saved or, where a run never
 * saved them (it failed, was cancelled or terminated mid-job), from Salesforce itself. A job of an earlier run
 * that has not ended is aborted first (its run is over, nobody else follows it) and awaited, so that what it
 * loaded is final before this run decides what to send.
 */
import { Context, log } from '@temporalio/activity';
import { StagingKeys } from '../common/staging-keys.js';
import type { SalesforceClient } from '../salesforce/index.js';
import { isUnknownJob } from './job-expiry.js';
import { readCsvRows } from '../csv/csv.js';
import { isBulk1JobDone } from '../salesforce/bulk1/types.js';
import { isBulk2Terminal, type BulkApi } from '../common/wire-values.js';
import { recordedJobs } from '../storage/run-ledger.js';
import type { StagingStore } from '../storage/staging-store.js';
import { openCsvSink } from './csv-sink.js';
import { saveAndCount } from '../csv/tally.js';
import { withHeartbeats } from './heartbeat-streams.js';
import { atJobVersion } from './job-version.js';
import { heartbeat } from './keep-alive.js';
import type { EarlierRun, EarlierSuccesses } from './types.js';
import { InputError, InputProblem } from '../common/errors.js';

/** How often a job of an earlier run is looked at while it ends after its abort. */
const ENDING_POLL_MS = 2_000;
const SUCCESSFUL = 'successfulResults.csv';

interface EarlierJob {
  jobId: string;
  api: BulkApi;
  /** The version it was created with, when its record says (calls on it use that version). */
  apiVersion?: string;
  /** Saved successful-results files: the job's own (2.0), or by batch id (v1). */
  saved: Map<string, string>;
}

export function createRerunActivities({
  salesforce,
  staging,
}: {
  salesforce: SalesforceClient;
  staging: StagingStore;
}) {
  /** Every job of an earlier run: those it recorded, and those whose results it saved (runs before records). */
  async function jobsOf(run: EarlierRun): Promise<EarlierJob[]> {
    const jobs = new Map<string, EarlierJob>();
    const job = (jobId: string, api: BulkApi, apiVersion?: string) => {
      const known = jobs.get(jobId) ?? {
        jobId,
        api,
        ...(apiVersion ? { apiVersion } : {}),
        saved: new Map<string, string>(),
      };
      jobs.set(jobId, known);
      return known;
    };
    for (const record of await recordedJobs(staging, run.stagingPrefix)) {
      job(record.jobId, record.api, record.apiVersion);
    }
    const folder = StagingKeys.resultsFolder(run.stagingPrefix);
    for (const key of await staging.list(folder)) {
      const parts = key.slice(folder.length).split('/');
      if (parts.at(-1) !== SUCCESSFUL) continue;
      const [jobId, batchId] = parts;
      if (!jobId) continue;
      // `<job>/successfulResults.csv` is a Bulk 2.0 job's; `<job>/<batch>/successfulResults.csv` a v1 batch's.
      job(jobId, parts.length === 3 ? '1.0' : '2.0').saved.set(
        parts.length === 3 ? (batchId ?? '') : '',
        staging.urlFor(key),
      );
    }
    return [...jobs.values()];
  }

  function gone(jobId: string, run: EarlierRun): InputError {
    return new InputError(
      `Cannot tell which rows job ${jobId} of the earlier run ${run.runId} loaded: that run saved no results for it ` +
        'and Salesforce no longer has the job (it deletes job data 7 days after a job ends). Load the input under a ' +
        'new workflow id, or start with ignoreEarlierRuns to load every row again.',
      { problem: InputProblem.EarlierJobGone },
    );
  }

  /** Waits, heartbeating, until `ended()` says so; an abort of this step stops the wait. */
  async function waitUntil(ended: () => Promise<boolean>): Promise<void> {
    while (!(await ended())) await Context.current().sleep(ENDING_POLL_MS);
  }

  async function bulk2Successes(job: EarlierJob, run: EarlierRun, into: string): Promise<string> {
    const saved = job.saved.get('');
    if (saved) return saved;
    const ingest = atJobVersion(salesforce, job.apiVersion).bulk2Ingest;
    const info = await ingest.getJob(job.jobId).catch((err: unknown) => {
      throw isUnknownJob(err) ? gone(job.jobId, run) : err;
    });
    if (!isBulk2Terminal(info.state)) {
      log.info('aborting a job an earlier run left running, to see what it loaded', { jobId: job.jobId });
      await ingest.abortJob(job.jobId);
      await waitUntil(async () => isBulk2Terminal((await ingest.getJob(job.jobId)).state));
    }
    const key = StagingKeys.earlierResults(into, job.jobId);
    const body = withHeartbeats(await ingest.openResults(job.jobId, 'successfulResults'), () => ({ jobId: job.jobId }));
    await saveAndCount(body, staging.openWrite(key));
    return staging.urlFor(key);
  }

  async function bulk1Successes(job: EarlierJob, run: EarlierRun, into: string): Promise<string[]> {
    const v1 = atJobVersion(salesforce, job.apiVersion).bulk1;
    const info = await v1.getJob(job.jobId).catch((err: unknown) => {
      throw isUnknownJob(err) ? gone(job.jobId, run) : err;
    });
    // An Open job could still take batches: abort it (queued batches are then not processed).
    if (info.state === 'Open') await v1.abortJob(job.jobId);
    let batches = await v1.listBatches(job.jobId);
    await waitUntil(async () =>
      isBulk1JobDone(await v1.getJob(job.jobId), (batches = await v1.listBatches(job.jobId))),
    );
    const files: string[] = [];
    for (const batch of batches) {
      const saved = job.saved.get(batch.id);
      if (saved) {
        files.push(saved);
        continue;
      }
      const rows = readCsvRows(await v1.openBatchRequest(job.jobId, batch.id));
      const header = (await rows.next()).value as string[] | undefined;
      if (!header) continue;
      const sink = openCsvSink(staging, StagingKeys.earlierResults(into, job.jobId, batch.id), [
        'sf__Id',
        'sf__Created',
        ...header,
      ]);
      for await (const o of v1.batchOutcomes(job.jobId, batch, rows)) {
        if (o.status === 'success') await sink.write([o.result.id ?? '', String(o.result.created), ...o.input]);
      }
      files.push((await sink.close()).url);
      heartbeat({ jobId: job.jobId, batchId: batch.id });
    }
    return files;
  }

  return {
    /**
     * The successful results of every job the `earlier` runs created, as staged files: saved ones as they are,
     * the others fetched from Salesforce into this run's prefix once their jobs have ended.
     */
    async collectEarlierSuccesses({
      earlier,
      stagingPrefix,
    }: {
      earlier: EarlierRun[];
      stagingPrefix: string;
    }): Promise<EarlierSuccesses> {
      const files: string[] = [];
      let jobs = 0;
      for (const run of earlier) {
        for (const job of await jobsOf(run)) {
          jobs += 1;
          if (job.api === '2.0') files.push(await bulk2Successes(job, run, stagingPrefix));
          else files.push(...(await bulk1Successes(job, run, stagingPrefix)));
        }
      }
      log.info('found what earlier runs of this business id loaded', {
        runs: earlier.length,
        jobs,
        files: files.length,
      });
      return { files, jobs };
    },
  };
}
