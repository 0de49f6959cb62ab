/**
 * How soon a step killed with its worker starts again on another worker, with the default timeouts, for each
 * kind of call: every activity heartbeats while it runs, so Temporal notices the dead worker within the
 * heartbeat timeout (10 s) instead of the call's start-to-close timeout (60 s). Two `bulkflow worker`
 * processes poll the queue; the emulator holds one request of the kind; the worker running it is SIGKILLed;
 * the test measures the time until the same request arrives again, from the other worker, and prints it
 * (`# recovery …`). Each load then completes with every row in the org once.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { describeBulkWorkflow } from '../../client/inspect.js';
import { startBulkIngest } from '../../client/starters.js';
import type { LatencyFault } from '../../emulator/index.js';
import { contactRows, writeCsv } from '../helpers/data.js';
import { startEmulator } from '../helpers/emulator.js';
import { eventually } from '../helpers/eventually.js';
import { orgRecords } from '../helpers/org.js';
import { startWorkerProcess, workerEnv, type WorkerProcess } from '../helpers/processes.js';
import { startKillableServer, type KillableServer } from '../helpers/temporal.js';

/** The bound the issue sets; the default heartbeat timeout (10 s) plus the first retry's second. */
const RECOVERY_BOUND_MS = 15_000;

let server: KillableServer;
let connection: Connection;
let client: Client;
let env: NodeJS.ProcessEnv;
const workers: WorkerProcess[] = [];
const dir = mkdtempSync(path.join(tmpdir(), 'bulkflow-recovery-'));
const emulator = await startEmulator({ after });

before(async () => {
  server = await startKillableServer();
  env = workerEnv({
    temporalAddress: server.current.address,
    taskQueue: `recovery-${randomUUID()}`,
    emulatorUrl: emulator.url,
    stagingDir: path.join(dir, 'staging'),
  });
  workers.push(...(await Promise.all([startWorkerProcess(env), startWorkerProcess(env)])));
  connection = await Connection.connect({ address: server.current.address });
  client = new Client({ connection });
});

after(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await connection?.close();
  await server?.stop();
});

const kinds: Array<{ kind: string; step: string; hold: Omit<LatencyFault, 'type' | 'ms'> }> = [
  { kind: 'a limits check', step: 'checkOrgLimits', hold: { method: 'GET', path: '*/limits' } },
  { kind: 'a job create', step: 'createIngestJob', hold: { method: 'POST', path: '*/jobs/ingest' } },
  { kind: 'an upload', step: 'uploadIngestData', hold: { method: 'PUT', path: '*/batches' } },
  { kind: 'a close', step: 'closeIngestJob', hold: { method: 'PATCH', path: '*/jobs/ingest/*' } },
  { kind: 'a status check', step: 'getIngestJobStatus', hold: { method: 'GET', path: '*/jobs/ingest/*' } },
  { kind: 'a download', step: 'downloadIngestResults', hold: { method: 'GET', path: '*/successfulResults' } },
];

for (const { kind, step, hold } of kinds) {
  test(`a worker killed during ${kind} (${step}): the next attempt starts on the other worker within seconds`, async () => {
    emulator.reset();
    emulator.faults.set({ type: 'latency', ms: 120_000, count: 1, ...hold });
    const rows = contactRows(20, step);
    const file = path.join(dir, `${step}.csv`);
    writeCsv(file, rows as unknown as Record<string, string>[]);
    const handle = await startBulkIngest(
      client,
      {
        object: 'Contact',
        operation: 'insert',
        source: { url: pathToFileURL(file).href },
        pollPolicy: { initialMs: 200 },
      },
      { taskQueue: env.BULKFLOW_TASK_QUEUE ?? '' },
    );
    await eventually(() => (emulator.faults.report()[0]?.fired ?? 0) === 1, {
      timeoutMs: 60_000,
      what: `${step} to be held by the emulator`,
    });
    // The worker that runs the held step, by the identity Temporal has of it (`<pid>@<host>`).
    let holder: WorkerProcess | undefined;
    await eventually(
      async () => {
        const pending = (await describeBulkWorkflow(client, handle.workflowId)).steps.find((s) => s.step === step);
        holder = workers.find((w) => pending?.lastWorker?.startsWith(`${w.child.pid}@`));
        return holder !== undefined;
      },
      { timeoutMs: 30_000, what: `Temporal to name the worker running ${step}` },
    );
    const seen = emulator.faults.report()[0]?.seen ?? 0;
    const killed = performance.now();
    await holder?.kill();
    workers.splice(workers.indexOf(holder as WorkerProcess), 1);
    const replacement = startWorkerProcess(env); // two workers again for the next kind, started meanwhile
    await eventually(() => (emulator.faults.report()[0]?.seen ?? 0) > seen, {
      timeoutMs: 90_000,
      intervalMs: 50,
      what: `the next attempt of ${step}`,
    });
    const ms = Math.round(performance.now() - killed);
    console.log(`# recovery after a kill during ${kind} (${step}): ${ms} ms`);
    workers.push(await replacement);
    const result = await handle.result();
    assert.equal(result.state, 'Completed');
    const emails = (await orgRecords(emulator.url, 'Contact')).map((r) => String(r.Email)).sort();
    assert.deepEqual(emails, rows.map((r) => r.Email).sort(), 'every row once');
    assert.ok(ms < RECOVERY_BOUND_MS, `the next attempt of ${step} started ${ms} ms after the kill`);
  });
}
