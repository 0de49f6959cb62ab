/**
 * The command line as an operator meets it, on real processes (`bulkflow` commands, a Temporal dev server, a
 * `bulkflow worker`): no silence (an unreachable server, no worker on the queue, results asked too early), a
 * business id that loads once from the command line too, and `status` of a job that retries, failed, was aborted
 * or completed: text, `--json` and exit codes.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { contactRows, writeCsv } from '../helpers/data.js';
import { startEmulator } from '../helpers/emulator.js';
import { eventually } from '../helpers/eventually.js';
import { emulatorStats, orgRecords } from '../helpers/org.js';
import { runCli, startWorkerProcess, workerEnv, type WorkerProcess } from '../helpers/processes.js';
import { startKillableServer, type KillableServer } from '../helpers/temporal.js';

let server: KillableServer;
let worker: WorkerProcess | undefined;
let env: NodeJS.ProcessEnv;
const dir = mkdtempSync(path.join(tmpdir(), 'bulkflow-operator-'));
const taskQueue = `operator-${randomUUID()}`;
const emulator = await startEmulator({ after });

before(async () => {
  server = await startKillableServer();
  env = workerEnv({
    temporalAddress: server.current.address,
    taskQueue,
    emulatorUrl: emulator.url,
    stagingDir: path.join(dir, 'staging'),
  });
});

after(async () => {
  await worker?.stop();
  await server?.stop();
});

function csv(name: string, rows = 200): string {
  const file = path.join(dir, `${name}.csv`);
  writeCsv(file, contactRows(rows, name) as unknown as Record<string, string>[]);
  return file;
}

const ingest = (file: string, ...extra: string[]) =>
  runCli(['ingest', '--object', 'Contact', '--operation', 'insert', '--file', file, ...extra], env);

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: Math.round(performance.now() - start) };
}

test('an unreachable Temporal server is named, with its address, within seconds', async () => {
  const { value: cli, ms } = await timed(() =>
    runCli(['status', 'anything'], { ...env, TEMPORAL_ADDRESS: '127.0.0.1:1' }),
  );
  console.log(`# unreachable Temporal reported in ${ms} ms`);
  assert.equal(cli.code, 1);
  assert.match(cli.stderr, /Cannot reach the Temporal server at 127\.0\.0\.1:1 \(namespace default\)/);
  assert.match(cli.stderr, /bulkflow\.TEMPORAL_UNREACHABLE/);
  // 3 s of connection timeout plus the command's start-up (through tsx here: the installed package starts faster).
  assert.ok(ms < 8_000, `took ${ms} ms`);
});

test('with no worker on the queue: ingest refuses at once, naming queue and namespace; --no-wait starts and says so', async () => {
  const file = csv('no-worker');
  const { value: refused, ms } = await timed(() => ingest(file, '--workflow-id', `refused-${randomUUID()}`));
  console.log(`# no worker reported in ${ms} ms`);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, new RegExp(`No worker polls task queue "${taskQueue}" in namespace "default"`));
  assert.match(refused.stderr, /--wait-for-worker/);
  assert.ok(ms < 10_000, `took ${ms} ms`);
  const listed = await runCli(['list', '--json'], env);
  assert.deepEqual(JSON.parse(listed.stdout), [], 'nothing was started');

  const workflowId = `queued-${randomUUID()}`;
  const queued = await ingest(file, '--workflow-id', workflowId, '--no-wait');
  assert.equal(queued.code, 0, queued.stderr);
  assert.match(queued.stderr, /no worker polls task queue .* will wait until one does/);

  const { value: status, ms: statusMs } = await timed(() => runCli(['status', workflowId], env));
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, new RegExp(`no worker polls task queue "${taskQueue}" in namespace "default"`));
  assert.ok(statusMs < 10_000, `status took ${statusMs} ms`);

  const early = await runCli(['results', workflowId, '--out-dir', path.join(dir, 'early')], env);
  assert.equal(early.code, 1);
  assert.match(early.stderr, /is still running, so it has no results yet/);

  worker = await startWorkerProcess(env);
  assert.match(
    worker.output(),
    /Salesforce: OAuth username-password at http:\/\/127\.0\.0\.1:\d+ as dev@bulkflow\.local/,
  );
  await eventually(async () => (await runCli(['status', workflowId, '--json'], env)).stdout.includes('"Completed"'), {
    timeoutMs: 60_000,
    what: 'the queued job to run once a worker polls',
  });
  const done = await runCli(['status', workflowId], env);
  assert.equal(done.code, 0);
  assert.match(done.stdout, /insert Contact: Completed/);
  assert.match(done.stdout, /rows: 200 total, 200 successful, 0 failed, 0 unprocessed/);
});

test('the same --workflow-id again: loaded before, nothing loaded again, the summary and exit 0', async () => {
  emulator.reset();
  const file = csv('twice', 100);
  const workflowId = `cli-twice-${randomUUID()}`;
  const first = await ingest(file, '--workflow-id', workflowId);
  assert.equal(first.code, 0, first.stderr);
  const second = await ingest(file, '--workflow-id', workflowId);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /loaded before, by run \S+ at \d{4}-\d\d-\d\dT[\d:.]+Z: nothing was loaded again/);
  assert.match(second.stdout, /rows: 100 total, 100 successful/);
  const json = JSON.parse((await ingest(file, '--workflow-id', workflowId, '--json')).stdout) as {
    completedBefore?: { runId: string };
  };
  assert.ok(json.completedBefore?.runId);
  assert.equal((await orgRecords(emulator.url, 'Contact')).length, 100, 'loaded once');
  assert.equal((await emulatorStats(emulator.url)).jobs.length, 1);
});

test('status of a step that retries: the step, its attempt, its last failure and the next retry', async () => {
  emulator.reset();
  emulator.faults.set({ type: 'serverError', status: 503, method: 'POST', path: '*/jobs/ingest' });
  const workflowId = `retrying-${randomUUID()}`;
  const started = await ingest(csv('retrying'), '--workflow-id', workflowId, '--no-wait');
  assert.equal(started.code, 0, started.stderr);
  let json: { status: string; steps: Array<Record<string, unknown>> } | undefined;
  await eventually(
    async () => {
      json = JSON.parse((await runCli(['status', workflowId, '--json'], env)).stdout) as typeof json;
      return json?.steps.some((s) => s.step === 'createIngestJob' && Number(s.attempt) >= 2);
    },
    { timeoutMs: 60_000, what: 'the create step to be retrying' },
  );
  const step = json?.steps.find((s) => s.step === 'createIngestJob') as {
    workflowId: string;
    attempt: number;
    lastFailure: { type: string; statusCode: number; retryable: boolean };
  };
  assert.equal(json?.status, 'Running');
  assert.equal(step.workflowId, `${workflowId}/job-1`, 'the step of the child that runs the job');
  assert.equal(step.lastFailure.type, 'bulkflow.SF_HTTP');
  assert.equal(step.lastFailure.statusCode, 503);
  assert.equal(step.lastFailure.retryable, true);
  const text = await runCli(['status', workflowId], env);
  assert.equal(text.code, 0);
  assert.match(
    text.stdout,
    /step createIngestJob in \S+\/job-1 \(attempt \d+\): (waiting to retry at [\d:]+ \(in \d+ s\)|running since|retry due)/,
  );
  assert.match(text.stdout, /last failure: .*SERVER_UNAVAILABLE.*\(bulkflow\.SF_HTTP/);
  // An abort while it retries, from the command line: acted on at once, the status says so with exit 3.
  const aborted = await runCli(['abort', workflowId, '--reason', 'enough'], env);
  assert.equal(aborted.code, 0);
  emulator.faults.set([]);
  await eventually(async () => (await runCli(['status', workflowId], env)).code === 3, {
    timeoutMs: 15_000,
    what: 'the aborted workflow to end',
  });
  const final = await runCli(['status', workflowId], env);
  assert.match(final.stdout, /insert Contact: Aborted/);
  assert.match(final.stdout, /aborted \(while \w+\): enough/);
  assert.match(final.stdout, /0 successful, 0 failed, 200 unprocessed/);
});

