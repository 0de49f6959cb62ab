/**
 * The first slice through every layer and real process boundary: the `bulkflow ingest` command
 * (its own process) → Temporal dev server (its own process) → `bulkflow worker` (its own process)
 * → Salesforce client → emulator. Checks the org row by row.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { contactRows, writeCsv } from '../helpers/data.js';
import { startEmulator } from '../helpers/emulator.js';
import { eventually } from '../helpers/eventually.js';
import { orgRecords, readCsvFile } from '../helpers/org.js';
import { runCli, startWorkerProcess, workerEnv, type WorkerProcess } from '../helpers/processes.js';
import { startKillableServer, type KillableServer } from '../helpers/temporal.js';

let server: KillableServer;
let worker: WorkerProcess;
let env: NodeJS.ProcessEnv;
const dir = mkdtempSync(path.join(tmpdir(), 'bulkflow-e2e-'));

const emulator = await startEmulator({ after });

before(async () => {
  server = await startKillableServer();
  env = workerEnv({
    temporalAddress: server.current.address,
    taskQueue: `e2e-${Date.now()}`,
    emulatorUrl: emulator.url,
    stagingDir: path.join(dir, 'staging'),
  });
  worker = await startWorkerProcess(env);
});

after(async () => {
  await worker?.stop();
  await server?.stop();
});

test('bulkflow ingest inserts 10,000 Contacts exactly, field by field', async () => {
  const rows = contactRows(10_000);
  const file = path.join(dir, 'contacts.csv');
  writeCsv(file, rows as unknown as Record<string, string>[]);

  const cli = await runCli(
    [
      'ingest',
      '--object',
      'Contact',
      '--operation',
      'insert',
      '--file',
      file,
      '--json',
      '--task-queue',
      env.BULKFLOW_TASK_QUEUE ?? '',
    ],
    env,
  );
  assert.equal(cli.code, 0, `bulkflow ingest failed:\n${cli.stderr}\n${cli.stdout}\nworker:\n${worker.output()}`);
  const result = JSON.parse(cli.stdout) as {
    state: string;
    records: { total: number; successful: number; failed: number; unprocessed: number };
    jobs: Array<{ id: string; state: string }>;
    results: { successful: Array<{ url: string; rows: number }> };
  };
  assert.equal(result.state, 'Completed');
  assert.deepEqual(result.records, { total: 10_000, successful: 10_000, failed: 0, unprocessed: 0 });
  assert.equal(result.jobs.length, 1);
  assert.equal(result.jobs[0]?.state, 'JobComplete');

  const records = await orgRecords(emulator.url, 'Contact');
  assert.equal(records.length, 10_000);
  const byEmail = new Map(records.map((r) => [r.Email, r]));
  assert.equal(byEmail.size, 10_000, 'every Contact is there once');
  for (const row of rows) {
    const rec = byEmail.get(row.Email);
    assert.ok(rec, `missing ${row.Email}`);
    for (const field of ['FirstName', 'LastName', 'Title', 'Description'] as const) {
      assert.equal(rec[field], row[field], `${row.Email}.${field}`);
    }
  }

  // Operators find the job in Temporal's visibility by its Salesforce job id and state.
  const jobId = result.jobs[0]?.id ?? '';
  const client = new Client({ connection: await Connection.connect({ address: server.current.address }) });
  try {
    const query = `BulkflowJobIds = '${jobId}' AND BulkflowState = 'Completed' AND BulkflowObject = 'Contact'`;
    // Visibility is eventually consistent: ask until the job shows up, for at most 10 s.
    const found = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const wf of client.workflow.list({ query })) ids.push(wf.workflowId);
        return ids;
      },
      { until: (ids) => ids.length > 0, timeoutMs: 10_000, intervalMs: 200, what: `a workflow to match ${query}` },
    );
    assert.equal(found.length, 1, `one workflow matches ${query}`);
  } finally {
    await client.connection.close();
  }

  const successful = result.results.successful.flatMap((ref) => readCsvFile(ref.url));
  assert.equal(successful.length, 10_000);
  const ids = new Set(records.map((r) => r.Id));
  for (const s of successful) {
    assert.ok(ids.has(s.sf__Id ?? ''), `result Id ${s.sf__Id} is not in the org`);
    assert.equal(s.sf__Created, 'true');
    assert.equal(byEmail.get(s.Email ?? '')?.Id, s.sf__Id, 'result row matches its input row');
  }
});

test("bulkflow query exports the org and bulkflow results copies a job's files", async () => {
  const out = path.join(dir, 'export.csv');
  const query = await runCli(
    [
      'query',
      '--soql',
      'SELECT Id, Email FROM Contact',
      '--out',
      out,
      '--json',
      '--task-queue',
      env.BULKFLOW_TASK_QUEUE ?? '',
    ],
    env,
  );
  assert.equal(query.code, 0, `${query.stderr}\n${query.stdout}`);
  const queried = JSON.parse(query.stdout) as { workflowId: string; state: string; records: { total: number } };
  assert.equal(queried.state, 'Completed');
  const org = await orgRecords(emulator.url, 'Contact');
  const exported = readCsvFile(out);
  assert.equal(queried.records.total, org.length);
  assert.deepEqual(new Set(exported.map((r) => r.Id)), new Set(org.map((r) => r.Id)));

  const outDir = path.join(dir, 'results');
  const results = await runCli(['results', queried.workflowId, '--out-dir', outDir, '--json'], env);
  assert.equal(results.code, 0, results.stderr);
  const files = (JSON.parse(results.stdout) as { files: Array<{ to: string; rows: number }> }).files;
  assert.equal(files.length, 1);
  assert.equal(readCsvFile(files[0]?.to ?? '').length, org.length);
});
