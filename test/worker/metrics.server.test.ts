/**
 * A worker whose Runtime serves Prometheus metrics: after real ingests and a query (local Temporal server,
 * the emulator), `GET /metrics` has the SDK's own metrics and bulkflow's counters with the right values.
 *
 * The Runtime is one per process and fixed by the first connection, so this file installs it first thing
 * and makes its own test environment: `test/helpers/temporal.ts` installs a Runtime of its own on import.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { MetricMeter, MetricTags } from '@temporalio/common';
import { MockActivityEnvironment, TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, type Worker } from '@temporalio/worker';
import { requireTemporalCli } from '../../cli/dev/temporal-binaries.js';
import { startBulkIngest, startBulkQuery } from '../../client/starters.js';
import { withMetrics } from '../../activities/metrics.js';
import { DEV_CREDENTIALS } from '../../emulator/index.js';
import { createSalesforceClient, OAuthPasswordAuthenticator, type SalesforceClient } from '../../salesforce/index.js';
import { FileStagingStore } from '../../storage/index.js';
import { createBulkflowWorker } from '../../worker/create-worker.js';
import { BulkflowMetric, installMetricsRuntime } from '../../worker/index.js';
import { workflowsPath } from '../../worker/paths.js';
import { SearchAttributes } from '../../workflows/contract.js';
import { contactRows, writeCsv } from '../helpers/data.js';
import { startEmulator } from '../helpers/emulator.js';
import { eventually } from '../helpers/eventually.js';

const port = await freeLoopbackPort();
installMetricsRuntime({ prometheusAddress: `127.0.0.1:${port}`, runtime: { logger: new DefaultLogger('WARN') } });

const dir = mkdtempSync(path.join(tmpdir(), 'bulkflow-metrics-'));
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };
const env = await TestWorkflowEnvironment.createLocal({
  server: {
    executable: { type: 'existing-path', path: requireTemporalCli().path },
    searchAttributes: Object.values(SearchAttributes),
  },
});
after(() => env.teardown());
const emulator = await startEmulator({ after });
const bundle = await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: quiet });
const FAST_POLL = { initialMs: 100, ceilingMs: 300 };

function salesforceClient(): SalesforceClient {
  return createSalesforceClient({
    auth: new OAuthPasswordAuthenticator({ loginUrl: emulator.url, ...DEV_CREDENTIALS }),
  });
}

async function startWorker(taskQueue: string, salesforce: SalesforceClient, metrics?: boolean) {
  const worker: Worker = await createBulkflowWorker({
    connection: env.nativeConnection,
    salesforce,
    taskQueue,
    staging: new FileStagingStore(path.join(dir, 'staging')),
    workflowBundle: bundle,
    uploadLimits: { maxBytes: 1024 * 1024, maxRows: 15 }, // 30 rows: two Bulk 2.0 jobs
    v1BatchLimits: { maxBytes: 1024 * 1024, maxRows: 5 }, // 12 rows: one v1 job, three batches
    ...(metrics === undefined ? {} : { metrics }),
  });
  const run = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await run;
    },
  };
}

function csvUrl(name: string, rows: ReturnType<typeof contactRows>): string {
  const file = path.join(dir, name);
  writeCsv(file, rows as unknown as Record<string, string>[]);
  return pathToFileURL(file).href;
}

test('the exporter serves the SDK metrics and bulkflow rows, Salesforce API calls and jobs', async () => {
  const taskQueue = `metrics-${randomUUID()}`;
  const salesforce = salesforceClient();
  const worker = await startWorker(taskQueue, salesforce);
  try {
    const rows = contactRows(30, 'm2');
    rows[3] = { ...rows[3]!, LastName: '' }; // REQUIRED_FIELD_MISSING: failed for good, not retried
    rows[21] = { ...rows[21]!, LastName: '' };
    const bulk2 = await startBulkIngest(
      env.client,
      { object: 'Contact', operation: 'insert', source: { url: csvUrl('bulk2.csv', rows) }, pollPolicy: FAST_POLL },
      { taskQueue },
    );
    const bulk1 = await startBulkIngest(
      env.client,
      {
        object: 'Contact',
        operation: 'insert',
        api: '1.0',
        source: { url: csvUrl('bulk1.csv', contactRows(12, 'm1')) },
        pollPolicy: FAST_POLL,
      },
      { taskQueue },
    );
    const v2 = await bulk2.result();
    const v1 = await bulk1.result();
    assert.deepEqual(v2.records, { total: 30, successful: 28, failed: 2, unprocessed: 0 });
    assert.deepEqual(v1.records, { total: 12, successful: 12, failed: 0, unprocessed: 0 });
    const query = await startBulkQuery(
      env.client,
      { soql: 'SELECT Id, Email FROM Contact', pollPolicy: FAST_POLL },
      { taskQueue },
    );
    assert.equal((await query.result()).records.total, 40);

    const samples = await scrapeWhen(taskQueue, 5);
    const ours = { taskQueue };
    // The SDK's own metrics, from the runtime's exporter (snake_case labels, `temporal_` prefix).
    assert.ok(
      sum(samples, 'temporal_activity_execution_latency_count', {
        task_queue: taskQueue,
        activity_type: 'downloadIngestResults',
      }) >= 2,
      'temporal_activity_execution_latency has the two Bulk 2.0 result downloads',
    );
    assert.ok(sum(samples, 'temporal_workflow_completed', { task_queue: taskQueue }) >= 5, 'workflows completed');
    // bulkflow's rows, by outcome and by the activity that downloaded them.
    assert.equal(sum(samples, BulkflowMetric.Rows, { ...ours, outcome: 'successful' }), 40);
    assert.equal(sum(samples, BulkflowMetric.Rows, { ...ours, outcome: 'failed' }), 2);
    assert.equal(sum(samples, BulkflowMetric.Rows, { ...ours, outcome: 'unprocessed' }), 0);
    assert.equal(
      sum(samples, BulkflowMetric.Rows, { ...ours, outcome: 'successful', activityType: 'downloadV1BatchResults' }),
      12,
    );
    assert.equal(sum(samples, BulkflowMetric.RowsRetried, ours), 0);
    // Jobs by final state: once each, however often they were polled after the end.
    const jobs = samples.filter((s) => s.name === BulkflowMetric.Jobs && s.labels.taskQueue === taskQueue);
    assert.deepEqual(jobs.map((s) => `${s.labels.kind} ${s.labels.api} ${s.labels.state} ${s.value}`).sort(), [
      'ingest 1.0 Closed 1',
      'ingest 2.0 JobComplete 2',
      'query 2.0 JobComplete 1',
    ]);
    // API calls: exactly what the client counted, one sample per route (no activity owns a shared client's
    // calls, so no activityType), with ids left out of the routes.
    const apiCalls = samples.filter(
      (s) => s.name === BulkflowMetric.SalesforceApiCalls && s.labels.taskQueue === taskQueue,
    );
    assert.deepEqual(
      apiCalls.filter((s) => 'activityType' in s.labels),
      [],
    );
    const calls = Object.fromEntries(apiCalls.map((s): [string, number] => [s.labels.route ?? '', s.value]));
    assert.deepEqual(calls, salesforce.http.usage.byRoute);
    assert.equal(calls['PUT jobs/ingest/{id}/batches'], 2, 'one upload per Bulk 2.0 job');
    for (const route of Object.keys(calls)) assert.match(route, /^(GET|POST|PUT|PATCH|DELETE) [A-Za-z/{}]+$/);
  } finally {
    await worker.stop();
  }
});

test('metrics: false records none of bulkflow’s metrics; the SDK’s still come', async () => {
  const taskQueue = `no-metrics-${randomUUID()}`;
  const worker = await startWorker(taskQueue, salesforceClient(), false);
  try {
    const handle = await startBulkIngest(
      env.client,
      { object: 'Contact', operation: 'insert', source: { records: [{ LastName: 'Quiet' }] }, pollPolicy: FAST_POLL },
      { taskQueue },
    );
    assert.equal((await handle.result()).records.successful, 1);
    const samples = await scrapeWhen(taskQueue, 2);
    const ours = samples.filter((s) => s.name.startsWith('bulkflow_') && s.labels.taskQueue === taskQueue);
    assert.deepEqual(ours, []);
  } finally {
    await worker.stop();
  }
});

test('a second Runtime, or an address that is not ip:port, is refused saying why', () => {
  assert.throws(
    () => installMetricsRuntime({ prometheusAddress: '127.0.0.1:1' }),
    /cannot serve Prometheus metrics on 127\.0\.0\.1:1: .*already been installed.*before creating any NativeConnection/,
  );
  assert.throws(
    () => installMetricsRuntime({ prometheusAddress: 'localhost:9464' }),
    /metrics address "localhost:9464" is not ip:port/,
  );
});

test('a job counts once at its first final status; a v1 job only once every batch has ended', async () => {
  const { meter, added } = recordingMeter();
  const byRoute: Record<string, number> = {};
  const salesforce = { http: { usage: { calls: 0, byRoute } } } as unknown as SalesforceClient;
  const status = { jobId: '750A', state: 'InProgress' } as { jobId: string; state: string; done?: boolean };
  const activities = withMetrics(
    {
      getIngestJobStatus: () => Promise.resolve({ ...status }),
      abortIngestJob: () => Promise.resolve({ jobId: '750B', state: 'Aborted' }),
      getV1JobStatus: () => Promise.resolve({ ...status }),
      splitTransientFailures: () => Promise.resolve({ retry: { rows: 3 }, failed: { url: 'f', rows: 1 } }),
    },
    { salesforce },
  );
  const env = new MockActivityEnvironment({ taskQueue: 'unit' }, { metricMeter: meter });
  await env.run(activities.getIngestJobStatus);
  status.state = 'JobComplete';
  await env.run(activities.getIngestJobStatus);
  await env.run(activities.getIngestJobStatus);
  await env.run(activities.abortIngestJob);
  await env.run(activities.abortIngestJob);
  Object.assign(status, { jobId: '750C', state: 'Closed', done: false });
  await env.run(activities.getV1JobStatus);
  status.done = true;
  await env.run(activities.getV1JobStatus);
  await env.run(activities.getV1JobStatus);
  await env.run(activities.splitTransientFailures);
  assert.deepEqual(
    added.filter((a) => a.name === BulkflowMetric.Jobs).map((a) => `${a.tags.kind} ${a.tags.api} ${a.tags.state}`),
    ['ingest 2.0 JobComplete', 'ingest 2.0 Aborted', 'ingest 1.0 Closed'],
  );
  assert.deepEqual(
    added.filter((a) => a.name === BulkflowMetric.RowsRetried).map((a) => a.value),
    [3],
  );
  // API calls are recorded as deltas of the client's counts: two wrappers on one client count a call once.
  const other = withMetrics({ getIngestJobStatus: () => Promise.resolve({ ...status }) }, { salesforce });
  Object.assign(byRoute, { 'GET jobs/ingest/{id}': 2, 'GET limits': 1 });
  await env.run(activities.getIngestJobStatus);
  byRoute['GET jobs/ingest/{id}'] = 5;
  await env.run(other.getIngestJobStatus);
  await env.run(activities.getIngestJobStatus);
  assert.deepEqual(
    added.filter((a) => a.name === BulkflowMetric.SalesforceApiCalls).map((a) => `${String(a.tags.route)} +${a.value}`),
    ['GET jobs/ingest/{id} +2', 'GET limits +1', 'GET jobs/ingest/{id} +3'],
  );
});

test('a metric that cannot be recorded never fails the activity; outside an activity it runs as it is', async () => {
  const salesforce = { http: { usage: { calls: 0, byRoute: { 'GET limits': 1 } } } } as unknown as SalesforceClient;
  const rows = { successful: { url: 's', rows: 2 }, failed: { url: 'f', rows: 0 }, unprocessed: { url: 'u', rows: 0 } };
  const activities = withMetrics({ downloadIngestResults: () => Promise.resolve(rows) }, { salesforce });
  const broken = {
    createCounter() {
      throw new Error('meter is broken');
    },
    withTags() {
      return broken;
    },
  } as unknown as MetricMeter;
  const env = new MockActivityEnvironment({}, { metricMeter: broken, logger: quiet });
  assert.deepEqual(await env.run(activities.downloadIngestResults), rows);
  assert.deepEqual(await activities.downloadIngestResults(), rows);
});

function recordingMeter() {
  const added: Array<{ name: string; value: number; tags: MetricTags }> = [];
  const make = (base: MetricTags): MetricMeter =>
    ({
      createCounter: (name: string) => ({
        add: (value: number, tags: MetricTags = {}) => added.push({ name, value, tags: { ...base, ...tags } }),
      }),
      withTags: (tags: MetricTags) => make({ ...base, ...tags }),
    }) as unknown as MetricMeter;
  return { meter: make({}), added };
}

/**
 * The exporter's samples once they count `workflows` completed workflows on the task queue: the worker records a
 * completion after the server has it, so a client can see the result a moment before the metric.
 */
function scrapeWhen(taskQueue: string, workflows: number): Promise<Sample[]> {
  return eventually(async () => parseMetrics(await scrape()), {
    until: (samples) => sum(samples, 'temporal_workflow_completed', { task_queue: taskQueue }) >= workflows,
    timeoutMs: 15_000,
    intervalMs: 100,
    what: `temporal_workflow_completed >= ${workflows} on ${taskQueue}`,
  });
}

async function scrape(): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
  return res.text();
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format's samples (comments skipped). */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of a metric's samples whose labels include `where`. */
function sum(samples: Sample[], name: string, where: Record<string, string>): number {
  return samples
    .filter((s) => s.name === name && Object.entries(where).every(([key, value]) => s.labels[key] === value))
    .reduce((total, s) => total + s.value, 0);
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
