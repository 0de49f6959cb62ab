/**
 * An incremental export over changing data, on `bulkflow worker` processes: inserts, updates and deletes between
 * cycles, writes in the very second a cycle's query starts, a worker SIGKILLed while the cycle's query downloads
 * and once the moment the cycle's files are written (before the bookmark moves). At the end the union of every
 * cycle's files equals the org's history of changes, version by version: every change once, none missing,
 * deletions present as tombstones. A second sync starts from a bookmark in the middle of 200 records that share
 * one SystemModstamp and exports exactly those after it. Prints the API calls and history events of a cycle.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import {
  createIncrementalSync,
  startIncrementalExport,
  type IncrementalSyncHandle,
} from '../../client/incremental-sync.js';
import { listBulkJobs } from '../../client/list-jobs.js';
import { stampMs } from '../../common/sync-window.js';
import type { SyncCycleReport } from '../../workflows/sync-contract.js';
import { startEmulator } from '../helpers/emulator.js';
import { adminRecords, ingestClient, login, runJob, type Ingest } from '../helpers/emulator-http.js';
import { eventually } from '../helpers/eventually.js';
import { emulatorStats, readCsvFile } from '../helpers/org.js';
import { startWorkerProcess, workerEnv, type WorkerProcess } from '../helpers/processes.js';
import { startKillableServer, type KillableServer } from '../helpers/temporal.js';

const MINUTE = 60_000;
/** Quick polls, and a killed worker's step retried 3 s after the kill. */
const fastSteps = {
  pollPolicy: { initialMs: 200, ceilingMs: 1_000 },
  activityTimeouts: { heartbeatMs: 3_000, callMs: 10_000 },
};
const dir = mkdtempSync(path.join(tmpdir(), 'bulkflow-sync-'));
const emulator = await startEmulator({ after });

let server: KillableServer;
let connection: Connection;
let client: Client;
let env: NodeJS.ProcessEnv;
let worker: WorkerProcess;
let ingest: Ingest;

before(async () => {
  server = await startKillableServer();
  env = workerEnv({
    temporalAddress: server.current.address,
    taskQueue: `sync-${randomUUID()}`,
    emulatorUrl: emulator.url,
    stagingDir: path.join(dir, 'staging'),
  });
  worker = await startWorkerProcess(env);
  connection = await Connection.connect({ address: server.current.address });
  client = new Client({ connection });
  ingest = ingestClient(emulator.url, await login(emulator.url));
});

after(async () => {
  await worker?.stop();
  await connection?.close();
  await server?.stop();
});

type Row = { Id: string; SystemModstamp: string; IsDeleted: boolean };
const id15 = (id: string) => id.slice(0, 15);
const version = (id: string, stamp: string, deleted: boolean) => `${id15(id)}|${stampMs(stamp)}|${deleted}`;

/** The org's history of changes: each record's version whenever it changed since the last look. */
class OrgHistory {
  private readonly seen = new Map<string, string>();
  readonly versions: string[] = [];

  async look(): Promise<number> {
    let changed = 0;
    for (const row of (await adminRecords(emulator.url, 'Contact', true)) as Row[]) {
      const v = version(row.Id, row.SystemModstamp, row.IsDeleted);
      if (this.seen.get(row.Id) === v) continue;
      this.seen.set(row.Id, v);
      this.versions.push(v);
      changed++;
    }
    return changed;
  }
}

async function write(operation: string, csv: string): Promise<void> {
  assert.equal((await runJob(ingest, { object: 'Contact', operation }, csv)).state, 'JobComplete');
}
const insert = (names: string[]) => write('insert', `LastName,Title\n${names.map((n) => `${n},new`).join('\n')}\n`);
const update = (ids: string[], title: string) =>
  write('update', `Id,Title\n${ids.map((id) => `${id},${title}`).join('\n')}\n`);
const remove = (ids: string[]) => write('delete', `Id\n${ids.join('\n')}\n`);
/** Updates records in the org at once, as one transaction of Salesforce's would: one stamp. */
function updateInOrg(ids: string[], title: string): void {
  const contact = emulator.org.schemas.get('Contact');
  assert.ok(contact);
  const resolution = emulator.org.resolveColumns(contact, ['Id', 'Title']);
  assert.ok(resolution.ok);
  for (const id of ids) {
    const row = { object: contact, operation: 'update' as const, columns: resolution.columns, cells: [id, title] };
    assert.ok(emulator.org.applyRow({ ...row, userId: '005000000000000AAA' }).success);
  }
}
async function liveIds(): Promise<string[]> {
  return ((await adminRecords(emulator.url, 'Contact')) as Row[]).map((r) => r.Id);
}

