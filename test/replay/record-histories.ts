/**
 * Records the histories that test/replay/replay.test.ts replays. Run it on purpose, when a workflow
 * change is meant to be compatible and new paths deserve a recording:
 *
 *   node --import tsx test/replay/record-histories.ts [name …]
 *
 * With names, only those paths are recorded (the others keep the recordings made by older code, which is
 * what they are for: each file proves that today's code still replays what an older release wrote).
 *
 * It runs each path of bulkflow's workflows on a local Temporal server against the emulator and
 * writes every workflow's history (parents and children) to test/histories/<name>.json.
 * Never re-record to make a failing replay pass: that hides the break from running workflows.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FileStagingStore } from '../../storage/index.js';
import { startIncrementalExport } from '../../client/incremental-sync.js';
import { startBulkIngest, startBulkQuery } from '../../client/starters.js';
import { createSalesforceEmulator, DEV_CREDENTIALS } from '../../emulator/index.js';
import { createSalesforceClient, OAuthPasswordAuthenticator } from '../../salesforce/index.js';
import { requireTemporalCli } from '../../cli/dev/temporal-binaries.js';
import { createBulkflowWorker } from '../../worker/create-worker.js';
import { abortSignal, progressQuery } from '../../workflows/contract.js';
import { contactRows, writeCsv } from '../helpers/data.js';
import { eventually } from '../helpers/eventually.js';
import { deleteRows, insertRows } from '../helpers/org-seed.js';
import { createLocalEnv, workflowBundle } from '../helpers/temporal.js';

const out = fileURLToPath(new URL('../histories/', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'bulkflow-record-'));
const env = await createLocalEnv();
const emulator = await createSalesforceEmulator({ recordsPerSecond: 2_000 });
const taskQueue = 'record-histories';
const worker = await createBulkflowWorker({
  connection: env.nativeConnection,
  salesforce: createSalesforceClient({
    auth: new OAuthPasswordAuthenticator({ loginUrl: emulator.url, ...DEV_CREDENTIALS }),
  }),
  taskQueue,
  staging: new FileStagingStore(path.join(dir, 'staging')),
  uploadLimits: { maxRows: 400, maxBytes: 10_000_000 },
  v1BatchLimits: { maxRows: 400, maxBytes: 10_000_000 },
  workflowBundle: await workflowBundle(),
});
const poll = { initialMs: 200, ceilingMs: 500 };

function csv(name: string, rows: number): string {
  const file = path.join(dir, `${name}.csv`);
  writeCsv(file, contactRows(rows, name) as unknown as Record<string, string>[]);
  return pathToFileURL(file).href;
}

/** Saves the history of `workflowId` and of every child it started (they share its id prefix). */
async function save(name: string, workflowId: string): Promise<void> {
  const ids = [workflowId];
  for await (const wf of env.client.workflow.list({ query: `WorkflowId STARTS_WITH '${workflowId}/'` })) {
    if (!ids.includes(wf.workflowId)) ids.push(wf.workflowId);
  }
  const histories = [];
  for (const id of ids) {
    // The CLI's JSON is the canonical history format, the one Temporal's UI exports too.
    const json = execFileSync(
      requireTemporalCli().path,
      ['workflow', 'show', '--address', env.address, '--workflow-id', id, '--output', 'json'],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    histories.push({ workflowId: id, history: JSON.parse(json) as unknown });
  }
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, `${name}.json`), `${JSON.stringify(histories)}\n`);
  process.stdout.write(`recorded ${name}: ${ids.length} workflow(s)\n`);
}

/** Updates records in the emulated org directly. */
function updateRows(ids: string[]): void {
  const contact = emulator.org.schemas.get('Contact');
  const resolution = contact && emulator.org.resolveColumns(contact, ['Id', 'Title']);
  if (!contact || !resolution?.ok) throw new Error('Contact has no Title');
  for (const id of ids) {
    emulator.org.applyRow({
      object: contact,
      operation: 'update',
      columns: resolution.columns,
      cells: [id, 'changed'],
      userId: '005000000000000AAA',
    });
  }
}

/** Saves every run of `workflowId` (a workflow that continues as new) and its children's histories. */
async function saveRuns(name: string, workflowId: string): Promise<void> {
  const runs: Array<{ workflowId: string; runId: string }> = [];
  for await (const wf of env.client.workflow.list({ query: `WorkflowId STARTS_WITH '${workflowId}'` })) {
    runs.push({ workflowId: wf.workflowId, runId: wf.runId });
  }
  const histories = runs.map(({ workflowId: id, runId }) => {
    const json = execFileSync(
      requireTemporalCli().path,
      ['workflow', 'show', '--address', env.address, '--workflow-id', id, '--run-id', runId, '--output', 'json'],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    return { workflowId: id, history: JSON.parse(json) as unknown };
  });
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, `${name}.json`), `${JSON.stringify(histories)}\n`);
  process.stdout.write(`recorded ${name}: ${histories.length} run(s)\n`);
}

