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
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import Papa from 'papaparse';
import { requireTemporalCli } from '../../cli/dev/temporal-binaries.js';
import { formatCsvRow } from '../../csv/csv.js';
import { parseS3Url, s3ClientFromEnv } from '../../storage/s3-client.js';
import type { BulkIngestResult, BulkQueryResult } from '../../workflows/contract.js';
import { contactRows, type ContactRow } from '../helpers/data.js';
import { eventually } from '../helpers/eventually.js';
import { emulatorStats, orgRecords, type OrgRecord } from '../helpers/org.js';
import { interpolate, readComposeFile, readEnvFile, REPO } from './compose-file.js';
import { Processes, type Service } from './processes.js';
import { ComposeTopology, temporalBuild } from './topology.js';

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

/** Logs how long a phase took, as a test diagnostic. */
type Lap = (what: string, since: number) => void;

interface Running {
  topology: ComposeTopology;
  bucket: string;
  emulatorUrl: string;
  server: Service;
  worker1: Service;
}

/** Every service, in the order the compose file's `depends_on` conditions impose. */
async function startTopology(t: TestContext, lap: Lap): Promise<Running> {
  const build = temporalBuild();
  const serverImage = interpolate(compose.services.temporal?.image ?? '', projectEnv);
  assert.equal(serverImage, `temporalio/server:${build.version}`, 'the binaries are the version the compose file runs');
  const how = build.cached ? 'from the cache' : `built in ${build.buildSeconds} s`;
  t.diagnostic(`Temporal ${build.version} (${build.goVersion}) ${how}: ${build.dir}`);

  const topology = new ComposeTopology(compose, projectEnv, processes, root, build);
  const step = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    const since = Date.now();
    const value = await run();
    lap(what, since);
    return value;
  };
  await step('postgresql healthy', () => topology.startPostgresql());
  await step('temporal-setup-schema done', () => topology.setupSchema());
  const server = await step('temporal healthy', () => topology.startTemporal());
  topology.validateDynamicConfig();
  await step('temporal-setup-namespace done', () => topology.runSetupStep('temporal-setup-namespace'));
  const [bucket, emulatorUrl] = await step('minio (moto) + minio-setup + emulator up', async () => [
    await topology.startMinio(),
    await topology.startEmulator(RECORDS_PER_SECOND),
  ]);
  const [worker1] = await step('worker-1 and worker-2 polling', () =>
    Promise.all([topology.startWorker('worker-1'), topology.startWorker('worker-2')]),
  );
  return { topology, bucket, emulatorUrl, server, worker1 };
}

/** Waits for a workflow to close, then returns its result. */
async function resultOf<T>(client: Client, workflowId: string, what: string): Promise<T> {
  const handle = client.workflow.getHandle(workflowId);
  await eventually(async () => (await handle.describe()).status.name !== 'RUNNING', {
    timeoutMs: 180_000,
    intervalMs: 500,
    what,
  });
  return (await handle.result()) as T;
}

/**
 * The operator's ingest from `s3://`; while Salesforce works on it, worker-1 is SIGKILLed and the Temporal
 * server is killed and started again on the same database. Returns the result and the Salesforce job's id.
 */
async function ingestThroughRestarts(
  t: TestContext,
  lap: Lap,
  run: Running,
  client: Client,
  s3: S3Client,
  rows: ContactRow[],
): Promise<{ ingestId: string; jobId: string; result: BulkIngestResult }> {
  const csv = [formatCsvRow([...COLUMNS]), ...rows.map((r) => formatCsvRow(COLUMNS.map((c) => r[c])))].join('');
  // The input, where an operator would put it: the staging bucket's MinIO, under inputs/.
  const inputKey = `inputs/contacts-${randomUUID()}.csv`;
  await s3.send(new PutObjectCommand({ Bucket: run.bucket, Key: inputKey, Body: csv }));

  const ingestId = `topology-ingest-${randomUUID()}`;
  const input = {
    object: 'Contact',
    operation: 'insert',
    source: { url: `s3://${run.bucket}/${inputKey}` },
    // A killed worker's step is retried on the other after 10 s, not the default minute.
    activityTimeouts: { callMs: 10_000, heartbeatMs: 10_000 },
    pollPolicy: { ceilingMs: 2_000 },
  };
  const since = Date.now();
  temporalCli(run.topology, ['workflow', 'start', '--type', 'bulkIngestWorkflow', ...startFlags(run, ingestId, input)]);

  const job = await eventually(
    async () =>
      (await emulatorStats(run.emulatorUrl)).jobs.find((j) => j.object === 'Contact' && j.state === 'InProgress'),
    { timeoutMs: 120_000, intervalMs: 100, what: 'the Salesforce ingest job to be InProgress' },
  );
  lap('ingest started → Salesforce job InProgress', since);
  await run.worker1.stop('SIGKILL');
  await run.server.stop('SIGKILL');
  const down = Date.now();
  run.server = await run.topology.startTemporal();
  lap('Temporal server killed and healthy again', down);
  const then = (await emulatorStats(run.emulatorUrl)).jobs.find((j) => j.id === job.id);
  t.diagnostic(`Salesforce job ${job.id} was ${then?.state} when the server was back`);
  // Docker's restart policy (unless-stopped) would start worker-1 again; so does the test.
  run.worker1 = await run.topology.startWorker('worker-1', 'worker-1-restarted');

  const result = await resultOf<BulkIngestResult>(client, ingestId, 'the ingest to finish');
  lap('ingest', since);
  return { ingestId, jobId: job.id, result };
}

