/**
 * The bulkflow plugin in a team's own worker: the team's workflows and activities stay, bulkflow's
 * join them on the team's task queue, the same plugin encrypts the client's and the worker's payloads.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { startDevServer } from '../../cli/dev/dev-server.js';
import { requireTemporalCli } from '../../cli/dev/temporal-binaries.js';
import { startBulkIngest } from '../../client/starters.js';
import { createSalesforceEmulator, DEV_CREDENTIALS, type SalesforceEmulator } from '../../emulator/index.js';
import { createSalesforceClient, OAuthPasswordAuthenticator } from '../../salesforce/index.js';
import { FileStagingStore } from '../../storage/index.js';
import { bulkflowPlugin } from '../../worker/plugin.js';
import { SearchAttributes } from '../../workflows/contract.js';
import { contactRows, writeCsv } from '../helpers/data.js';
import { orgRecords } from '../helpers/org.js';
import { createLocalEnv } from '../helpers/temporal.js';
import * as teamActivities from './fixtures/team-activities.js';

const teamWorkflowsPath = fileURLToPath(new URL('./fixtures/team-workflows.ts', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'bulkflow-plugin-'));
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };
let env: TestWorkflowEnvironment;
let emulator: SalesforceEmulator;

function plugin(extra: Partial<Parameters<typeof bulkflowPlugin>[0]> = {}) {
  return bulkflowPlugin({
    salesforce: createSalesforceClient({
      auth: new OAuthPasswordAuthenticator({ loginUrl: emulator.url, ...DEV_CREDENTIALS }),
    }),
    staging: new FileStagingStore(path.join(dir, 'staging')),
    ...extra,
  });
}

before(async () => {
  env = await createLocalEnv();
  emulator = await createSalesforceEmulator();
});

after(async () => {
  await emulator?.close();
  await env?.teardown();
});

test("a team's worker runs its own workflow and a bulk ingest on its own task queue", async () => {
  const taskQueue = `team-${randomUUID()}`;
  const shared = plugin({ encryptionKey: { id: 'k1', key: randomBytes(32) } });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: teamWorkflowsPath,
    activities: teamActivities,
    plugins: [shared],
  });
  const client = new Client({ connection: env.connection, plugins: [shared] });
  const file = path.join(dir, 'team.csv');
  const rows = contactRows(40, 'team');
  writeCsv(file, rows as unknown as Record<string, string>[]);
  await worker.runUntil(async () => {
    const greeting = client.workflow.execute('teamGreetingWorkflow', {
      taskQueue,
      workflowId: `greet-${randomUUID()}`,
      args: ['Ada'],
    });
    const ingest = await startBulkIngest(
      client,
      { object: 'Contact', operation: 'insert', source: { url: pathToFileURL(file).href } },
      { taskQueue },
    );
    assert.equal(await greeting, 'hello, Ada');
    const result = await ingest.result();
    assert.equal(result.state, 'Completed');
    assert.equal(result.records.successful, rows.length);
    const history = await client.workflow.getHandle(ingest.workflowId).fetchHistory();
    const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    assert.equal(Buffer.from(input?.metadata?.encoding ?? []).toString(), 'binary/encrypted');
  });
  const emails = new Set((await orgRecords(emulator.url, 'Contact')).map((r) => r.Email));
  assert.ok(
    rows.every((r) => emails.has(r.Email)),
    'every row is in the org',
  );
});

let teamBundle: WorkflowBundleWithSourceMap;

test("bundleWorkflowCode with the plugin bundles the team's workflows and bulkflow's", async () => {
  teamBundle = await bundleWorkflowCode({ workflowsPath: teamWorkflowsPath, plugins: [plugin()], logger: quiet });
  assert.match(teamBundle.code, /teamGreetingWorkflow/);
  assert.match(teamBundle.code, /bulkIngestWorkflow/);
});

test("a prebuilt bundle without bulkflow's workflows is refused, saying how to build it", async () => {
  const bare = await bundleWorkflowCode({ workflowsPath: teamWorkflowsPath, logger: quiet });
  await assert.rejects(
    Worker.create({
      connection: env.nativeConnection,
      taskQueue: `bare-${randomUUID()}`,
      workflowBundle: bare,
      plugins: [plugin()],
    }),
    /has no bulkIngestWorkflow.*plugins: \[bulkflowPlugin/,
  );
});

test('an activity name the team already uses is refused', async () => {
  await assert.rejects(
    Worker.create({
      connection: env.nativeConnection,
      taskQueue: `clash-${randomUUID()}`,
      workflowBundle: teamBundle,
      activities: { stageIngestInput: () => Promise.resolve() },
      plugins: [plugin()],
    }),
    /already has activities named stageIngestInput/,
  );
});

test('the plugin registers the search attributes on a dev server that lacks them', async () => {
  const server = await startDevServer({ binary: requireTemporalCli().path, searchAttributes: false });
  const connection = await NativeConnection.connect({ address: server.address });
  try {
    const worker = await Worker.create({
      connection,
      taskQueue: `sa-${randomUUID()}`,
      workflowBundle: teamBundle,
      plugins: [plugin()],
    });
    // Run it briefly: a worker never run keeps its connection from closing.
    await worker.runUntil(async () => {
      const known = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      for (const key of Object.values(SearchAttributes)) {
        assert.ok(key.name in (known.customAttributes ?? {}), `${key.name} registered`);
      }
    });
  } finally {
    await connection.close();
    await server.stop();
  }
});
