/**
 * A job whose data Salesforce has deleted. Salesforce keeps a Bulk 2.0 job 7 days after it ends and a v1 job 7
 * days after its youngest batch was created, then answers for it as for an id it never had (2.0: 404 NOT_FOUND,
 * v1: InvalidJob). A workflow that comes back to its job later than that (its workers were down for a week, a
 * download failed for days) gets a {@link SalesforceJobExpiredError} that names the job, says how long ago it
 * ended by Salesforce's clock, and gives its rows as far as they are known, rather than an HTTP 404.
 */
import { isSalesforceError, SalesforceJobExpiredError, type SalesforceError } from '../salesforce/index.js';
import type { JobFacts } from '../common/errors.js';
import type { JobSeen } from './types.js';

/** Whether Salesforce answered as it does for a job it does not (or no longer) know. */
export function isUnknownJob(err: unknown): err is SalesforceError {
  if (!isSalesforceError(err)) return false;
  return (err.statusCode === 404 && (err.errorCode ?? 'NOT_FOUND') === 'NOT_FOUND') || err.errorCode === 'InvalidJob';
}

/** Runs `call`; an answer that Salesforce does not know the job becomes a {@link SalesforceJobExpiredError}. */
export async function onExpiredJob<T>(jobId: string, seen: JobSeen | undefined, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw isUnknownJob(err) ? expiredJob(err, jobId, seen) : err;
  }
}

/** The error for a job Salesforce no longer has, from what the workflow last saw of it. */
export function expiredJob(err: SalesforceError, jobId: string, seen: JobSeen = {}): SalesforceJobExpiredError {
  const endedMs = seen.endedAt ? Date.parse(seen.endedAt) : NaN;
  const nowMs = err.serverDate ? Date.parse(err.serverDate) : NaN;
  const agoMs = Number.isFinite(endedMs) && Number.isFinite(nowMs) ? Math.max(0, nowMs - endedMs) : undefined;
  const when =
    seen.endedAt === undefined
      ? `it was last seen ${seen.state ?? 'running'}`
      : agoMs === undefined
        ? `it ended at ${seen.endedAt}`
        : `it ended ${duration(agoMs)} ago (${seen.endedAt})`;
  const records: NonNullable<JobFacts['records']> = {
    ...(seen.rows !== undefined ? { total: seen.rows } : {}),
    ...(seen.recordsProcessed !== undefined ? { processed: seen.recordsProcessed } : {}),
    ...(seen.recordsFailed !== undefined ? { failed: seen.recordsFailed } : {}),
  };
  const job: JobFacts = {
    id: jobId,
    ...(seen.endedAt ? { endedAt: seen.endedAt } : {}),
    ...(agoMs !== undefined ? { endedAgoMs: agoMs } : {}),
    ...(Object.keys(records).length > 0 ? { records } : {}),
  };
  return new SalesforceJobExpiredError(
    `Salesforce no longer has job ${jobId}: ${when}, and Salesforce deletes a job's data 7 days after it ends, ` +
      `so its results cannot be read. ${rowsKnown(seen)}`,
    {
      job,
      cause: err,
      ...(err.statusCode !== undefined ? { statusCode: err.statusCode } : {}),
      ...(err.errorCode !== undefined ? { errorCode: err.errorCode } : {}),
    },
  );
}

/** The job's rows as far as they are known. */
function rowsKnown(seen: JobSeen): string {
  const processed =
    seen.recordsProcessed === undefined
      ? undefined
      : `Salesforce had processed ${seen.recordsProcessed}` +
        (seen.recordsFailed ? ` (${seen.recordsFailed} of them failed)` : '') +
        ' when it was last seen';
  if (seen.rows === undefined) return processed ? `${processed}.` : 'How many rows it processed is not known.';
  return (
    `Of the ${seen.rows} rows given to it, ${processed ?? 'how many Salesforce processed is not known'}; ` +
    'which rows succeeded is not known.'
  );
}

/** `8 days`, `7 days 3 hours`, `5 hours`, `12 minutes`. */
function duration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (days > 0) return hours > 0 ? `${plural(days, 'day')} ${plural(hours, 'hour')}` : plural(days, 'day');
  if (hours > 0) return plural(hours, 'hour');
  return plural(minutes, 'minute');
}
