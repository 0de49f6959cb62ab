/**
 * Bulk API v1 endpoints under `/services/async/{version}/` (a bare `59.0`, not `v59.0`): jobs, batches, batch
 * requests and results, query result files.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_intro.htm
 */
import { canHardDelete } from '../auth/permissions.js';
import { auditTimestamp } from '../clock.js';
import { BodyTooLargeError, readBody } from '../http/http-helpers.js';
import type { Router } from '../http/router.js';
import { batchInfoJson, batchInfoXml, batchListJson, batchListXml, jobInfoJson, jobInfoXml } from './info-format.js';
import { parseCreateJob, readJobInfoBody, requestedState } from './job-request.js';
import { ingestResults, queryResultFile, resultIdList } from './results-format.js';
import { V1BatchState, V1JobState, isQuery, settleJobState } from './v1-jobs.js';
import type { V1Batch, V1Job } from './v1-jobs.js';
import { requireBatch, requireJob, v1Handler } from './v1-context.js';
import type { V1Context, V1Dependencies } from './v1-context.js';
import { AsyncApiError, AsyncExceptionCode, InfoFormat, sendBody, sendInfo, sendResult, speaksJson } from './wire.js';

/** Bytes allowed in one batch request. */
export const MAX_BATCH_BYTES = 10_000_000;
const BASE = '/services/async/{asyncVersion}/job';

function sendJob(context: V1Context, status: number, job: V1Job, format = context.format): void {
  sendInfo(context.res, status, format, () => jobInfoXml(job), jobInfoJson(job));
}

function sendBatch(context: V1Context, status: number, batch: V1Batch): void {
  sendInfo(context.res, status, context.format, () => batchInfoXml(batch), batchInfoJson(batch));
}

async function createJob(context: V1Context): Promise<void> {
  const json = speaksJson(context.req);
  const fields = readJobInfoBody(await readBody(context.req, 1024 * 1024), json);
  const pkHeader = context.req.headers['sforce-enable-pkchunking'];
  const request = parseCreateJob(fields, {
    org: context.deps.org,
    apiVersion: context.version,
    userId: context.session.userId,
    canHardDelete: canHardDelete(context.deps.users, context.session.userId),
    ...(typeof pkHeader === 'string' ? { pkChunkingHeader: pkHeader } : {}),
  });
  // The answer speaks the request's syntax; the job's content type governs everything after.
  sendJob(context, 201, context.deps.jobs.create(request), json ? InfoFormat.Json : InfoFormat.Xml);
}

function invalidState(message: string): AsyncApiError {
  return new AsyncApiError(AsyncExceptionCode.InvalidJobState, message);
}

async function updateJob(context: V1Context): Promise<void> {
  const job = requireJob(context);
  const state = requestedState(readJobInfoBody(await readBody(context.req, 1024 * 1024), speaksJson(context.req)));
  if (state === V1JobState.Closed) {
    if (job.state !== V1JobState.Open) throw invalidState(`Closing already ${job.state} Job not allowed`);
    job.state = V1JobState.Closed;
  } else if (state === V1JobState.Aborted) {
    if (job.state === V1JobState.Aborted || job.state === V1JobState.Failed) {
      throw invalidState(`Aborting already ${job.state} Job not allowed`);
    }
    job.state = V1JobState.Aborted;
    context.deps.processor.abort(job);
  } else {
    throw invalidState(`Invalid state specified for the job: ${state}`);
  }
  job.systemModstamp = auditTimestamp(context.deps.jobs.clock);
  sendJob(context, 200, job);
  // The answer says Closed, as asked; a job whose batches all failed then moves on to Failed.
  settleJobState(job, job.systemModstamp);
}

