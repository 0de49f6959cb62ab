/**
 * Bulk 2.0 ingest activities. Each is thin: it calls the Salesforce client, heartbeats while it
 * streams, and returns references and counts.
 */
import { activityInfo, log } from '@temporalio/activity';
import { StagingKeys } from '../common/staging-keys.js';
import { ResultMatcher } from '../csv/result-matching.js';
import {
  IngestResultKind,
  isSalesforceError,
  ResultMismatchError,
  type SalesforceClient,
} from '../salesforce/index.js';
import { recordJob } from '../storage/run-ledger.js';
import type { StagingStore } from '../storage/staging-store.js';
import { apiUsageOf } from './api-usage.js';
import { forEachBounded } from '../common/bounded.js';
import { saveAndCount } from '../csv/tally.js';
import { withHeartbeats } from './heartbeat-streams.js';
import { heartbeat } from './keep-alive.js';
import type {
  CreateIngestJobParams,
  DownloadIngestResultsRequest,
  IngestJobResults,
  IngestJobStatus,
  JobCall,
  ResultFileRef,
} from './types.js';
import { atJobVersion } from './job-version.js';
import { onExpiredJob } from './job-expiry.js';
import { isBulk2Terminal } from '../common/wire-values.js';

export interface IngestActivityDeps {
  salesforce: SalesforceClient;
  staging: StagingStore;
}

