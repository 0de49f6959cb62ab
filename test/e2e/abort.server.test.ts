/**
 * Operators abort jobs from their own tooling: the `temporal` CLI's signal command, and the
 * `bulkflow` command. The Salesforce job must end `Aborted` and the result must say what was done.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { requireTemporalCli } from '../../cli/dev/temporal-binaries.js';
import { startBulkIngest } from '../../client/starters.js';
import { progressQuery, type BulkIngestResult } from '../../workflows/contract.js';
import { contactRows, writeCsv } from '../helpers/data.js';
import { startEmulator } from '../helpers/emulator.js';
import { eventually } from '../helpers/eventually.js';
import { emulatorStats, orgRecords } from '../helpers/org.js';
import { runCli, startWorkerProcess, workerEnv, type WorkerProcess } from '../helpers/processes.js';
import { startKillableServer, type KillableServer } from '../helpers/temporal.js';

let server: KillableServer;
let worker: WorkerProcess;
let client: Client;
let env: NodeJS.ProcessEnv;
const dir = mkdtempSync(path.join(tmpdir(), 'bulkflow-abort-'));

const emulator = await startEmulator({ after }, { recordsPerSecond: 300 });

before(async () => {
  server = await startKillableServer();
  env = workerEnv({
    temporalAddress: server.current.address,
    taskQueue: `abort-${randomUUID()}`,
    emulatorUrl: emulator.url,
    stagingDir: path.join(dir, 'staging'),
  });
  worker = await startWorkerProcess(env);
  client = new Client({ connection: await Connection.connect({ address: server.current.address }) });
});

after(async () => {
  await worker?.stop();
  await client?.connection.close();
  await server?.stop();
});

/** Starts a 3,000-row insert and resolves once Salesforce has processed some of it. */
async function startAndWaitForProcessing(name: string): Promise<string> {
  const file = path.join(dir, `${name}.csv`);
  writeCsv(file, contactRows(3_000, name) as unknown as Record<string, string>[]);
  const workflowId = `${name}-${randomUUID()}`;
  const handle = await startBulkIngest(
    client,
    {
      object: 'Contact',
      operation: 'insert',
      source: { url: pathToFileURL(file).href },
      pollPolicy: { initialMs: 200, ceilingMs: 500 },
    },
    { taskQueue: env.BULKFLOW_TASK_QUEUE ?? '', workflowId },
  );
  // Queries fail until the worker has started the workflow: eventually retries them.
  await eventually(async () => (await handle.query(progressQuery)).records.processed > 0, {
    timeoutMs: 60_000,
    intervalMs: 100,
    what: `Salesforce to start processing ${workflowId}`,
  });
  // From here Salesforce crawls, so the job cannot finish before the abort arrives however slowly
  // the operator's command starts on a loaded machine.
  emulator.faults.set({ type: 'slowProcessing', recordsPerSecond: 1 });
  return workflowId;
}

async function assertAborted(workflowId: string, reason: string, tag: string): Promise<void> {
  const result = (await client.workflow.getHandle(workflowId).result()) as BulkIngestResult;
  emulator.faults.clear();
  assert.equal(result.state, 'Aborted');
  assert.equal(result.abortReason, reason);
  const jobId = result.jobs[0]?.id;
  const job = (await emulatorStats(emulator.url)).jobs.find((j) => j.id === jobId);
  assert.equal(job?.state, 'Aborted', 'the Salesforce job is Aborted');
  const { total, successful, failed, unprocessed } = result.records;
  assert.equal(total, 3_000);
  assert.equal(successful + failed + unprocessed, 3_000, 'every row is accounted for');
  assert.ok(unprocessed > 0 && successful > 0);
  const tagged = (await orgRecords(emulator.url, 'Contact')).filter((r) => String(r.Email).startsWith(tag));
  assert.equal(tagged.length, successful, 'the org holds exactly the rows reported successful');
}

test('an abort signal sent with the temporal CLI aborts the Salesforce job', async () => {
  const workflowId = await startAndWaitForProcessing('tcli');
  const signal = spawnSync(
    requireTemporalCli().path,
    [
      'workflow',
      'signal',
      '--address',
      server.current.address,
      '--namespace',
      'default',
      '--workflow-id',
      workflowId,
      '--name',
      'abort',
      '--input',
      JSON.stringify({ reason: 'stopped with the temporal CLI' }),
    ],
    { encoding: 'utf8' },
  );
  assert.equal(signal.status, 0, signal.stderr);
  await assertAborted(workflowId, 'stopped with the temporal CLI', 'tcli');
});

test('bulkflow status shows progress and bulkflow abort stops the job', async () => {
  const workflowId = await startAndWaitForProcessing('bcli');
  const status = await runCli(['status', workflowId, '--json'], env);
  assert.equal(status.code, 0, status.stderr);
  const progress = JSON.parse(status.stdout) as { status: string; state: string; records: { total: number } };
  assert.equal(progress.status, 'Running');
  assert.equal(progress.state, 'Processing');
  assert.equal(progress.records.total, 3_000);

  const abort = await runCli(['abort', workflowId, '--reason', 'stopped with bulkflow', '--json'], env);
  assert.equal(abort.code, 0, abort.stderr);
  await assertAborted(workflowId, 'stopped with bulkflow', 'bcli');
});
