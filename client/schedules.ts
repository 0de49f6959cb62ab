/**
 * Nightly syncs: a Temporal schedule that starts `bulkIngestWorkflow` at a fixed time of day.
 *
 * The schedule, not a cron job on some host, owns the timing: it survives restarts of every
 * worker and client, skips a night's run while the previous one is still going (no two loads of
 * the same file at once), and catches up a run missed during a short server outage.
 *
 * @example
 * await createNightlySync(client, {
 *   scheduleId: 'contacts-nightly',
 *   input: { object: 'Contact', operation: 'upsert', externalIdFieldName: 'Email__c',
 *            source: { url: 's3://exports/crm/contacts.csv' } },
 *   hour: 2, minute: 30, timezone: 'Europe/Berlin',
 * });
 */
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleHandle,
  type ScheduleOptions,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleUpdateOptions,
} from '@temporalio/client';
import type { bulkIngestWorkflow } from '../workflows/bulk-ingest-workflow.js';
import { DEFAULT_TASK_QUEUE, MAX_INLINE_BYTES, WorkflowType, type BulkIngestInput } from '../workflows/contract.js';
import { InlineRecordsTooLargeError } from './errors.js';

/** Options of {@link createNightlySync}: which load to run, and when. */
export interface NightlySyncOptions {
  /** A stable business id, e.g. `contacts-nightly`; runs get workflow ids `<scheduleId>-<start time>`. */
  scheduleId: string;
  /** What each run loads. A file URL is read afresh at every run (e.g. an export rewritten nightly). */
  input: BulkIngestInput;
  /** Hour of the day, 0–23, in `timezone`. */
  hour: number;
  /** Minute of the hour, 0–59. @default 0 */
  minute?: number;
  /** IANA time zone the hour is in, e.g. `America/New_York`; daylight saving is followed. @default 'UTC' */
  timezone?: string;
  /** @default 'bulkflow' */
  taskQueue?: string;
  /**
   * How late (ms) a run may still start after the Temporal server was unavailable at its time; a
   * run missed by more is skipped until the next night. @default 3600000 (1 hour)
   */
  catchupWindowMs?: number;
  /** Free text shown with the schedule in Temporal's UI and CLI. @default 'bulkflow nightly sync' */
  note?: string;
}

/** A nightly sync as it stands on the server: its schedule id and handle. */
export interface NightlySync {
  handle: ScheduleHandle;
  /** `false` when a schedule with this id already existed and was updated to these options. */
  created: boolean;
}

type IngestAction = ScheduleOptionsStartWorkflowAction<typeof bulkIngestWorkflow>;

function scheduleParts(options: NightlySyncOptions) {
  const { hour, minute = 0 } = options;
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw new RangeError(`hour must be 0–23, got ${hour}`);
  if (!Number.isInteger(minute) || minute < 0 || minute > 59)
    throw new RangeError(`minute must be 0–59, got ${minute}`);
  if ('records' in options.input.source) {
    const bytes = Buffer.byteLength(JSON.stringify(options.input.source.records));
    if (bytes > MAX_INLINE_BYTES) throw new InlineRecordsTooLargeError(bytes);
  }
  const action: IngestAction = {
    type: 'startWorkflow',
    workflowType: WorkflowType.BulkIngest,
    args: [options.input],
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    workflowId: options.scheduleId,
  };
  return {
    spec: {
      calendars: [{ hour, minute, second: 0, comment: `nightly at ${hour}:${String(minute).padStart(2, '0')}` }],
      timezone: options.timezone ?? 'UTC',
    },
    action,
    policies: {
      overlap: ScheduleOverlapPolicy.SKIP,
      catchupWindow: options.catchupWindowMs ?? 60 * 60 * 1000,
      pauseOnFailure: false,
    },
  } satisfies Omit<ScheduleOptions<IngestAction>, 'scheduleId'>;
}

/**
 * Creates the schedule, or, when one with this id exists, updates it to these options (time,
 * time zone, input, task queue, policies) and leaves its paused state and note as they are.
 * So a deploy script can call it on every release: the schedule converges to the code's options,
 * runs already started are not touched, and an operator's pause survives.
 */
export async function createNightlySync(client: Client, options: NightlySyncOptions): Promise<NightlySync> {
  const parts = scheduleParts(options);
  try {
    const handle = await client.schedule.create<typeof bulkIngestWorkflow>({
      scheduleId: options.scheduleId,
      ...parts,
      state: { note: options.note ?? 'bulkflow nightly sync' },
    });
    return { handle, created: true };
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const handle = client.schedule.getHandle(options.scheduleId);
  await handle.update<typeof bulkIngestWorkflow>((previous): ScheduleUpdateOptions<IngestAction> => ({
    ...parts,
    state: {
      paused: previous.state.paused,
      ...(previous.state.note === undefined ? {} : { note: previous.state.note }),
    },
  }));
  return { handle, created: false };
}

/**
 * Starts a run now, outside the timetable (e.g. after fixing a failed night). Unlike
 * `handle.trigger()`, whose default lets runs overlap, this keeps the sync's SKIP policy: when a
 * run is still going, nothing new starts.
 */
export async function triggerSync(client: Client, scheduleId: string): Promise<void> {
  await client.schedule.getHandle(scheduleId).trigger(ScheduleOverlapPolicy.SKIP);
}

/**
 * Deletes the schedule; runs it already started go on. Returns `false` when there was none
 * (deleting twice is not an error).
 */
export async function deleteSync(client: Client, scheduleId: string): Promise<boolean> {
  try {
    await client.schedule.getHandle(scheduleId).delete();
    return true;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  }
}
