/**
 * A query download resumes where it stopped: the worker is killed while it fetches the third page
 * of six, after Temporal has recorded the heartbeat of the finished pages; the new worker
 * fetches only the pages that were missing, and the CSV holds every record exactly once. Both ways of
 * paging: by locator (an explicit page size), and `resultPages` fetched three at a time.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { startBulkIngest, startBulkQuery } from '../../client/starters.js';
import type { bulkQueryWorkflow } from '../../workflows/bulk-query-workflow.js';
import type { BulkQueryResult } from '../../workflows/contract.js';
import { contactRows, writeCsv } from '../helpers/data.js';
import { startEmulator } from '../helpers/emulator.js';
import { eventually } from '../helpers/eventually.js';
import { emulatorStats, orgRecords, readCsvFile } from '../helpers/org.js';
import { startWorkerProcess, workerEnv } from '../helpers/processes.js';
import { startKillableServer, type KillableServer } from '../helpers/temporal.js';

let server: KillableServer;
let client: Client;
const dir = mkdtempSync(path.join(tmpdir(), 'bulkflow-qresume-'));

const emulator = await startEmulator({ after }, { bulkV2ResultPageRows: 500 });

before(async () => {
  server = await startKillableServer();
  client = new Client({ connection: await Connection.connect({ address: server.current.address }) });
});

after(async () => {
  await client?.connection.close();
  await server?.stop();
});

/** The parts the download activity has heartbeated, as Temporal's server has recorded them. */
async function heartbeatedParts(workflowId: string): Promise<number> {
  const description = await client.workflow.getHandle(workflowId).describe();
  for (const pending of description.raw.pendingActivities ?? []) {
    if (pending.activityType?.name !== 'downloadQueryParts') continue;
    const payload = pending.heartbeatDetails?.payloads?.[0];
    if (!payload) return 0;
    const details = defaultPayloadConverter.fromPayload<{ parts?: unknown[]; pages?: unknown[] }>(payload);
    return (details.parts?.length ?? 0) + (details.pages?.length ?? 0);
  }
  return 0;
}

const CASES = [
  // Pages 1 and 2 are saved while page 3 is held.
  { paging: 'by locator', pageSize: 500, heartbeated: 2 },
  // Pages 1, 2 and 3 start at once; 3 is held while 1, 2, 4, 5 and 6 are saved.
  { paging: 'resultPages, three at a time', pageSize: undefined, heartbeated: 5 },
] as const;

for (const { paging, pageSize, heartbeated } of CASES) {
  test(`a killed worker resumes a query download from its last heartbeated page (${paging})`, async () => {
    emulator.reset();
    const env = workerEnv({
      temporalAddress: server.current.address,
      taskQueue: `qresume-${randomUUID()}`,
      emulatorUrl: emulator.url,
      stagingDir: path.join(dir, 'staging'),
    });
    const taskQueue = env.BULKFLOW_TASK_QUEUE ?? '';
    const first = await startWorkerProcess(env);
    const file = path.join(dir, 'seed.csv');
    writeCsv(file, contactRows(3_000, 'qr') as unknown as Record<string, string>[]);
    await (
      await startBulkIngest(
        client,
        { object: 'Contact', operation: 'insert', source: { url: pathToFileURL(file).href } },
        { taskQueue },
      )
    ).result();

    // Pages 1 and 2 come at once; page 3 is held long enough for the kill to land while it is in flight.
    emulator.faults.set({
      type: 'latency',
      ms: 6_000,
      method: 'GET',
      path: '*/jobs/query/*/results',
      skip: 2,
      count: 1,
    });
    const out = path.join(dir, 'export.csv');
    const workflowId = `qresume-${randomUUID()}`;
    await startBulkQuery(
      client,
      {
        soql: 'SELECT Id, Email FROM Contact',
        ...(pageSize ? { pageSize } : {}),
        destination: { url: pathToFileURL(out).href },
        pollPolicy: { initialMs: 100, ceilingMs: 300 },
        activityTimeouts: { callMs: 5_000, heartbeatMs: 3_000 },
      },
      { taskQueue, workflowId },
    );
    await eventually(
      async () => (emulator.faults.report()[0]?.fired ?? 0) >= 1 && (await heartbeatedParts(workflowId)) >= heartbeated,
      { timeoutMs: 60_000, intervalMs: 50, what: `page 3 held with ${heartbeated} pages heartbeated` },
    );
    await first.kill();
    emulator.faults.clear();
    const second = await startWorkerProcess(env);
    try {
      const result: BulkQueryResult = await client.workflow.getHandle<typeof bulkQueryWorkflow>(workflowId).result();
      assert.equal(result.state, 'Completed');
    } finally {
      await second.stop();
    }

    const exported = readCsvFile(out);
    const ids = exported.map((r) => r.Id);
    assert.equal(ids.length, 3_000);
    assert.equal(new Set(ids).size, 3_000, 'no record twice');
    assert.deepEqual(new Set(ids), new Set((await orgRecords(emulator.url, 'Contact')).map((r) => r.Id)));
    // Six pages, plus page 3 asked for again: the finished pages were not fetched twice.
    const stats = await emulatorStats(emulator.url);
    const pageGets = Object.entries(stats.requests)
      .filter(([route]) => route.startsWith('GET ') && route.endsWith('/results'))
      .reduce((n, [, count]) => n + count, 0);
    assert.equal(pageGets, 7);
  });
}