/** Waits until cycle `n` has ended and returns its report. */
async function cycleEnded(sync: IncrementalSyncHandle, n: number): Promise<SyncCycleReport> {
  return eventually(
    async () => {
      const last = (await sync.status()).lastCycle;
      return last && last.cycle >= n ? last : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 200, what: `cycle ${n} of ${sync.workflowId} to end` },
  );
}

/** The rows of the files a cycle's manifest lists, as versions; checks the folder holds nothing else. */
function cycleVersions(report: SyncCycleReport): string[] {
  assert.ok(report.folder, `cycle ${report.cycle} has a folder`);
  const folder = fileURLToPath(report.folder);
  const manifest = JSON.parse(readFileSync(path.join(folder, '_manifest.json'), 'utf8')) as {
    files: Array<{ name: string; rows: number; kind: string }>;
  };
  assert.deepEqual(readdirSync(folder).sort(), ['_manifest.json', ...manifest.files.map((f) => f.name)].sort());
  const out: string[] = [];
  for (const file of manifest.files) {
    const rows = readCsvFile(path.join(folder, file.name));
    assert.equal(rows.length, file.rows, `${file.name} rows`);
    for (const row of rows) {
      assert.equal(row['IsDeleted'], file.kind === 'deletes' ? 'true' : 'false');
      out.push(version(row['Id'] ?? '', row['SystemModstamp'] ?? '', file.kind === 'deletes'));
    }
  }
  return out;
}

async function replaceWorker(): Promise<void> {
  await worker.kill();
  worker = await startWorkerProcess(env);
}