async function addBatch(context: V1Context): Promise<void> {
  const { deps } = context;
  const job = requireJob(context);
  if (deps.dailyBatches.used() >= deps.dailyBatches.max) {
    throw new AsyncApiError(
      AsyncExceptionCode.ExceededQuota,
      `Exceeded max number of batches: ${deps.dailyBatches.max}`,
    );
  }
  // A batch posted to a job that is not open still counts against the allocation.
  deps.dailyBatches.count();
  if (job.state !== V1JobState.Open) {
    throw invalidState(`Unable to add a batch to a job that is not open: job ${job.id} is ${job.state}`);
  }
  // "You can't create batches associated with a job that is more than 24 hours old"; the wording is the emulator's.
  if (deps.jobs.closedToBatches(job)) {
    throw invalidState(`Unable to add a batch to job ${job.id}: it was created more than 24 hours ago`);
  }
  let data: Buffer;
  try {
    data = await readBody(context.req, MAX_BATCH_BYTES);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    const message = `Failed to read request. Exceeded max size limit of ${MAX_BATCH_BYTES}`;
    throw new AsyncApiError(AsyncExceptionCode.ClientInputError, message);
  }
  const batch = deps.jobs.addBatch(job, data);
  deps.processor.dispatch(job);
  sendBatch(context, 201, batch);
}

function sendRequest(context: V1Context): void {
  const job = requireJob(context);
  const batch = requireBatch(context, job);
  sendBody(context.res, 200, job.contentType, batch.request.toString('utf8'));
}

function batchResult(context: V1Context): void {
  const job = requireJob(context);
  const batch = requireBatch(context, job);
  const done =
    batch.state === V1BatchState.Completed || (batch.state === V1BatchState.Failed && !isQuery(job.operation));
  if (!done) throw new AsyncApiError(AsyncExceptionCode.InvalidBatch, 'Batch not completed');
  // A batch that failed as a whole (unknown field, no records, too many) has no per-record results: Salesforce
  // answers its result with this error, which is what simple-salesforce's DML calls raise (they fetch results
  // without looking at the batch state). A failed batch that got through some records still has results.
  if (batch.state === V1BatchState.Failed && batch.numberRecordsProcessed === 0) {
    throw new AsyncApiError(AsyncExceptionCode.InvalidBatch, 'Records not processed');
  }
  if (isQuery(job.operation)) {
    const list = resultIdList(batch, job.contentType);
    sendBody(context.res, 200, list.contentType, list.body);
    return;
  }
  sendResult(context.req, context.res, job.contentType, ingestResults(batch, job.contentType));
}

function queryResult(context: V1Context): void {
  const job = requireJob(context);
  const batch = requireBatch(context, job);
  const id = context.params['resultId'] ?? '';
  const file = batch.resultFiles.find((f) => f.id === id || f.id === id.slice(0, 15));
  if (!file) throw new AsyncApiError(AsyncExceptionCode.InvalidBatch, `Invalid result id: ${id}`);
  const body = queryResultFile(file.result, job.contentType, context.deps.org.schemas, job.apiVersion);
  sendResult(context.req, context.res, job.contentType, body);
}

/** Registers the v1 endpoints; every one requires `X-SFDC-Session`. */
export function addBulkV1Routes(router: Router, deps: V1Dependencies): void {
  const route = (method: string, path: string, handler: (context: V1Context) => void | Promise<void>) =>
    router.add(method, `${BASE}${path}`, v1Handler(deps, handler));
  route('POST', '', createJob);
  route('GET', '/{jobId}', (context) => sendJob(context, 200, requireJob(context)));
  route('POST', '/{jobId}', updateJob);
  route('POST', '/{jobId}/batch', addBatch);
  route('GET', '/{jobId}/batch', (context) => {
    const { batches } = requireJob(context);
    sendInfo(context.res, 200, context.format, () => batchListXml(batches), batchListJson(batches));
  });
  route('GET', '/{jobId}/batch/{batchId}', (context) =>
    sendBatch(context, 200, requireBatch(context, requireJob(context))),
  );
  route('GET', '/{jobId}/batch/{batchId}/request', sendRequest);
  route('GET', '/{jobId}/batch/{batchId}/result', batchResult);
  route('GET', '/{jobId}/batch/{batchId}/result/{resultId}', queryResult);
}
