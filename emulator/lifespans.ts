/**
 * How long Salesforce keeps jobs, read against the emulator's clock.
 *
 * - Bulk API 2.0: "Jobs that are older than 7 days are deleted if they are in a terminal state". The emulator
 *   counts the 7 days from the moment the job reached that state (its systemModstamp then), so a job that ends
 *   late is not gone at once. Open, UploadComplete and InProgress jobs stay.
 * - Bulk API (v1): jobs and batches are deleted "regardless of status", 7 days after the youngest batch was
 *   created, or the job if it has none; and a job takes no batches once it is more than 24 hours old.
 *
 * Salesforce deletes "up to 24 hours" after the 7 days; the emulator deletes at the moment they are over, so
 * a test knows which side of the line it is on. A deleted job is unknown: 404 NOT_FOUND (2.0) or InvalidJob (v1).
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/bulk_common_limits.htm
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_jobs_lifespan.htm
 */

const HOUR_MS = 60 * 60 * 1000;

/** Job data is deleted this long after the job ended (2.0) or its youngest batch was created (v1). */
export const JOB_RETENTION_MS = 7 * 24 * HOUR_MS;

/** A v1 job takes batches for this long after it was created. */
export const V1_BATCH_WINDOW_MS = 24 * HOUR_MS;

/** Whether a moment (epoch ms) lies more than the retention period before `now`. */
export function retentionOver(since: number, now: number): boolean {
  return now - since >= JOB_RETENTION_MS;
}