/** One recording per path: it runs the path to its end and saves its histories under the name. */
const recorders: Record<string, () => Promise<void>> = {
  'ingest-2.0-three-jobs-continue-as-new': async () => {
    const ingest2 = await startBulkIngest(
      env.client,
      {
        object: 'Contact',
        operation: 'insert',
        source: { url: csv('two', 900) },
        pollPolicy: poll,
        historyEventLimit: 25,
      },
      { taskQueue, workflowId: 'replay-ingest-2' },
    );
    await ingest2.result();
    await save('ingest-2.0-three-jobs-continue-as-new', ingest2.workflowId);
  },
  'ingest-1.0-three-batches': async () => {
    const ingest1 = await startBulkIngest(
      env.client,
      { object: 'Contact', operation: 'insert', api: '1.0', source: { url: csv('one', 900) }, pollPolicy: poll },
      { taskQueue, workflowId: 'replay-ingest-1' },
    );
    await ingest1.result();
    await save('ingest-1.0-three-batches', ingest1.workflowId);
  },
  'ingest-2.0-abort': async () => {
    const aborted = await startBulkIngest(
      env.client,
      {
        object: 'Contact',
        operation: 'insert',
        source: { url: csv('abort', 1_200) },
        pollPolicy: poll,
        maxConcurrentJobs: 1,
      },
      { taskQueue, workflowId: 'replay-ingest-abort' },
    );
    await eventually(async () => (await aborted.query(progressQuery)).records.processed > 0, {
      timeoutMs: 60_000,
      intervalMs: 50,
      what: 'Salesforce to start processing the job to abort',
    });
    await aborted.signal(abortSignal, { reason: 'recorded abort' });
    await aborted.result();
    await save('ingest-2.0-abort', aborted.workflowId);
  },
  'query-2.0-pages': async () => {
    const query2 = await startBulkQuery(
      env.client,
      { soql: 'SELECT Id, Email FROM Contact', pageSize: 1_000, pollPolicy: poll },
      { taskQueue, workflowId: 'replay-query-2' },
    );
    await query2.result();
    await save('query-2.0-pages', query2.workflowId);
  },
  'query-1.0-pk-chunking': async () => {
    const query1 = await startBulkQuery(
      env.client,
      { soql: 'SELECT Id FROM Contact', api: '1.0', pkChunking: { chunkSize: 500 }, pollPolicy: poll },
      { taskQueue, workflowId: 'replay-query-1' },
    );
    await query1.result();
    await save('query-1.0-pk-chunking', query1.workflowId);
  },
  // A full export, then a cycle run now with deletions in its window, then a cancellation while waiting.
  'sync-two-cycles': async () => {
    const ids = insertRows(emulator.org, 'Contact', ['LastName'], [['Sync 1'], ['Sync 2'], ['Sync 3'], ['Sync 4']]);
    emulator.clock.advance(60_000);
    const sync = await startIncrementalExport(
      env.client,
      {
        object: 'Contact',
        fields: ['Email'],
        to: pathToFileURL(path.join(dir, 'sync')).href,
        timing: { everyMs: 3_600_000 },
        pollPolicy: poll,
      },
      { taskQueue, workflowId: 'replay-sync' },
    );
    const cycleEnded = (n: number) =>
      eventually(async () => ((await sync.status()).lastCycle?.cycle ?? 0) >= n, {
        timeoutMs: 60_000,
        intervalMs: 100,
        what: `cycle ${n} of the recorded sync`,
      });
    await cycleEnded(1);
    emulator.clock.advance(60_000);
    deleteRows(emulator.org, 'Contact', ids.slice(0, 2));
    updateRows(ids.slice(2, 4));
    emulator.clock.advance(60_000);
    await sync.runNow();
    await cycleEnded(2);
    await sync.workflow.cancel();
    await eventually(async () => (await sync.workflow.describe()).status.name === 'CANCELLED', {
      timeoutMs: 30_000,
      what: 'the recorded sync to end',
    });
    await saveRuns('sync-two-cycles', sync.workflowId);
  },
};

// Lock failures retried in follow-up jobs, after the daily allowance check: the paths behind patched().
for (const api of ['2.0', '1.0'] as const) {
  const name = `ingest-${api}-lock-retry`;
  recorders[name] = async () => {
    emulator.faults.set({ type: 'unableToLockRow', rate: 0.1, seed: 11 });
    try {
      const handle = await startBulkIngest(
        env.client,
        {
          object: 'Contact',
          operation: 'insert',
          api,
          source: { url: csv(name, 900) },
          pollPolicy: poll,
          transientRetry: { maxAttempts: 5, delayMs: 200 },
        },
        { taskQueue, workflowId: `replay-${name}` },
      );
      const result = await handle.result();
      if (!result.retries || result.records.failed > 0) throw new Error(`${name}: ${JSON.stringify(result.records)}`);
      await save(name, handle.workflowId);
    } finally {
      emulator.faults.clear();
    }
  };
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in recorders));
if (unknown.length > 0)
  throw new Error(`no such path: ${unknown.join(', ')}; known: ${Object.keys(recorders).join(', ')}`);
await worker.runUntil(async () => {
  for (const [name, record] of Object.entries(recorders)) {
    if (wanted.length === 0 || wanted.includes(name)) await record();
  }
});
await emulator.close();
await env.teardown();
