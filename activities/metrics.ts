/**
 * bulkflow's own metrics, recorded from what activities return, through the running activity's metric meter
 * (`Context.current().metricMeter`): the worker's Temporal Runtime exports them beside the SDK's metrics with
 * whatever exporter it was installed with (Prometheus, OpenTelemetry), and without one the meter does nothing.
 * No activity's code changes: `withMetrics` wraps them all in `createBulkActivities`.
 *
 * Counters carry the SDK's activity tags (`namespace`, `taskQueue`, `activityType`) and their own labels:
 *
 * - `bulkflow_rows_total{outcome}`: rows in the result files of each Salesforce job (`successful`, `failed`,
 *   `unprocessed`). Rows retried after a lock failure count again in the follow-up job's results; the
 *   retried rows are `bulkflow_rows_retried_total`, so rows failed for good are `failed - retried`.
 * - `bulkflow_salesforce_api_calls_total{route}`: requests the Salesforce client sent, by route with ids as
 *   `{id}` (`GET jobs/ingest/{id}`). Recorded as each activity ends: the calls made since the previous
 *   recording, so each call counts once. Activities running at the same time share the client, so these
 *   calls belong to no one activity: with `runtimeMeter` (the worker passes it) they carry no `activityType`;
 *   without, they carry the ending activity's.
 * - `bulkflow_jobs_total{kind, api, state}`: Salesforce jobs seen reaching a final state by the status
 *   activities (`JobComplete`, `Failed`, `Aborted`; a finished v1 job is `Closed`), once per job and process.
 */
import { Context, log } from '@temporalio/activity';
import type { MetricMeter } from '@temporalio/common';
import { isBulk2Terminal } from '../common/wire-values.js';
import type { SalesforceClient } from '../salesforce/index.js';
import type { IngestV1Activities } from './bulk1-ingest-activities.js';
import type { IngestActivities } from './bulk2-ingest-activities.js';
import type { QueryActivities } from './query-activities.js';
import type { RetryActivities } from './retry-activities.js';

/** The names of the activities this table reads: a renamed activity fails the type check here. */
type MeasuredActivity = keyof (IngestActivities & IngestV1Activities & QueryActivities & RetryActivities);

/** The names bulkflow's counters are exported under (with the Runtime's default `countersTotalSuffix: false`). */
export const BulkflowMetric = {
  Rows: 'bulkflow_rows_total',
  RowsRetried: 'bulkflow_rows_retried_total',
  SalesforceApiCalls: 'bulkflow_salesforce_api_calls_total',
  Jobs: 'bulkflow_jobs_total',
} as const;
export type BulkflowMetric = (typeof BulkflowMetric)[keyof typeof BulkflowMetric];

type JobKind = 'ingest' | 'query';
interface StatusLike {
  jobId?: unknown;
  state?: unknown;
  done?: unknown;
  api?: unknown;
}

/** The activities that return a job's status, and when that status is final. */
/** How to read a status activity's result. */
interface StatusReading {
  kind: JobKind;
  api?: string;
  final: (s: StatusLike) => boolean;
}

const STATUS_ACTIVITIES: Partial<Record<MeasuredActivity, StatusReading>> = {
  createIngestJob: { kind: 'ingest', api: '2.0', final: bulk2Final },
  closeIngestJob: { kind: 'ingest', api: '2.0', final: bulk2Final },
  getIngestJobStatus: { kind: 'ingest', api: '2.0', final: bulk2Final },
  abortIngestJob: { kind: 'ingest', api: '2.0', final: bulk2Final },
  createV1IngestJob: { kind: 'ingest', api: '1.0', final: (s) => s.done === true },
  closeV1Job: { kind: 'ingest', api: '1.0', final: (s) => s.done === true },
  getV1JobStatus: { kind: 'ingest', api: '1.0', final: (s) => s.done === true },
  abortV1Job: { kind: 'ingest', api: '1.0', final: (s) => s.done === true },
  createQueryJob: { kind: 'query', final: (s) => s.done === true },
  getQueryJobStatus: { kind: 'query', final: (s) => s.done === true },
  abortQueryJob: { kind: 'query', final: (s) => s.done === true },
};

/** The activities that return the three result files of a job (2.0) or batch (v1). */
const RESULT_ACTIVITIES: ReadonlySet<string> = new Set<MeasuredActivity>([
  'downloadIngestResults',
  'downloadV1BatchResults',
]);
/** The activity whose result counts rows sent again after a lock failure. */
const SPLIT_ACTIVITY: MeasuredActivity = 'splitTransientFailures';
const OUTCOMES = ['successful', 'failed', 'unprocessed'] as const;

function bulk2Final(status: StatusLike): boolean {
  return typeof status.state === 'string' && isBulk2Terminal(status.state);
}