test('status of a failed workflow prints the root cause as ingest does, with exit 1; --json has the fields', async () => {
  const file = path.join(dir, 'bad.csv');
  writeCsv(file, [{ LastName: 'Lovelace', Emial: 'ada@example.com' }]);
  const workflowId = `failed-${randomUUID()}`;
  const failed = await ingest(file, '--workflow-id', workflowId);
  assert.equal(failed.code, 1);
  const status = await runCli(['status', workflowId], env);
  assert.equal(status.code, 1);
  // What ingest printed about the failure (not the upload of the local file to staging before it).
  const cause = failed.stderr
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('uploading '));
  assert.ok(cause.length > 0, 'ingest printed the failure');
  for (const line of cause) assert.ok(status.stdout.includes(line.trim()), `status shows "${line.trim()}"`);
  assert.match(status.stdout, new RegExp(`${workflowId}: Failed`));
  const json = JSON.parse((await runCli(['status', workflowId, '--json'], env)).stdout) as {
    status: string;
    error: { type: string; code: string; field: string; retryable: boolean };
  };
  assert.equal(json.status, 'Failed');
  assert.deepEqual(
    [json.error.type, json.error.code, json.error.field, json.error.retryable],
    ['bulkflow.SF_INVALID_INPUT', 'SF_UNKNOWN_FIELD', 'Emial', false],
  );
});

test('status of a load whose job Salesforce failed: exit 1 and the failure message', async () => {
  emulator.reset();
  emulator.faults.set({
    type: 'jobFailure',
    count: 1,
    errorMessage: 'InternalServerError : Retried more than 10 times',
  });
  const workflowId = `job-failed-${randomUUID()}`;
  const run = await ingest(csv('job-failed', 50), '--workflow-id', workflowId);
  emulator.faults.set([]);
  assert.equal(run.code, 1);
  const status = await runCli(['status', workflowId], env);
  assert.equal(status.code, 1);
  assert.match(status.stdout, /insert Contact: Failed/);
  assert.match(status.stdout, /failure: InternalServerError : Retried more than 10 times/);
});
