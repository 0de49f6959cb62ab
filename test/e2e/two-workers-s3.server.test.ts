/**
 * docker-compose.yml's topology without containers: two `bulkflow worker` processes on one Temporal
 * server, sharing staging only through S3 (moto stands in for MinIO), the input an `s3://` object, so
 * nothing on a local disk is shared between them. One job is split across them: worker A stages the
 * input and creates the Salesforce job, then dies (SIGKILL) with its upload in flight; worker B,
 * started only then, uploads A's staged unit from S3, polls, and downloads the results (checking them
 * against that unit). The histories say which worker ran what; the org is checked row by row.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import Papa from 'papaparse';
import type { ResultFileRef } from '../../activities/types.js';
import { startBulkIngest } from '../../client/starters.js';
import { formatCsvRow } from '../../csv/csv.js';
import type { BulkIngestResult } from '../../workflows/contract.js';
import { contactRows } from '../helpers/data.js';
import { startEmulator } from '../helpers/emulator.js';
import { eventually } from '../helpers/eventually.js';
import { emulatorStats, orgRecords } from '../helpers/org.js';
import { startWorkerProcess, workerEnv, type WorkerProcess } from '../helpers/processes.js';
import { startS3Server, type S3TestServer } from '../helpers/s3-server.js';
import { startKillableServer, type KillableServer } from '../helpers/temporal.js';
import { summarizeHistory, type ActivityRun } from './history-runs.js';

const ROWS = 20_000;
const BUCKET = 'bulkflow-staging';
const INPUT = { bucket: 'exports', key: 'crm/contacts two workers.csv' };
const COLUMNS = ['FirstName', 'LastName', 'Email', 'Title', 'Description'] as const;

// 20,000 rows at 4,000 a second: Salesforce works on the job for about 5 s, on worker B's watch.
const emulator = await startEmulator({ after }, { recordsPerSecond: 4_000 });
let server: KillableServer;
let s3: S3TestServer;

before(async () => {
  server = await startKillableServer();
  s3 = await startS3Server();
  await s3.createBucket(BUCKET);
  await s3.createBucket(INPUT.bucket);
});

after(async () => {
  await server?.stop();
  await s3?.stop();
});

/** A compose worker: the same task queue and S3 staging for both, each with a folder of its own for anything local. */
function composeWorkerEnv(taskQueue: string, name: string): NodeJS.ProcessEnv {
  const own = mkdtempSync(path.join(tmpdir(), `bulkflow-worker-${name}-`));
  return {
    ...workerEnv({ temporalAddress: server.current.address, taskQueue, emulatorUrl: emulator.url, stagingDir: own }),
    ...s3.env,
    BULKFLOW_STAGING_URL: `s3://${BUCKET}/staging`,
    BULKFLOW_S3_FORCE_PATH_STYLE: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

const identityOf = (worker: WorkerProcess) => `${worker.child.pid}@${hostname()}`;
const runsOf = (runs: ActivityRun[], type: string) => runs.filter((r) => r.type === type);

async function readS3Csv(ref: ResultFileRef): Promise<Record<string, string>[]> {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(ref.url);
  assert.ok(match, `result file ${ref.url} is not in S3`);
  const parsed = Papa.parse<Record<string, string>>(await s3.getText(match[1]!, match[2]!), {
    header: true,
    skipEmptyLines: true,
  });
  assert.equal(parsed.errors.length, 0, `bad CSV in ${ref.url}`);
  assert.equal(parsed.data.length, ref.rows, `${ref.url} holds the rows its reference counts`);
  return parsed.data;
}

test(
  'two workers share one job through S3: A stages and dies mid-upload, B uploads, polls and downloads',
  { timeout: 120_000 },
  async (t) => {
    const started = Date.now();
    const rows = contactRows(ROWS, 'two-workers');
    const csv = [formatCsvRow([...COLUMNS]), ...rows.map((r) => formatCsvRow(COLUMNS.map((c) => r[c])))].join('');
    await s3.put(INPUT.bucket, INPUT.key, csv);

    const taskQueue = `compose-${randomUUID()}`;
    // A's upload is held open 5 s, so A dies while it is in flight, and then dropped unread: had its
    // body arrived whole after A died, B's retry would be told so and send nothing, and this test
    // would not show B streaming A's staged unit. (That path is the crash matrix's `uploading` case.)
    const uploadRoute = { method: 'PUT', path: '*/batches', count: 1 } as const;
    emulator.faults.set([
      { type: 'latency', ms: 5_000, ...uploadRoute },
      { type: 'connectionReset', afterBytes: 0, ...uploadRoute },
    ]);
    const connection = await Connection.connect({ address: server.current.address });
    const client = new Client({ connection });
    let workerB: WorkerProcess | undefined;
    const workerA = await startWorkerProcess(composeWorkerEnv(taskQueue, 'a'));
    try {
      const workflowId = `compose-${randomUUID()}`;
      const handle = await startBulkIngest(
        client,
        {
          object: 'Contact',
          operation: 'insert',
          api: '2.0',
          source: { url: `s3://${INPUT.bucket}/${INPUT.key}` },
          pollPolicy: { initialMs: 200, ceilingMs: 1_000 },
          // A dead worker's streaming step is retried on the other one after 3 s without a heartbeat.
          activityTimeouts: { callMs: 5_000, heartbeatMs: 3_000 },
        },
        { taskQueue, workflowId },
      );

      // The moment to pull A's plug: its staging is in history and its upload is held by the emulator.
      // Polled every 50 ms, so A dies well inside the 5 s hold and the 3 s heartbeat timeout.
      await eventually(
        async () =>
          (emulator.faults.report()[0]?.fired ?? 0) >= 1 &&
          runsOf((await summarizeHistory(handle)).activities, 'stageIngestInput').some((r) => r.completed),
        { timeoutMs: 60_000, intervalMs: 50, what: "worker A's staging to complete and its upload to be in flight" },
      );
      await workerA.kill();
      const killedAt = Date.now();
      workerB = await startWorkerProcess(composeWorkerEnv(taskQueue, 'b'));
      t.diagnostic(`worker B polling ${Date.now() - killedAt} ms after A was killed`);

      let result: BulkIngestResult;
      try {
        await eventually(async () => (await handle.describe()).status.name !== 'RUNNING', {
          timeoutMs: 60_000,
          intervalMs: 250,
          what: 'the ingest to finish on worker B',
        });
        result = await handle.result();
      } catch (err) {
        throw new Error(
          `the ingest did not complete; worker A:\n${workerA.output()}\n--- worker B:\n${workerB.output()}`,
          {
            cause: err,
          },
        );
      }
      const finishedAt = Date.now();

      // Where each step ran, from the histories: A staged, B did the rest of the Salesforce job.
      const a = identityOf(workerA);
      const b = identityOf(workerB);
      assert.notEqual(a, b);
      const parent = await summarizeHistory(handle);
      const [stage, ...moreStaging] = runsOf(parent.activities, 'stageIngestInput');
      assert.equal(moreStaging.length, 0, 'the input was staged once');
      assert.deepEqual({ identity: stage?.identity, completed: stage?.completed }, { identity: a, completed: true });
      assert.equal(parent.children.length, 1, 'one upload unit, one Bulk 2.0 job child');
      assert.equal(parent.workflowTaskWorkers.at(-1), b, 'worker B completed the parent workflow');

      const child = await summarizeHistory(client.workflow.getHandle(parent.children[0]!));
      const only = (type: string): ActivityRun => {
        const runs = runsOf(child.activities, type);
        assert.equal(runs.length, 1, `one ${type} in the child's history`);
        assert.ok(runs[0]!.completed, `${type} completed`);
        return runs[0]!;
      };
      assert.equal(only('createIngestJob').identity, a, 'worker A created the Salesforce job');
      const upload = only('uploadIngestData');
      assert.equal(upload.identity, b, "worker B finished the upload A's death interrupted");
      assert.ok(upload.attempt >= 2, `the upload was retried (attempt ${upload.attempt})`);
      // A's PUT was dropped unread, so the rows Salesforce got are B's PUT of the unit A staged.
      assert.deepEqual(
        emulator.faults.report().map((f) => f.fired),
        [1, 1],
      );
      assert.doesNotMatch(workerB.output(), /upload of an earlier attempt had arrived/);
      assert.equal(only('closeIngestJob').identity, b);
      const download = only('downloadIngestResults');
      assert.equal(download.identity, b, 'worker B downloaded the results');
      const polls = runsOf(child.activities, 'getIngestJobStatus');
      assert.ok(polls.length >= 1 && polls.every((p) => p.identity === b), 'worker B polled the job');
      // B read the unit A staged: by its S3 URL, for the upload and to check the results against it.
      const unitUrl = (upload.input as { unitUrl?: string }).unitUrl ?? '';
      assert.match(unitUrl, new RegExp(`^s3://${BUCKET}/staging/.+/input/unit-\\d{4}\\.csv$`));
      assert.equal((download.input as { unitUrl?: string }).unitUrl, unitUrl);
      // No step handed another a local file: nothing in either history names one.
      for (const text of [...parent.payloadTexts, ...child.payloadTexts]) assert.ok(!text.includes('file://'), text);

      // Every row exactly once, field by field; the result files (in S3) account for every row.
      assert.equal(result.state, 'Completed');
      assert.deepEqual(result.records, { total: ROWS, successful: ROWS, failed: 0, unprocessed: 0 });
      const records = await orgRecords(emulator.url, 'Contact');
      const emails = records.map((r) => String(r.Email));
      assert.equal(records.length, ROWS, 'the org holds as many Contacts as the input has rows');
      assert.equal(new Set(emails).size, ROWS, 'no Contact was inserted twice');
      const byEmail = new Map(records.map((r) => [r.Email, r]));
      for (const row of rows) {
        const record = byEmail.get(row.Email);
        assert.ok(record, `${row.Email} is in the org`);
        for (const column of COLUMNS) assert.equal(record[column], row[column], `${row.Email}.${column}`);
      }
      const refs = [...result.results.successful, ...result.results.failed, ...result.results.unprocessed];
      for (const ref of refs) assert.ok(ref.url.startsWith(`s3://${BUCKET}/staging/`), `${ref.url} is in S3 staging`);
      const successful = (await Promise.all(result.results.successful.map(readS3Csv))).flat();
      assert.equal(successful.length, ROWS);
      assert.deepEqual(new Set(successful.map((r) => r.sf__Id)), new Set(records.map((r) => r.Id)));
      const others = await Promise.all([...result.results.failed, ...result.results.unprocessed].map(readS3Csv));
      assert.equal(others.flat().length, 0, 'no failed or unprocessed rows');
      const staged = await s3.keys(BUCKET, `staging/${encodeURIComponent(workflowId)}/`);
      assert.equal(staged.filter((k) => /\/input\/unit-\d{4}\.csv$/.test(k)).length, 1, staged.join('\n'));

      // One Salesforce job received the data; any other would be an empty orphan left Open.
      const stats = await emulatorStats(emulator.url);
      const jobs = stats.jobs as Array<(typeof stats.jobs)[number] & { numberRecordsProcessed: number }>;
      assert.equal(result.jobs.length, 1);
      assert.equal(stats.requests['PUT /services/data/vXX.X/jobs/ingest/{jobId}/batches'], 2, "A's upload and B's");
      const withRecords = jobs.filter((j) => j.numberRecordsProcessed > 0);
      assert.deepEqual(
        withRecords.map((j) => ({ id: j.id, state: j.state, processed: j.numberRecordsProcessed })),
        [{ id: result.jobs[0]?.id, state: 'JobComplete', processed: ROWS }],
      );
      for (const orphan of jobs.filter((j) => j.id !== result.jobs[0]?.id)) assert.equal(orphan.state, 'Open');

      t.diagnostic(
        `ingest ${finishedAt - started} ms (A killed at ${killedAt - started} ms); ` +
          `${polls.length} polls; ${jobs.length} Salesforce job(s); workflow task timeouts: parent ` +
          `${parent.workflowTaskTimeouts}, child ${child.workflowTaskTimeouts}`,
      );
    } finally {
      emulator.faults.clear();
      await workerA.kill();
      await workerB?.stop();
      await connection.close();
    }
  },
);
