/**
 * `npm run test:topology`: docker-compose.yml started for real, without a container engine. Every service
 * runs as a local process from the compose file's own definition (see topology.ts and compose-file.ts):
 * PostgreSQL; the schema step's commands; the Temporal server built from its Go module at the compose file's
 * version (scripts/build-temporal-server.mjs), with the service's environment and mounts; the namespace
 * step's commands; moto standing in for MinIO, with the bucket minio-setup makes; the emulator as the
 * Salesforce org (the compose file's emulator profile, with .env.example's credentials for it); and the two
 * workers with their environment from the compose file.
 *
 * Then an operator's day: an ingest from an `s3://` input started with the `temporal` CLI; while Salesforce
 * works on it, one worker is SIGKILLed and the Temporal server is killed and started again on the same
 * database. The ingest completes, every row is in the org once, `bulkflow list` shows it from SQL visibility
 * with its search attributes, and a Bulk query through bulkQueryWorkflow returns the rows. No process of
 * the run writes one of its secrets.
 *
 * Not a `*.test.ts` file: `npm test` (scripts/run-tests.mjs) does not run it; `npm run test:topology` does,
 * after building or finding the Temporal binaries. BULKFLOW_KEEP_TOPOLOGY=1 keeps the run's folder (logs).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import Papa from 'papaparse';
import { requireTemporalCli } from '../../cli/dev/temporal-binaries.js';
import { formatCsvRow } from '../../salesforce/index.js';
import { parseS3Url, s3ClientFromEnv } from '../../storage/s3-client.js';
import type { BulkIngestResult, BulkQueryResult } from '../../workflows/contract.js';
import { contactRows } from '../helpers/data.js';
import { eventually } from '../helpers/eventually.js';
import { emulatorStats, orgRecords } from '../helpers/org.js';
import { interpolate, readComposeFile, readEnvFile, REPO } from './compose-file.js';
import { Processes } from './processes.js';
import { ComposeTopology, type TemporalBuild } from './topology.js';

/** Enough rows that Salesforce (the emulator, at RECORDS_PER_SECOND) works on the job for ~15 s. */
const ROWS = 4_500;
const RECORDS_PER_SECOND = 300;
const COLUMNS = ['FirstName', 'LastName', 'Email', 'Title', 'Description'] as const;

const compose = readComposeFile();
const envFile = path.join(REPO, '.env.example');
/**
 * The project environment: `.env.example` as an operator copies it to `.env`, with its own block for
 * running against the emulator ("trying it without an org") filled in, and passwords of this run's own.
 */
const secrets = {
  POSTGRES_PASSWORD: `pg-${randomBytes(12).toString('hex')}`,
  MINIO_ROOT_PASSWORD: `minio-${randomBytes(12).toString('hex')}`,
};
const projectEnv: Record<string, string> = {
  ...readEnvFile(envFile),
  ...readEnvFile(envFile, { commentedAfter: 'trying it without an org' }),
  ...secrets,
};

const root = mkdtempSync(path.join(tmpdir(), 'bulkflow-topology-'));
// PostgreSQL may run as another user (see postgresql.ts): it must reach its folder inside this one.
chmodSync(root, 0o711);
mkdirSync(path.join(root, 'logs'));
mkdirSync(path.join(root, 'home'));
const processes = new Processes(path.join(root, 'logs'));
processes.addSecrets(
  ...Object.values(secrets),
  projectEnv.SF_PASSWORD,
  projectEnv.SF_CLIENT_SECRET,
  projectEnv.SF_SECURITY_TOKEN,
);
const removeRoot = () => {
  if (process.env.BULKFLOW_KEEP_TOPOLOGY !== '1') rmSync(root, { recursive: true, force: true });
};
process.once('exit', removeRoot);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    processes.killAllNow();
    removeRoot();
    process.exit(130);
  });
}

after(async () => {
  await processes.stopAll(15_000);
  if (process.env.BULKFLOW_KEEP_TOPOLOGY === '1') console.log(`# the run's folder, logs in logs/: ${root}`);
  removeRoot();
});

/** The Temporal binaries for the compose file's version: built once per machine, then from the cache. */
function temporalBuild(): TemporalBuild {
  const r = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'build-temporal-server.mjs'), '--json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`scripts/build-temporal-server.mjs failed (exit ${r.status})`);
  return JSON.parse(r.stdout) as TemporalBuild;
}

/** The pinned Temporal CLI, as an operator on the host runs it against the published port. */
function temporalCli(topology: ComposeTopology, args: string[]): string {
  const worker = topology.environment('worker-1');
  const r = spawnSync(requireTemporalCli().path, args, {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: path.join(root, 'home'),
      TEMPORAL_ADDRESS: topology.address('temporal'),
      TEMPORAL_NAMESPACE: worker.TEMPORAL_NAMESPACE,
    },
    timeout: 60_000,
  });
  assert.equal(
    r.status,
    0,
    `temporal ${args.slice(0, 3).join(' ')} failed:\n${processes.mask(`${r.stdout}${r.stderr}`)}`,
  );
  return r.stdout;
}

