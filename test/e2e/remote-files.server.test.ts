/**
 * The command line feeding workers that do not share its disk: a `bulkflow worker` with S3 staging (moto), and
 * the CLI run with the same staging URL. A local `--file` is uploaded into the store first (its checksum recorded,
 * so a worker refuses other bytes); an `s3://` input goes as it is; a query's local `--out` is fetched from the
 * store, an `s3://` one written there. Without shared staging, an input the workers cannot read gets a message
 * that says what to do. Every load ends with the org checked row by row.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { bulkflowErrorOf } from '../../client/errors.js';
import { startBulkIngest } from '../../client/starters.js';
import { contactRows, writeCsv, type ContactRow } from '../helpers/data.js';
import { startEmulator } from '../helpers/emulator.js';
import { eventually } from '../helpers/eventually.js';
import { orgRecords } from '../helpers/org.js';
import { runCli, startWorkerProcess, workerEnv, type WorkerProcess } from '../helpers/processes.js';
import { startS3Server, type S3TestServer } from '../helpers/s3-server.js';
import { startKillableServer, type KillableServer } from '../helpers/temporal.js';

const BUCKET = 'bulkflow-staging';
const emulator = await startEmulator({ after });
const dir = mkdtempSync(path.join(tmpdir(), 'bulkflow-remote-'));
const taskQueue = `remote-${randomUUID()}`;
let server: KillableServer;
let s3: S3TestServer;
let worker: WorkerProcess;
/** The workers' environment, and the CLI's with the same staging store. */
let env: NodeJS.ProcessEnv;

before(async () => {
  server = await startKillableServer();
  s3 = await startS3Server();
  await s3.createBucket(BUCKET);
  env = {
    ...workerEnv({ temporalAddress: server.current.address, taskQueue, emulatorUrl: emulator.url, stagingDir: dir }),
    ...s3.env,
    BULKFLOW_STAGING_URL: `s3://${BUCKET}/staging`,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  worker = await startWorkerProcess(env);
});

after(async () => {
  await worker?.stop();
  await server?.stop();
  await s3?.stop();
});

function csv(name: string, rows: ContactRow[]): string {
  const file = path.join(dir, `${name}.csv`);
  writeCsv(file, rows as unknown as Record<string, string>[]);
  return file;
}

async function assertLoadedOnce(rows: ContactRow[]): Promise<void> {
  const emails = (await orgRecords(emulator.url, 'Contact')).map((r) => String(r.Email)).sort();
  assert.deepEqual(emails, rows.map((r) => r.Email).sort());
}

test('a local --file is uploaded to the shared staging store with its checksum, and loaded from there', async () => {
  emulator.reset();
  const rows = contactRows(500, 'upload');
  const file = csv('upload', rows);
  const workflowId = `upload-${randomUUID()}`;
  const cli = await runCli(
    ['ingest', '--object', 'Contact', '--operation', 'insert', '--file', file, '--workflow-id', workflowId],
    env,
  );
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stderr, /uploading upload\.csv: (\d+ kB) of \1\n/, 'the whole file, as it was sent');
  const uploads = await s3.keys(BUCKET, 'staging/uploads/');
  assert.equal(uploads.length, 1);
  assert.equal(await s3.getText(BUCKET, uploads[0] ?? ''), readFileSync(file, 'utf8'), 'the bytes of the file');
  // The workflow's input names the uploaded copy and its checksum, not the laptop's path.
  const connection = await Connection.connect({ address: server.current.address });
  try {
    const history = await new Client({ connection }).workflow.getHandle(workflowId).fetchHistory();
    const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
    assert.ok(payload, 'the start event has an input');
    const input = JSON.parse(Buffer.from(payload).toString()) as { source: { url: string; sha256: string } };
    assert.equal(input.source.url, `s3://${BUCKET}/${uploads[0]}`);
    assert.match(input.source.sha256, /^[0-9a-f]{64}$/);
  } finally {
    await connection.close();
  }
  await assertLoadedOnce(rows);
});