test('the union of the cycles equals the history of changes, across kills and shared stamps', async () => {
  const history = new OrgHistory();
  const to = pathToFileURL(path.join(dir, 'out')).href;
  await insert(Array.from({ length: 450 }, (_, i) => `First ${i}`));
  emulator.clock.advance(MINUTE);
  await history.look();

  const sync = await startIncrementalExport(
    client,
    { object: 'Contact', fields: ['LastName', 'Title'], to, timing: { everyMs: 3_600_000 }, ...fastSteps },
    { workflowId: `sync-${randomUUID()}`, taskQueue: env['BULKFLOW_TASK_QUEUE'] as string },
  );
  const reports: SyncCycleReport[] = [];
  let n = 0;
  const cycle = async () => {
    n++;
    const before = (await emulatorStats(emulator.url)).requests;
    if (n > 1) await sync.runNow();
    const report = await cycleEnded(sync, n);
    assert.equal(report.state, 'Completed', report.failureMessage);
    reports.push(report);
    const requests = (await emulatorStats(emulator.url)).requests;
    const calls = Object.entries(requests)
      .map(([route, count]) => [route, count - (before[route] ?? 0)] as const)
      .filter(([, count]) => count > 0);
    console.log(
      `# cycle ${n}: ${JSON.stringify(report.counts)}, API calls ${JSON.stringify(Object.fromEntries(calls))}`,
    );
    return report;
  };

  // The full export.
  const first = await cycle();
  assert.equal(first.counts.changed, 450);
  assert.equal(first.from, undefined);

  // Updates (one 250-row job: two steps, shared stamps), inserts, deletes, and records inserted then deleted.
  emulator.clock.advance(MINUTE);
  let ids = await liveIds();
  await update(ids.slice(0, 250), 'updated');
  await insert(Array.from({ length: 120 }, (_, i) => `Second ${i}`));
  ids = await liveIds();
  await remove([...ids.slice(300, 330), ...ids.slice(-10)]);
  emulator.clock.advance(MINUTE);
  assert.ok((await history.look()) > 0);
  const second = await cycle();
  assert.equal(second.counts.deleted, 40);
  assert.deepEqual(second.from, first.to);

  // Writes in the second a cycle's query job is created: 400 records of one stamp, in the query's window, are left
  // to the next cycle. The job's create is held 400 ms; meanwhile the clock is set to the start of a second and the
  // records are updated in the org at once, so the job is created in their second.
  emulator.clock.advance(MINUTE);
  emulator.faults.set([{ type: 'latency', ms: 400, method: 'POST', path: '*/jobs/query', count: 1 }]);
  const held = cycle();
  await eventually(() => (emulator.faults.report()[0]?.fired ?? 0) >= 1, {
    timeoutMs: 30_000,
    intervalMs: 5,
    what: "the held create of the cycle's query job",
  });
  emulator.clock.advance(1_000 - (emulator.clock.now() % 1_000));
  updateInOrg((await liveIds()).slice(100, 500), 'same-second');
  const deferred = await held;
  emulator.faults.set([]);
  await history.look(); // nothing was written since the update
  assert.deepEqual(deferred.counts, { changed: 0, deleted: 0, deferred: 400 }, 'left to the next cycle');
  emulator.clock.advance(MINUTE);
  assert.equal((await cycle()).counts.changed, 400, 'the next cycle exported them');

  // A worker killed while the cycle's query downloads its results.
  emulator.clock.advance(MINUTE);
  ids = await liveIds();
  await update(ids.slice(0, 50), 'before-kill');
  await remove(ids.slice(50, 60));
  emulator.clock.advance(MINUTE);
  await history.look();
  emulator.faults.set([{ type: 'latency', ms: 10_000, method: 'GET', path: '*/jobs/query/*/results*', count: 1 }]);
  await sync.runNow();
  n++;
  await eventually(() => (emulator.faults.report()[0]?.fired ?? 0) >= 1, {
    timeoutMs: 60_000,
    intervalMs: 50,
    what: 'the held results download',
  });
  await replaceWorker();
  emulator.faults.set([]);
  const fifth = await cycleEnded(sync, n);
  assert.equal(fifth.state, 'Completed', fifth.failureMessage);
  reports.push(fifth);

  // A worker killed the moment the cycle's files are written, before the bookmark moves.
  emulator.clock.advance(MINUTE);
  ids = await liveIds();
  await update(ids.slice(200, 260), 'files-written');
  await insert(['Late 1', 'Late 2']);
  emulator.clock.advance(MINUTE);
  await history.look();
  const bookmarkBefore = (await sync.status()).bookmark;
  await killWhenManifestAppears(sync, ++n);
  worker = await startWorkerProcess(env);
  const sixth = await cycleEnded(sync, n);
  assert.equal(sixth.state, 'Completed', sixth.failureMessage);
  assert.deepEqual(sixth.from, bookmarkBefore);
  reports.push(sixth);
  console.log(
    `# activity attempts after the first, across the kills: ${JSON.stringify(await writeAttempts(sync.workflowId))}`,
  );

  // Nothing changed: an empty window, the bookmark stays.
  emulator.clock.advance(MINUTE);
  const seventh = await cycle();
  assert.deepEqual(seventh.counts, { changed: 0, deleted: 0, deferred: 0 });
  assert.deepEqual(seventh.to, sixth.to);

  const exported = reports.flatMap(cycleVersions);
  const duplicates = exported.filter((v, i) => exported.indexOf(v) !== i);
  assert.deepEqual(duplicates, [], 'no change exported twice');
  assert.deepEqual([...exported].sort(), [...history.versions].sort(), 'every change exported once');
  assert.ok(
    exported.some((v) => v.endsWith('|true')),
    'deletions are present',
  );

  // Operators list the sync beside jobs; its runs' histories stay the length of a cycle.
  const listed = await listBulkJobs(client, { object: 'Contact' });
  const mine = listed.find((j) => j.workflowId === sync.workflowId);
  assert.equal(mine?.operation, 'incrementalExport');
  assert.equal(mine?.type, 'incrementalSyncWorkflow');
  const runs: number[] = [];
  for await (const info of client.workflow.list({ query: `WorkflowId = '${sync.workflowId}'` })) {
    if (info.status.name === 'CONTINUED_AS_NEW') runs.push(info.historyLength);
  }
  const children: number[] = [];
  for await (const info of client.workflow.list({ query: `WorkflowId STARTS_WITH '${sync.workflowId}/cycle-'` })) {
    children.push(info.historyLength);
  }
  console.log(`# history events per cycle: sync runs ${runs.join(', ')}; query children ${children.join(', ')}`);
  assert.ok(Math.max(...runs) < 100, `a run's history stays short: ${runs.join(', ')}`);
  await sync.workflow.cancel();
});

/**
 * Runs cycle `n` and SIGKILLs the worker the moment the cycle's manifest (written after its data files) is
 * created: the folder of the day is watched for the cycle's folder, that folder for the manifest.
 */
async function killWhenManifestAppears(sync: IncrementalSyncHandle, n: number): Promise<void> {
  const day = path.join(dir, 'out', 'object=Contact', `date=${new Date().toISOString().slice(0, 10)}`);
  const cycleName = `cycle=${String(n).padStart(6, '0')}`;
  const watchers: FSWatcher[] = [];
  const seen = new Promise<void>((resolve) => {
    watchers.push(
      watch(day, (_event, name) => {
        if (name !== cycleName || watchers.length > 1) return;
        watchers.push(
          watch(path.join(day, cycleName), (_e, file) => {
            if (file !== '_manifest.json') return;
            worker.child.kill('SIGKILL');
            resolve();
          }),
        );
      }),
    );
  });
  await sync.runNow();
  await seen;
  for (const w of watchers) w.close();
  await worker.kill();
}

