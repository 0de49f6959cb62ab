/**
 * Inputs larger than one upload: several Salesforce jobs as child workflows, a few at a time, each
 * continuing as new while it polls. Small upload limits make a few hundred rows behave like
 * hundreds of megabytes.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startBulkIngest } from '../../client/starters.js';
import type { SalesforceEmulator } from '../../emulator/index.js';
import { contactRows, writeCsv } from '../helpers/data.js';
import { eventually } from '../helpers/eventually.js';
import { emulatorStats, orgRecords, readCsvFile } from '../helpers/org.js';
import { startTestbed, type Testbed } from '../helpers/testbed.js';

let env: TestWorkflowEnvironment;
let emulator: SalesforceEmulator;
let bed: Testbed;
const taskQueue = `scale-${randomUUID()}`;
const dir = mkdtempSync(path.join(tmpdir(), 'bulkflow-scale-'));

before(async () => {
  // Slow enough that each job is polled many times; small units make a few hundred rows several jobs.
  bed = await startTestbed({
    taskQueue,
    dir,
    emulator: { recordsPerSecond: 100 },
    worker: { uploadLimits: { maxRows: 100, maxBytes: 1024 * 1024 } },
  });
  ({ env, emulator } = bed);
});

after(() => bed?.close());

test('450 rows become 5 jobs run 2 at a time, each continuing as new, every row once', async () => {
  const rows = contactRows(450, 'scale');
  const file = path.join(dir, 'scale.csv');
  writeCsv(file, rows as unknown as Record<string, string>[]);
  const workflowId = `scale-${randomUUID()}`;
  const handle = await startBulkIngest(
    env.client,
    {
      object: 'Contact',
      operation: 'insert',
      source: { url: pathToFileURL(file).href },
      maxConcurrentJobs: 2,
      historyEventLimit: 30,
      pollPolicy: { initialMs: 100, ceilingMs: 100 },
    },
    { taskQueue, workflowId },
  );
  const result = await handle.result();

  assert.equal(result.state, 'Completed');
  assert.deepEqual(result.records, { total: 450, successful: 450, failed: 0, unprocessed: 0 });
  assert.equal(result.jobs.length, 5);
  assert.deepEqual(
    result.results.successful.map((r) => r.rows),
    [100, 100, 100, 100, 50],
  );
  const emails = (await orgRecords(emulator.url, 'Contact')).map((r) => String(r.Email));
  assert.equal(emails.length, 450);
  assert.deepEqual(new Set(emails), new Set(rows.map((r) => r.Email)));
  const successIds = result.results.successful.flatMap((ref) => readCsvFile(ref.url).map((r) => r.sf__Id));
  assert.equal(new Set(successIds).size, 450);

  // One Salesforce job per unit, none extra.
  assert.equal((await emulatorStats(emulator.url)).jobs.length, 5);

  // Each child continued as new at least once, and no run's history outgrew the limit by much.
  // Visibility is eventually consistent, so each listing is retried for a few seconds.
  const listRuns = (id: string) =>
    eventually(
      async () => {
        const runs: number[] = [];
        for await (const wf of env.client.workflow.list({ query: `WorkflowId = '${id}'` })) runs.push(wf.historyLength);
        return runs;
      },
      { until: (runs) => runs.length >= 2, timeoutMs: 10_000, intervalMs: 200, what: `two runs of ${id} to be listed` },
    );
  for (let n = 1; n <= 5; n++) {
    const runs = await listRuns(`${workflowId}/job-${n}`);
    assert.ok(runs.length >= 2, `job-${n} ran ${runs.length} time(s); expected a continue-as-new`);
    assert.ok(Math.max(...runs) <= 45, `job-${n} histories: ${runs.join(', ')}`);
  }
});