test('an s3:// --file goes to the workers as it is', async () => {
  emulator.reset();
  const rows = contactRows(200, 's3input');
  await s3.put(BUCKET, 'inputs/contacts.csv', readFileSync(csv('s3input', rows)));
  const cli = await runCli(
    [
      'ingest',
      '--object',
      'Contact',
      '--operation',
      'insert',
      '--file',
      `s3://${BUCKET}/inputs/contacts.csv`,
      '--json',
    ],
    env,
  );
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal((JSON.parse(cli.stdout) as { records: { successful: number } }).records.successful, 200);
  await assertLoadedOnce(rows);
});

test('bytes other than the uploaded ones are refused before any job, naming the input', async () => {
  emulator.reset();
  await s3.put(BUCKET, 'inputs/changed.csv', readFileSync(csv('changed', contactRows(10, 'changed'))));
  const connection = await Connection.connect({ address: server.current.address });
  try {
    const handle = await startBulkIngest(
      new Client({ connection }),
      {
        object: 'Contact',
        operation: 'insert',
        source: { url: `s3://${BUCKET}/inputs/changed.csv`, sha256: '0'.repeat(64) },
      },
      { taskQueue },
    );
    const cause = await handle.result().then(
      () => assert.fail('the changed input should have been refused'),
      (err: unknown) => bulkflowErrorOf(err),
    );
    assert.equal(cause.code, 'SF_INPUT_CHANGED');
    assert.match(cause.message, /is not the file that was uploaded/);
    assert.equal((await orgRecords(emulator.url, 'Contact')).length, 0);
  } finally {
    await connection.close();
  }
});

test('a query to a local --out is fetched from the staging store; to an s3:// --out it is written there', async () => {
  emulator.reset();
  const rows = contactRows(300, 'query');
  assert.equal(
    (await runCli(['ingest', '--object', 'Contact', '--operation', 'insert', '--file', csv('query', rows)], env)).code,
    0,
  );
  const out = path.join(dir, 'out', 'contacts.csv');
  const local = await runCli(['query', '--soql', 'SELECT Id, Email FROM Contact', '--out', out, '--json'], env);
  assert.equal(local.code, 0, local.stderr);
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(lines.length, 301, 'a header and every record');
  const remote = await runCli(
    ['query', '--soql', 'SELECT Id, Email FROM Contact', '--out', `s3://${BUCKET}/exports/contacts.csv`],
    env,
  );
  assert.equal(remote.code, 0, remote.stderr);
  assert.equal((await s3.getText(BUCKET, 'exports/contacts.csv')).trim().split('\n').length, 301);
});

test('without shared staging, a file the workers cannot read gets a message that says what to do', async () => {
  emulator.reset();
  const queue = `no-staging-${randomUUID()}`;
  const file = csv('vanishing', contactRows(5, 'vanishing'));
  const cliEnv = { ...env, BULKFLOW_TASK_QUEUE: queue, BULKFLOW_STAGING_URL: '' };
  const workflowId = `vanishing-${randomUUID()}`;
  // Started with no worker on its queue; the file is gone by the time one comes, as on a worker elsewhere.
  const args = ['ingest', '--object', 'Contact', '--operation', 'insert', '--file', file, '--wait-for-worker'];
  const run = runCli([...args, '--workflow-id', workflowId], cliEnv);
  await eventually(async () => (await runCli(['status', workflowId, '--json'], cliEnv)).stdout.includes('"Running"'), {
    timeoutMs: 30_000,
    what: 'the workflow to be started',
  });
  rmSync(file);
  const other = await startWorkerProcess({ ...env, BULKFLOW_TASK_QUEUE: queue });
  try {
    const cli = await run;
    assert.equal(cli.code, 1);
    assert.match(cli.stderr, /Input file not found/);
    assert.match(cli.stderr, /The workers could not read .*vanishing\.csv: they do not run on this machine/);
    assert.match(cli.stderr, /Set BULKFLOW_STAGING_URL/);
  } finally {
    await other.stop();
  }
});