/** The attempts of `writeSyncCycle` in the runs of a sync, for the record. */
async function writeAttempts(workflowId: string): Promise<number[]> {
  const attempts: number[] = [];
  for await (const info of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    const history = await client.workflow.getHandle(workflowId, info.runId).fetchHistory();
    for (const event of history.events ?? []) {
      const started = event.activityTaskStartedEventAttributes;
      if (started?.attempt && started.attempt > 1) attempts.push(started.attempt);
    }
  }
  return attempts;
}

test('a sync started from a bookmark inside 200 records of one SystemModstamp exports those after it', async () => {
  await insert(Array.from({ length: 200 }, (_, i) => `Tied ${i}`));
  emulator.clock.advance(MINUTE);
  const all = (await adminRecords(emulator.url, 'Contact', true)) as Array<Row & { LastName: string }>;
  const tied = all.filter((r) => r.LastName.startsWith('Tied '));
  assert.equal(new Set(tied.map((r) => r.SystemModstamp)).size, 1, 'one 200-row step, one stamp');
  const sorted = tied.map((r) => r.Id).sort((a, b) => (id15(a) < id15(b) ? -1 : 1));
  const middle = sorted[99] as string;
  const to = pathToFileURL(path.join(dir, 'tied')).href;
  const sync = await createIncrementalSync(
    client,
    {
      object: 'Contact',
      fields: ['LastName'],
      to,
      timing: { cron: '0 0 1 1 *' },
      bookmark: { systemModstamp: new Date(stampMs(tied[0]?.SystemModstamp ?? '')).toISOString(), id: middle },
      ...fastSteps,
    },
    { workflowId: `sync-tied-${randomUUID()}`, taskQueue: env['BULKFLOW_TASK_QUEUE'] as string },
  );
  assert.equal(sync.started, true);
  const report = await cycleEnded(sync, 1);
  assert.equal(report.state, 'Completed', report.failureMessage);
  const exported = cycleVersions(report).map((v) => v.split('|')[0]);
  assert.deepEqual(exported.sort(), sorted.slice(100).map(id15).sort());
  assert.equal(report.to?.id, sorted.at(-1));

  // Calling it again attaches to the running sync; a reset makes the next cycle a full export.
  const again = await createIncrementalSync(
    client,
    { object: 'Contact', fields: ['LastName'], to, timing: { cron: '0 0 1 1 *' } },
    { workflowId: sync.workflowId, taskQueue: env['BULKFLOW_TASK_QUEUE'] as string },
  );
  assert.equal(again.started, false);
  await sync.pause();
  assert.equal((await sync.status()).paused, true);
  const { previous } = await sync.resetBookmark();
  assert.equal(previous?.id, sorted.at(-1));
  assert.equal((await sync.status()).bookmark, undefined);
  await sync.runNow();
  const full = await cycleEnded(sync, 2);
  assert.equal(full.counts.changed, all.filter((r) => !r.IsDeleted).length);
  assert.equal(existsSync(fileURLToPath(`${full.folder}/_manifest.json`)), true);
  await sync.workflow.cancel();
});

test('a cycle that fails keeps its number and the bookmark, says why, and is tried again when next due', async () => {
  const sync = await startIncrementalExport(
    client,
    {
      object: 'Contact',
      fields: ['NoSuchField__c'],
      to: pathToFileURL(path.join(dir, 'failing')).href,
      timing: { everyMs: 3_600_000 },
      ...fastSteps,
    },
    { workflowId: `sync-failing-${randomUUID()}`, taskQueue: env['BULKFLOW_TASK_QUEUE'] as string },
  );
  const report = await cycleEnded(sync, 1);
  assert.equal(report.state, 'Failed');
  assert.match(report.failureMessage ?? '', /NoSuchField__c/);
  const status = await sync.status();
  assert.equal(status.nextCycle, 1);
  assert.equal(status.bookmark, undefined);
  assert.deepEqual(status.totals, { completed: 0, failed: 1, changed: 0, deleted: 0 });
  assert.ok(Date.parse(status.nextDueAt ?? '') > Date.now() + 3_000_000, 'the next try waits for its interval');
  await sync.workflow.cancel();
});
