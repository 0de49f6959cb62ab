/**
 * `bulkflow list` (its own process) reads bulk workflows from Temporal's visibility store by their
 * search attributes: newest first, filtered by state and object, as a table or JSON.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { startBulkIngest } from '../../client/starters.js';
import { startEmulator } from '../helpers/emulator.js';
import { eventually } from '../helpers/eventually.js';
import { runCli, startWorkerProcess, workerEnv, type WorkerProcess } from '../helpers/processes.js';
import { startKillableServer, type KillableServer } from '../helpers/temporal.js';

interface Listed {
  workflowId: string;
  type: string;
  status: string;
  state?: string;
  object?: string;
  operation?: string;
  salesforceJobIds: string[];
  startTime: string;
}

let server: KillableServer;
let worker: WorkerProcess;
let env: NodeJS.ProcessEnv;
const dir = mkdtempSync(path.join(tmpdir(), 'bulkflow-list-'));
const ids = { contact: `list-contacts-${Date.now()}`, account: `list-accounts-${Date.now()}` };

const emulator = await startEmulator({ after });

before(async () => {
  server = await startKillableServer();
  const taskQueue = `list-${Date.now()}`;
  env = workerEnv({
    temporalAddress: server.current.address,
    taskQueue,
    emulatorUrl: emulator.url,
    stagingDir: path.join(dir, 'staging'),
  });
  worker = await startWorkerProcess(env);
  const connection = await Connection.connect({ address: server.current.address });
  try {
    const client = new Client({ connection });
    const contacts = await startBulkIngest(
      client,
      {
        object: 'Contact',
        operation: 'insert',
        source: { records: [{ LastName: 'Lovelace' }, { LastName: 'Hopper' }] },
      },
      { taskQueue, workflowId: ids.contact },
    );
    assert.equal((await contacts.result()).state, 'Completed');
    // Started strictly later, so "newest first" has one right answer.
    await new Promise((r) => setTimeout(r, 20));
    const accounts = await startBulkIngest(
      client,
      { object: 'Account', operation: 'insert', source: { records: [{ Name: 'Analytical Engines Ltd' }] } },
      { taskQueue, workflowId: ids.account },
    );
    assert.equal((await accounts.result()).state, 'Completed');
  } finally {
    await connection.close();
  }
});

after(async () => {
  await worker?.stop();
  await server?.stop();
});

async function list(...args: string[]): Promise<Listed[]> {
  const cli = await runCli(['list', '--json', ...args], env);
  assert.equal(cli.code, 0, `bulkflow list failed:\n${cli.stderr}\n${cli.stdout}`);
  return JSON.parse(cli.stdout) as Listed[];
}

test('bulkflow list shows every bulk workflow, newest first, with its search attributes', async () => {
  // Visibility is eventually consistent: wait until both closed workflows show their final state.
  const jobs = await eventually(() => list(), {
    until: (listed) => listed.filter((j) => j.state === 'Completed').length === 2,
    timeoutMs: 15_000,
    what: 'both ingests listed as Completed',
  });
  assert.deepEqual(
    jobs.map((j) => j.workflowId),
    [ids.account, ids.contact],
  );
  const [account, contact] = jobs;
  assert.equal(account?.object, 'Account');
  assert.equal(contact?.object, 'Contact');
  assert.equal(contact?.operation, 'insert');
  assert.equal(contact?.status, 'COMPLETED');
  assert.equal(contact?.type, 'bulkIngestWorkflow');
  assert.equal(contact?.salesforceJobIds.length, 1, 'the Salesforce job id');
});

test('--object and --state filter on the search attributes; --limit keeps the newest', async () => {
  assert.deepEqual(
    (await list('--object', 'Contact')).map((j) => j.workflowId),
    [ids.contact],
  );
  assert.deepEqual(
    (await list('--state', 'Completed', '--limit', '1')).map((j) => j.workflowId),
    [ids.account],
  );
  assert.deepEqual(await list('--state', 'Processing'), []);
});

test('the table has one line a workflow, and a bad filter is a usage error', async () => {
  const table = await runCli(['list'], env);
  assert.equal(table.code, 0, table.stderr);
  const lines = table.stdout.trimEnd().split('\n');
  assert.match(lines[0] ?? '', /^STARTED\s+WORKFLOW ID\s+KIND\s+STATUS\s+STATE\s+OBJECT/);
  assert.equal(lines.length, 3);
  assert.match(lines[1] ?? '', new RegExp(`${ids.account}\\s+ingest\\s+Completed\\s+Completed\\s+Account\\s+insert`));
  const bad = await runCli(['list', '--state', 'Sleeping'], env);
  assert.equal(bad.code, 2, 'usage');
  assert.match(bad.stderr, /one of Preparing, Uploading/);
});