async function scenario(t: TestContext): Promise<void> {
  const started = Date.now();
  const lap = (what: string, since: number) => t.diagnostic(`${what}: ${((Date.now() - since) / 1000).toFixed(1)} s`);

  const build = temporalBuild();
  const serverImage = interpolate(compose.services.temporal?.image ?? '', projectEnv);
  assert.equal(serverImage, `temporalio/server:${build.version}`, 'the binaries are the version the compose file runs');
  t.diagnostic(
    `Temporal ${build.version} (${build.goVersion}) ${build.cached ? 'from the cache' : `built in ${build.buildSeconds} s`}: ${build.dir}`,
  );

  const topology = new ComposeTopology(compose, projectEnv, processes, root, build);
  let since = Date.now();
  await topology.startPostgresql();
  lap('postgresql healthy', since);
  since = Date.now();
  await topology.setupSchema();
  lap('temporal-setup-schema done', since);
  since = Date.now();
  let server = await topology.startTemporal();
  lap('temporal healthy', since);
  topology.validateDynamicConfig();
  since = Date.now();
  await topology.runSetupStep('temporal-setup-namespace');
  lap('temporal-setup-namespace done', since);
  since = Date.now();
  const bucket = await topology.startMinio();
  const emulatorUrl = await topology.startEmulator(RECORDS_PER_SECOND);
  lap('minio (moto) + minio-setup + emulator up', since);
  since = Date.now();
  let [worker1] = await Promise.all([topology.startWorker('worker-1'), topology.startWorker('worker-2')]);
  lap('worker-1 and worker-2 polling', since);
  lap('whole topology up', started);

  const workerEnv = topology.environment('worker-1');
  const taskQueue = workerEnv.BULKFLOW_TASK_QUEUE!;
  const s3 = s3ClientFromEnv(workerEnv);
  const connection = await Connection.connect({ address: topology.address('temporal') });
  const client = new Client({ connection, namespace: workerEnv.TEMPORAL_NAMESPACE! });
  try {
    // The input, where an operator would put it: the staging bucket's MinIO, under inputs/.
    const rows = contactRows(ROWS, 'topology');
    const csv = [formatCsvRow([...COLUMNS]), ...rows.map((r) => formatCsvRow(COLUMNS.map((c) => r[c])))].join('');
    const inputKey = `inputs/contacts-${randomUUID()}.csv`;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: inputKey, Body: csv }));

    const ingestId = `topology-ingest-${randomUUID()}`;
    since = Date.now();
    temporalCli(topology, [
      'workflow',
      'start',
      '--type',
      'bulkIngestWorkflow',
      '--task-queue',
      taskQueue,
      '--workflow-id',
      ingestId,
      '--input',
      JSON.stringify({
        object: 'Contact',
        operation: 'insert',
        source: { url: `s3://${bucket}/${inputKey}` },
        // A killed worker's step is retried on the other after 10 s, not the default minute.
        activityTimeouts: { callMs: 10_000, heartbeatMs: 10_000 },
        pollPolicy: { ceilingMs: 2_000 },
      }),
    ]);
    const ingest = client.workflow.getHandle(ingestId);

    // While Salesforce works on the job: SIGKILL worker-1, then kill the Temporal server and start it again.
    const inProgress = await eventually(
      async () =>
        (await emulatorStats(emulatorUrl)).jobs.find((j) => j.object === 'Contact' && j.state === 'InProgress'),
      { timeoutMs: 120_000, intervalMs: 100, what: 'the Salesforce ingest job to be InProgress' },
    );
    lap('ingest started → Salesforce job InProgress', since);
    await worker1.stop('SIGKILL');
    await server.stop('SIGKILL');
    const down = Date.now();
    server = await topology.startTemporal();
    lap('Temporal server killed and healthy again', down);
    const during = (await emulatorStats(emulatorUrl)).jobs.find((j) => j.id === inProgress.id);
    t.diagnostic(`Salesforce job ${inProgress.id} was ${during?.state} when the server was back`);
    // Docker's restart policy (unless-stopped) would start worker-1 again; so does the test.
    worker1 = await topology.startWorker('worker-1', 'worker-1-restarted');

    await eventually(async () => (await ingest.describe()).status.name !== 'RUNNING', {
      timeoutMs: 180_000,
      intervalMs: 500,
      what: 'the ingest to finish',
    });
    const result = (await ingest.result()) as BulkIngestResult;
    lap('ingest', since);
    assert.equal(result.state, 'Completed', JSON.stringify(result.failureMessage ?? result));
    assert.deepEqual(result.records, { total: ROWS, successful: ROWS, failed: 0, unprocessed: 0 });
    assert.deepEqual(
      result.jobs.map((j) => j.id),
      [inProgress.id],
      'one Salesforce job, the one that was in progress across the restarts',
    );

    // The org, row by row: every input row once, none missing, field by field.
    const records = await orgRecords(emulatorUrl, 'Contact');
    assert.equal(records.length, ROWS, 'the org holds as many Contacts as the input has rows');
    const byEmail = new Map(records.map((r) => [String(r.Email), r]));
    assert.equal(byEmail.size, ROWS, 'no Contact was inserted twice');
    for (const row of rows) {
      const record = byEmail.get(row.Email);
      assert.ok(record, `${row.Email} is in the org`);
      for (const column of COLUMNS) assert.equal(record[column], row[column], `${row.Email}.${column}`);
    }

    // `docker compose run --rm worker-1 list --json`: SQL visibility and the search attributes.
    const list = topology.bulkflowProcess('worker-1', ['list', '--json']);
    const listed = await eventually(
      () => {
        const r = spawnSync(list.file, list.args, {
          env: list.env,
          cwd: list.cwd,
          encoding: 'utf8',
          timeout: 60_000,
        });
        assert.equal(r.status, 0, `bulkflow list --json failed:\n${processes.mask(r.stderr)}`);
        const jobs = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
        return jobs.find((j) => j.workflowId === ingestId);
      },
      {
        timeoutMs: 60_000,
        intervalMs: 1_000,
        until: (job) => job?.state === 'Completed',
        what: `${ingestId} listed as Completed`,
      },
    );
    assert.deepEqual(
      {
        status: listed?.status,
        state: listed?.state,
        object: listed?.object,
        operation: listed?.operation,
        jobs: listed?.salesforceJobIds,
      },
      { status: 'COMPLETED', state: 'Completed', object: 'Contact', operation: 'insert', jobs: [inProgress.id] },
    );

    // A Bulk query of the loaded rows through bulkQueryWorkflow; the CSV lands in S3 staging.
    since = Date.now();
    const queryId = `topology-query-${randomUUID()}`;
    temporalCli(topology, [
      'workflow',
      'start',
      '--type',
      'bulkQueryWorkflow',
      '--task-queue',
      taskQueue,
      '--workflow-id',
      queryId,
      '--input',
      JSON.stringify({
        soql: 'SELECT Id, FirstName, LastName, Email FROM Contact',
        pollPolicy: { ceilingMs: 2_000 },
      }),
    ]);
    const query = client.workflow.getHandle(queryId);
    const queried = (await query.result()) as BulkQueryResult;
    lap('query', since);
    assert.equal(queried.state, 'Completed', JSON.stringify(queried));
    assert.equal(queried.records.total, ROWS);
    const ref = queried.results.records;
    assert.ok(ref, 'the query has a result file');
    assert.ok(ref.url.startsWith(`s3://${bucket}/`), `the query's CSV is in S3 staging: ${ref.url}`);
    const where = parseS3Url(ref.url);
    const body = await s3.send(new GetObjectCommand({ Bucket: where.bucket, Key: where.key }));
    const parsed = Papa.parse<Record<string, string>>((await body.Body?.transformToString('utf8')) ?? '', {
      header: true,
      skipEmptyLines: true,
    });
    assert.equal(parsed.errors.length, 0, 'the query CSV parses');
    assert.equal(parsed.data.length, ROWS);
    const queriedById = new Map(parsed.data.map((r) => [r.Id, r]));
    for (const record of records) {
      const row = queriedById.get(record.Id);
      assert.ok(row, `${record.Id} is in the query's result`);
      assert.deepEqual(
        { FirstName: row.FirstName, LastName: row.LastName, Email: row.Email },
        { FirstName: record.FirstName, LastName: record.LastName, Email: record.Email },
      );
    }
  } finally {
    s3.destroy();
    await connection.close();
  }

  assert.deepEqual(processes.unexpectedExits(), [], 'no service exited but those killed on purpose');
  assert.deepEqual(processes.leaks(), [], 'no process wrote a password, key or token');
  lap('whole run', started);
}

test(
  'docker-compose.yml starts, and a job survives a worker SIGKILL and a Temporal server restart',
  { timeout: 15 * 60_000 },
  async (t) => {
    try {
      await scenario(t);
    } catch (err) {
      // A failure downstream often has its cause upstream: a service that died on the way.
      const meanwhile = processes.meanwhile();
      if (meanwhile && err instanceof Error) err.message += meanwhile;
      throw err;
    }
  },
);