/** Jobs already counted, so that polls after the end (an abort, then a poll) do not count a job twice. */
const MAX_REMEMBERED_JOBS = 10_000;

/**
 * API calls already recorded, per HTTP layer: plugins or workers sharing one Salesforce client share this
 * high-water mark, so a call is recorded once however many wrappers see it.
 */
const recordedCalls = new WeakMap<object, Record<string, number>>();

export interface MetricsOptions {
  /** The client whose API calls are counted (`salesforce.http.usage.byRoute`). */
  salesforce: SalesforceClient;
  /**
   * The process's meter without activity tags (`() => Runtime.instance().metricMeter`), for the API calls.
   * @default the activity's meter
   */
  runtimeMeter?: () => MetricMeter;
}

/** Wraps every activity so that its result (and the API calls made meanwhile) are recorded as metrics. */
export function withMetrics<T extends Record<string, (...args: never[]) => Promise<unknown>>>(
  activities: T,
  options: MetricsOptions,
): T {
  const recorder = new MetricsRecorder(options);
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        const result = await fn(...args);
        recorder.record(name, result);
        return result;
      } finally {
        recorder.recordApiCalls();
      }
    };
  }
  return wrapped as T;
}

class MetricsRecorder {
  readonly #countedJobs = new Set<string>();
  #warned = false;

  constructor(private readonly options: MetricsOptions) {}

  record(activity: string, result: unknown): void {
    this.#guarded((meter) => {
      if (RESULT_ACTIVITIES.has(activity)) this.#rows(meter, result as Record<string, { rows?: unknown } | undefined>);
      else if (activity === SPLIT_ACTIVITY) this.#retried(meter, result as { retry?: { rows?: unknown } });
      const status = STATUS_ACTIVITIES[activity as MeasuredActivity];
      if (status) this.#job(meter, status, result as StatusLike);
    });
  }

  /** Adds the calls each route gained since the last recording. */
  recordApiCalls(): void {
    this.#guarded((activityMeter, { namespace, taskQueue }) => {
      const { salesforce, runtimeMeter } = this.options;
      const meter = runtimeMeter ? runtimeMeter().withTags({ namespace, taskQueue }) : activityMeter;
      const http = salesforce.http;
      const recorded = recordedCalls.get(http) ?? {};
      recordedCalls.set(http, recorded);
      let counter: ReturnType<MetricMeter['createCounter']> | undefined;
      for (const [route, calls] of Object.entries(http.usage.byRoute)) {
        const delta = calls - (recorded[route] ?? 0);
        if (delta <= 0) continue;
        counter ??= meter.createCounter(BulkflowMetric.SalesforceApiCalls, '', 'Salesforce API requests by route');
        counter.add(delta, { route });
        recorded[route] = calls;
      }
    });
  }

  #rows(meter: MetricMeter, results: Record<string, { rows?: unknown } | undefined>): void {
    const counter = meter.createCounter(BulkflowMetric.Rows, '', 'Rows in Salesforce job results, by outcome');
    for (const outcome of OUTCOMES) {
      const rows = results?.[outcome]?.rows;
      if (typeof rows === 'number' && rows > 0) counter.add(rows, { outcome });
    }
  }

  #retried(meter: MetricMeter, split: { retry?: { rows?: unknown } }): void {
    const rows = split?.retry?.rows;
    if (typeof rows !== 'number' || rows <= 0) return;
    meter.createCounter(BulkflowMetric.RowsRetried, '', 'Failed rows sent again after a lock failure').add(rows);
  }

  #job(meter: MetricMeter, how: StatusReading, status: StatusLike): void {
    if (!status || typeof status.jobId !== 'string' || typeof status.state !== 'string' || !how.final(status)) return;
    const api = how.api ?? (typeof status.api === 'string' ? status.api : 'unknown');
    const key = `${how.kind} ${api} ${status.jobId}`;
    if (this.#countedJobs.has(key)) return;
    this.#countedJobs.add(key);
    if (this.#countedJobs.size > MAX_REMEMBERED_JOBS) {
      this.#countedJobs.delete(this.#countedJobs.values().next().value as string);
    }
    meter
      .createCounter(BulkflowMetric.Jobs, '', 'Salesforce jobs that reached a final state')
      .add(1, { kind: how.kind, api, state: status.state });
  }

  /** Only inside an activity (its meter), and never at the activity's expense: a metric error is logged once. */
  #guarded(recordWith: (meter: MetricMeter, info: Context['info']) => void): void {
    let context: Context;
    try {
      context = Context.current();
    } catch {
      return; // called outside an activity (a unit test): nothing to record through, and nothing is lost
    }
    try {
      recordWith(context.metricMeter, context.info);
    } catch (err) {
      if (this.#warned) return;
      this.#warned = true;
      log.warn('bulkflow metrics: could not record a metric', { error: (err as Error).message });
    }
  }
}