/** `--task-queue`, `--workflow-id` and `--input` of `temporal workflow start`. */
function startFlags(run: Running, workflowId: string, input: unknown): string[] {
  const taskQueue = run.topology.environment('worker-1').BULKFLOW_TASK_QUEUE ?? '';
  return ['--task-queue', taskQueue, '--workflow-id', workflowId, '--input', JSON.stringify(input)];
}

/** Every input row in the org once, none missing, field by field; returns the org's records. */
async function assertOrgHolds(emulatorUrl: string, rows: ContactRow[]): Promise<OrgRecord[]> {
  const records = await orgRecords(emulatorUrl, 'Contact');
  assert.equal(records.length, rows.length, 'the org holds as many Contacts as the input has rows');
  const byEmail = new Map(records.map((r) => [String(r.Email), r]));
  assert.equal(byEmail.size, rows.length, 'no Contact was inserted twice');
  for (const row of rows) {
    const record = byEmail.get(row.Email);
    assert.ok(record, `${row.Email} is in the org`);
    for (const column of COLUMNS) assert.equal(record[column], row[column], `${row.Email}.${column}`);
  }
  return records;
}

/** `docker compose run --rm worker-1 list --json`: the workflow from SQL visibility, with its search attributes. */
async function assertListed(topology: ComposeTopology, ingestId: string, jobId: string): Promise<void> {
  const list = topology.bulkflowProcess('worker-1', ['list', '--json']);
  const listed = await eventually(
    () => {
      const r = spawnSync(list.file, list.args, { env: list.env, cwd: list.cwd, encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, `bulkflow list --json failed:\n${processes.mask(r.stderr)}`);
      return (JSON.parse(r.stdout) as Array<Record<string, unknown>>).find((j) => j.workflowId === ingestId);
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
    { status: 'COMPLETED', state: 'Completed', object: 'Contact', operation: 'insert', jobs: [jobId] },
  );
}

/** A Bulk query of the loaded rows through bulkQueryWorkflow; its CSV, in S3 staging, holds every record. */
async function assertQueryReturns(lap: Lap, run: Running, client: Client, s3: S3Client, records: OrgRecord[]) {
  const since = Date.now();
  const queryId = `topology-query-${randomUUID()}`;
  const input = { soql: 'SELECT Id, FirstName, LastName, Email FROM Contact', pollPolicy: { ceilingMs: 2_000 } };
  temporalCli(run.topology, ['workflow', 'start', '--type', 'bulkQueryWorkflow', ...startFlags(run, queryId, input)]);
  const queried = await resultOf<BulkQueryResult>(client, queryId, 'the query to finish');
  lap('query', since);
  assert.equal(queried.state, 'Completed', JSON.stringify(queried));
  assert.equal(queried.records.total, records.length);
  const ref = queried.results.records;
  assert.ok(ref, 'the query has a result file');
  assert.ok(ref.url.startsWith(`s3://${run.bucket}/`), `the query's CSV is in S3 staging: ${ref.url}`);
  const where = parseS3Url(ref.url);
  const body = await s3.send(new GetObjectCommand({ Bucket: where.bucket, Key: where.key }));
  const parsed = Papa.parse<Record<string, string>>((await body.Body?.transformToString('utf8')) ?? '', {
    header: true,
    skipEmptyLines: true,
  });
  assert.equal(parsed.errors.length, 0, 'the query CSV parses');
  assert.equal(parsed.data.length, records.length);
  const queriedById = new Map(parsed.data.map((r) => [r.Id, r]));
  for (const record of records) {
    const row = queriedById.get(record.Id);
    assert.ok(row, `${record.Id} is in the query's result`);
    assert.deepEqual(
      { FirstName: row.FirstName, LastName: row.LastName, Email: row.Email },
      { FirstName: record.FirstName, LastName: record.LastName, Email: record.Email },
    );
  }
}

async function scenario(t: TestContext): Promise<void> {
  const started = Date.now();
  const lap: Lap = (what, since) => t.diagnostic(`${what}: ${((Date.now() - since) / 1000).toFixed(1)} s`);
  const run = await startTopology(t, lap);
  lap('whole topology up', started);

  const workerEnv = run.topology.environment('worker-1');
  const s3 = s3ClientFromEnv(workerEnv);
  const connection = await Connection.connect({ address: run.topology.address('temporal') });
  const client = new Client({ connection, namespace: workerEnv.TEMPORAL_NAMESPACE ?? 'default' });
  try {
    const rows = contactRows(ROWS, 'topology');
    const { ingestId, jobId, result } = await ingestThroughRestarts(t, lap, run, client, s3, rows);
    assert.equal(result.state, 'Completed', JSON.stringify(result.failureMessage ?? result));
    assert.deepEqual(result.records, { total: ROWS, successful: ROWS, failed: 0, unprocessed: 0 });
    assert.deepEqual(
      result.jobs.map((j) => j.id),
      [jobId],
      'one Salesforce job, the one in progress across the restarts',
    );
    const records = await assertOrgHolds(run.emulatorUrl, rows);
    await assertListed(run.topology, ingestId, jobId);
    await assertQueryReturns(lap, run, client, s3, records);
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