export function createIngestActivities({ salesforce, staging }: IngestActivityDeps) {
  /** The Bulk 2.0 ingest resource at the job's API version. */
  const ingestAt = (apiVersion: string | undefined) => atJobVersion(salesforce, apiVersion).bulk2Ingest;

  return {
    /**
     * Creates the job at the worker's API version, or adopts the one an earlier attempt of this activity created:
     * the job id and version are heartbeated the moment Salesforce answers, so a retry after a crash finds them
     * in the heartbeat details instead of creating a second job. Returns the version, which every later call on
     * the job uses.
     */
    async createIngestJob(params: CreateIngestJobParams): Promise<IngestJobStatus> {
      const earlier = activityInfo().heartbeatDetails as { jobId?: string; apiVersion?: string } | undefined;
      if (earlier?.jobId) {
        log.info('adopting the Salesforce job an earlier attempt created', { jobId: earlier.jobId });
        const apiVersion = earlier.apiVersion ?? salesforce.apiVersion;
        const job = await ingestAt(apiVersion).getJob(earlier.jobId);
        await recordJob(staging, params, job.id, '2.0', apiVersion);
        return { ...toStatus(job), apiVersion };
      }
      const { apiVersion } = salesforce;
      const job = await salesforce.bulk2Ingest.createJob({
        object: params.object,
        operation: params.operation,
        ...(params.externalIdFieldName ? { externalIdFieldName: params.externalIdFieldName } : {}),
        ...(params.assignmentRuleId ? { assignmentRuleId: params.assignmentRuleId } : {}),
      });
      heartbeat({ jobId: job.id, apiVersion });
      log.info('created Salesforce ingest job', { jobId: job.id, apiVersion });
      await recordJob(staging, params, job.id, '2.0', apiVersion);
      return { ...toStatus(job), apiVersion };
    },

    /**
     * Uploads the unit. Bulk 2.0 takes one upload per job and answers a second one with
     * BULK_API_ERROR "Found multipe contents": after a crash mid-activity, that answer means the
     * earlier attempt's upload arrived, so it counts as done.
     */
    async uploadIngestData({ jobId, apiVersion, unitUrl }: JobCall & { unitUrl: string }): Promise<void> {
      try {
        await ingestAt(apiVersion).upload(jobId, () =>
          withHeartbeats(staging.openRead(unitUrl), (bytes) => ({ jobId, uploadedBytes: bytes })),
        );
      } catch (err) {
        if (isSalesforceError(err) && err.errorCode === 'BULK_API_ERROR' && /multip\w* contents/i.test(err.message)) {
          log.info('the upload of an earlier attempt had arrived; not uploading again', { jobId });
          return;
        }
        throw err;
      }
    },

    /** Marks the upload complete; a job an earlier attempt already closed is left as it is. */
    /**
     * Closes the job (state `UploadComplete`). A retry after a crash finds it closed already: Salesforce answers
     * INVALIDJOBSTATE, and the job's state is read instead. One call in the usual case, not two.
     */
    async closeIngestJob({ jobId, apiVersion }: JobCall): Promise<IngestJobStatus> {
      const ingest = ingestAt(apiVersion);
      try {
        return toStatus(await ingest.closeJob(jobId));
      } catch (err) {
        if (!isSalesforceError(err) || err.errorCode !== 'INVALIDJOBSTATE') throw err;
        const current = await ingest.getJob(jobId);
        if (current.state === 'Open') throw err;
        return toStatus(current);
      }
    },

    async getIngestJobStatus({ jobId, apiVersion, seen }: JobCall): Promise<IngestJobStatus> {
      const job = await onExpiredJob(jobId, seen, () => ingestAt(apiVersion).getJob(jobId));
      return { ...toStatus(job), ...apiUsageOf(salesforce) };
    },

    /** Aborts the job unless it already ended; returns its state either way. */
    async abortIngestJob({ jobId, apiVersion }: JobCall): Promise<IngestJobStatus> {
      const ingest = ingestAt(apiVersion);
      const current = await ingest.getJob(jobId);
      if (current.state === 'JobComplete' || current.state === 'Failed' || current.state === 'Aborted') {
        return toStatus(current);
      }
      await ingest.abortJob(jobId);
      return toStatus(await ingest.getJob(jobId));
    },

    /**
     * Streams the three result sets to staging and checks that they account for every row. The three are
     * fetched at once while the uploaded unit is read for the check, so Salesforce writing one file overlaps
     * with this worker reading the others. Each finished file is heartbeated, so a retry after a crash
     * fetches only what is missing.
     */
    async downloadIngestResults(req: DownloadIngestResultsRequest): Promise<IngestJobResults> {
      return onExpiredJob(req.jobId, { ...req.seen, rows: req.expectedRows }, () => download(req));
    },
  };

  /** {@link downloadIngestResults}'s body. */
  async function download(req: DownloadIngestResultsRequest): Promise<IngestJobResults> {
    const ingest = ingestAt(req.apiVersion);
    const done: Partial<Record<IngestResultKind, ResultFileRef>> = {
      ...(activityInfo().heartbeatDetails as Partial<Record<IngestResultKind, ResultFileRef>> | undefined),
    };
    // One pass: each result row is checked against the uploaded unit as it arrives (files a retry skips are
    // checked from staging), so no file is read twice. The checkers share one synchronous multiset, so
    // files may be checked side by side; each waits for the unit to be read before its first row.
    const reading = req.unitUrl
      ? ResultMatcher.fromInput(staging.openRead(req.unitUrl), req.expectedRows)
      : Promise.resolve(undefined);
    reading.catch(() => undefined); // awaited below; a failure must not go unhandled if no file gets there
    await forEachBounded(Object.values(IngestResultKind), 3, async (kind) => {
      const saved = done[kind];
      if (saved && (await staging.exists(saved.url))) {
        await (await reading)?.check({ name: kind, body: staging.openRead(saved.url) });
        return;
      }
      const key = StagingKeys.jobResults(req.stagingPrefix, req.jobId, kind);
      const response = await ingest.openResults(req.jobId, kind);
      const matcher = await reading.catch((err: unknown) => {
        response.destroy();
        throw err;
      });
      // Heartbeats while streaming carry only the files already finished, which a retry may skip.
      const body = withHeartbeats(response, () => ({ ...done }));
      const rows = await saveAndCount(body, staging.openWrite(key), matcher?.checker(kind));
      done[kind] = { url: staging.urlFor(key), rows };
      heartbeat({ ...done });
    });
    const matcher = await reading;
    const successful = done.successfulResults as ResultFileRef;
    const failed = done.failedResults as ResultFileRef;
    const unprocessed = done.unprocessedrecords as ResultFileRef;
    const total = successful.rows + failed.rows + unprocessed.rows;
    if (req.expectedRows !== undefined && total !== req.expectedRows) {
      throw new ResultMismatchError(
        `Job ${req.jobId}: results account for ${total} rows (${successful.rows} successful, ${failed.rows} failed, ` +
          `${unprocessed.rows} unprocessed) but ${req.expectedRows} were uploaded`,
      );
    }
    // Counts can agree while rows differ: every row was matched above; none of the unit's may be left over.
    matcher?.finish();
    return { successful, failed, unprocessed };
  }
}

export type IngestActivities = ReturnType<typeof createIngestActivities>;

function toStatus(job: {
  id: string;
  state: IngestJobStatus['state'];
  numberRecordsProcessed?: number;
  numberRecordsFailed?: number;
  systemModstamp?: string;
  errorMessage?: string;
}): IngestJobStatus {
  return {
    jobId: job.id,
    state: job.state,
    recordsProcessed: job.numberRecordsProcessed ?? 0,
    recordsFailed: job.numberRecordsFailed ?? 0,
    ...(isBulk2Terminal(job.state) && job.systemModstamp ? { endedAt: job.systemModstamp } : {}),
    ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
  };
}
