/**
 * Crash scenarios: a bulk workflow runs on a `bulkflow worker` process; when a condition holds, the
 * worker is killed with SIGKILL (optionally the Temporal server too); a fresh worker takes over.
 * The org is then checked row by row.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { FaultReport, FaultSpec, SalesforceEmulator } from '../../emulator/index.js';
import { startBulkIngest } from '../../client/starters.js';
import { progressQuery, type BulkIngestResult, type BulkProgress } from '../../workflows/contract.js';
import { contactRows, writeCsv, type ContactRow } from './data.js';
import { eventually } from './eventually.js';
import { emulatorStats, orgRecords, readCsvFile, type EmulatorStats } from './org.js';
import { startWorkerProcess, workerEnv } from './processes.js';
import type { KillableServer } from './temporal.js';

export interface CrashScenario {
  name: string;
  rows: number;
  /** Emulator faults for the run, e.g. latency that holds a request open while the worker dies. */
  faults?: FaultSpec[];
  /** When to pull the plug, checked every 50 ms. */
  killWhen: (progress: BulkProgress, faults: FaultReport[]) => boolean;
  /** Bulk API version. @default '2.0' */
  api?: '2.0' | '1.0';
  /** Also SIGKILL the Temporal server and start it again on the same database. */
  restartServer?: boolean;
}

export interface CrashOutcome {
  result: BulkIngestResult;
  rows: ContactRow[];
  stats: EmulatorStats;
}

export async function runCrashScenario(
  scenario: CrashScenario,
  ctx: { server: KillableServer; emulator: SalesforceEmulator; dir: string },
): Promise<CrashOutcome> {
  const taskQueue = `crash-${randomUUID()}`;
  const env = workerEnv({
    temporalAddress: ctx.server.current.address,
    taskQueue,
    emulatorUrl: ctx.emulator.url,
    stagingDir: path.join(ctx.dir, 'staging'),
  });
  const rows = contactRows(scenario.rows, scenario.name.replace(/\W+/g, '-'));
  const file = path.join(ctx.dir, `${taskQueue}.csv`);
  writeCsv(file, rows as unknown as Record<string, string>[]);

  ctx.emulator.reset(); // each scenario's jobs and records only
  ctx.emulator.faults.set(scenario.faults ?? []);
  let connection = await Connection.connect({ address: ctx.server.current.address });
  const first = await startWorkerProcess(env);
  const workflowId = `crash-${scenario.name}-${randomUUID()}`;
  await startBulkIngest(
    new Client({ connection }),
    {
      object: 'Contact',
      operation: 'insert',
      ...(scenario.api ? { api: scenario.api } : {}),
      source: { url: pathToFileURL(file).href },
      pollPolicy: { initialMs: 200, ceilingMs: 1000 },
      activityTimeouts: { callMs: 5_000, heartbeatMs: 3_000 },
    },
    { taskQueue, workflowId },
  );
  const handle = () => new Client({ connection }).workflow.getHandle(workflowId);

  // Queries fail until the worker has started the workflow: eventually retries them.
  await eventually(async () => scenario.killWhen(await handle().query(progressQuery), ctx.emulator.faults.report()), {
    timeoutMs: 60_000,
    intervalMs: 50,
    what: `the moment to crash (${scenario.name})`,
  });
  await first.kill();
  if (scenario.restartServer) {
    await connection.close();
    await ctx.server.kill();
    await ctx.server.restart();
    connection = await Connection.connect({ address: ctx.server.current.address });
  }
  const second = await startWorkerProcess(env);
  try {
    const result = (await handle().result()) as BulkIngestResult;
    return { result, rows, stats: await emulatorStats(ctx.emulator.url) };
  } catch (err) {
    throw new Error(`workflow failed after the crash; worker output:\n${first.output()}\n---\n${second.output()}`, {
      cause: err,
    });
  } finally {
    ctx.emulator.faults.clear();
    await second.stop();
    await connection.close();
  }
}

/** The org holds exactly the input's Contacts, each once, and the results account for every row. */
export async function assertExactlyOnce(emulatorUrl: string, outcome: CrashOutcome): Promise<void> {
  const { result, rows } = outcome;
  assert.equal(result.state, 'Completed');
  assert.deepEqual(result.records, { total: rows.length, successful: rows.length, failed: 0, unprocessed: 0 });
  const tag = rows[0]?.Email.replace(/\d+@.*/, '') ?? '';
  const records = (await orgRecords(emulatorUrl, 'Contact')).filter((r) => String(r.Email).startsWith(tag));
  const emails = records.map((r) => String(r.Email));
  assert.equal(new Set(emails).size, emails.length, 'no Contact was inserted twice');
  assert.deepEqual(new Set(emails), new Set(rows.map((r) => r.Email)), 'every Contact is there');
  const byEmail = new Map(records.map((r) => [r.Email, r]));
  for (const row of rows) {
    const rec = byEmail.get(row.Email);
    assert.equal(rec?.LastName, row.LastName);
    assert.equal(rec?.Description, row.Description);
  }
  const successIds = result.results.successful.flatMap((ref) => readCsvFile(ref.url).map((r) => r.sf__Id));
  assert.deepEqual(new Set(successIds), new Set(records.map((r) => r.Id)), 'result Ids are the org Ids');
  assert.equal(result.jobs.length, 1, 'one Salesforce job received the data');
  const job = outcome.stats.jobs.find((j) => j.id === result.jobs[0]?.id);
  // Bulk 2.0 jobs end JobComplete; v1 jobs stay Closed once their batches are done.
  assert.equal(job?.state, result.jobs[0]?.api === '1.0' ? 'Closed' : 'JobComplete');
}
