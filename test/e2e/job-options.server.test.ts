/**
 * Job options through the command line as a user runs it (`bulkflow ingest` → Temporal dev server → `bulkflow
 * worker` → emulator): semicolon, tab and CRLF files, an assignment rule, serial v1 batches of a given size, each
 * checked in the org and read back by unmodified jsforce; a file in another delimiter than the one given; bad
 * options refused before anything starts; and dry runs, which create no job and report what a real run meets.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { Client, Connection as TemporalConnection } from '@temporalio/client';
import { Connection } from 'jsforce';
import type { ReportedError } from '../../cli/output.js';
import { bulkflowErrorOf } from '../../client/errors.js';
import { startBulkIngest } from '../../client/starters.js';
import { formatCsvRow } from '../../csv/csv.js';
import { DEV_CREDENTIALS } from '../../emulator/index.js';
import type { BulkIngestResult } from '../../workflows/contract.js';
import { startEmulator } from '../helpers/emulator.js';
import { emulatorStats, orgRecords } from '../helpers/org.js';
import { runCli, startWorkerProcess, workerEnv, type WorkerProcess } from '../helpers/processes.js';
import { startKillableServer, type KillableServer } from '../helpers/temporal.js';

let server: KillableServer;
let worker: WorkerProcess;
let env: NodeJS.ProcessEnv;
let jsforce: Connection;
const dir = mkdtempSync(path.join(tmpdir(), 'bulkflow-options-'));
const emulator = await startEmulator({ after });
const RULE_ID = '01Q5g000000AbCdEAK';

before(async () => {
  server = await startKillableServer();
  env = workerEnv({
    temporalAddress: server.current.address,
    taskQueue: `options-${Date.now()}`,
    emulatorUrl: emulator.url,
    stagingDir: path.join(dir, 'staging'),
  });
  worker = await startWorkerProcess(env);
  jsforce = new Connection({ loginUrl: emulator.url });
  await jsforce.login(DEV_CREDENTIALS.username, DEV_CREDENTIALS.password + DEV_CREDENTIALS.securityToken);
});

after(async () => {
  await worker?.stop();
  await server?.stop();
});

/** Writes rows with `delimiter` between values and `newline` after each row, quoting as Salesforce reads it. */
function delimitedFile(name: string, rows: string[][], delimiter: string, newline: '\n' | '\r\n'): string {
  const file = path.join(dir, name);
  writeFileSync(file, rows.map((row) => formatCsvRow(row, delimiter).slice(0, -1) + newline).join(''));
  return file;
}

async function ingest(file: string, object: string, ...more: string[]) {
  const args = ['ingest', '--object', object, '--operation', 'insert', '--file', file, '--json'];
  const cli = await runCli([...args, ...more, '--task-queue', env.BULKFLOW_TASK_QUEUE ?? ''], env);
  return { ...cli, output: () => `exit ${cli.code}\n${cli.stderr}\n${cli.stdout}\nworker:\n${worker.output()}` };
}

const jobCount = async () => (await emulatorStats(emulator.url)).jobs.length;

/** Values that need quoting, in every delimiter: the delimiters themselves, quotes, newlines. */
const awkward = (i: number) => [`VP; Sales, "EMEA"|^\`${i}`, `line one\tand a tab\nline two ${i}`];

test('a semicolon file with CRLF and an assignment rule: Leads loaded exactly, the rule in the job jsforce reads', async () => {
  const rows = Array.from({ length: 25 }, (_, i) => [`Semi ${i}`, `Acme ${i}`, ...awkward(i)]);
  const file = delimitedFile('leads.csv', [['LastName', 'Company', 'Title', 'Description'], ...rows], ';', '\r\n');
  const cli = await ingest(
    file,
    'Lead',
    '--delimiter',
    'SEMICOLON',
    '--line-ending',
    'CRLF',
    '--assignment-rule-id',
    RULE_ID,
  );
  assert.equal(cli.code, 0, cli.output());
  const result = JSON.parse(cli.stdout) as BulkIngestResult;
  assert.deepEqual(result.records, { total: 25, successful: 25, failed: 0, unprocessed: 0 });

  const leads = new Map((await orgRecords(emulator.url, 'Lead')).map((r) => [r['LastName'], r]));
  for (const [lastName, company, title, description] of rows) {
    const lead = leads.get(lastName);
    assert.deepEqual(
      [lead?.['Company'], lead?.['Title'], lead?.['Description']],
      [company, title, description],
      `Lead ${lastName}`,
    );
  }
  const job = jsforce.bulk2.job('ingest', { id: result.jobs[0]?.id ?? '' });
  const info = await job.check();
  assert.deepEqual([info.state, info.assignmentRuleId, info.object], ['JobComplete', RULE_ID, 'Lead']);
  const successful = await job.getSuccessfulResults();
  const loaded = successful.map((r) => String((r as Record<string, unknown>)['LastName']));
  assert.deepEqual(loaded.sort(), rows.map((r) => r[0]).sort());
});

test('a tab file on Bulk v1 with --serial and --batch-size: batches of that size, processed one at a time', async () => {
  const rows = Array.from({ length: 7 }, (_, i) => [`Tab ${i}`, ...awkward(i)]);
  const file = delimitedFile('contacts.tsv', [['LastName', 'Title', 'Description'], ...rows], '\t', '\n');
  const cli = await ingest(file, 'Contact', '--delimiter', 'tab', '--api', '1.0', '--serial', '--batch-size', '3');
  assert.equal(cli.code, 0, cli.output());
  const result = JSON.parse(cli.stdout) as BulkIngestResult;
  assert.deepEqual(result.records, { total: 7, successful: 7, failed: 0, unprocessed: 0 });

  const contacts = new Map((await orgRecords(emulator.url, 'Contact')).map((r) => [r['LastName'], r]));
  for (const [lastName, title, description] of rows) {
    const contact = contacts.get(lastName);
    assert.deepEqual([contact?.['Title'], contact?.['Description']], [title, description], `Contact ${lastName}`);
  }
  const job = jsforce.bulk.job(result.jobs[0]?.id ?? '');
  const info = await job.check();
  assert.deepEqual([info.concurrencyMode, info.numberBatchesTotal, info.numberRecordsProcessed].map(String), [
    'Serial',
    '3',
    '7',
  ]);
  const batches = await job.list();
  assert.deepEqual(batches.map((b) => Number(b.numberRecordsProcessed)).sort(), [1, 3, 3]);
});

test('a v1 query with --pk-chunking and --pk-chunking-start-row: chunks from that record on, read back by jsforce', async () => {
  const ids = (await orgRecords(emulator.url, 'Contact')).map((r) => r.Id).sort();
  assert.ok(ids.length >= 7, `the org has the Contacts loaded above: ${ids.length}`);
  const startRow = ids[2] ?? '';
  const out = path.join(dir, 'chunked.csv');
  const args = ['query', '--soql', 'SELECT Id, LastName FROM Contact', '--out', out, '--api', '1.0'];
  const more = ['--pk-chunking', '3', '--pk-chunking-start-row', startRow, '--json'];
  const cli = await runCli([...args, ...more, '--task-queue', env.BULKFLOW_TASK_QUEUE ?? ''], env);
  assert.equal(cli.code, 0, `${cli.stderr}\n${cli.stdout}\nworker:\n${worker.output()}`);
  const result = JSON.parse(cli.stdout) as { records: { total: number }; jobs: Array<{ id: string }> };
  const expected = ids.slice(2);
  assert.equal(result.records.total, expected.length);
  const lines = readFileSync(out, 'utf8').trim().split('\n').slice(1);
  assert.deepEqual(lines.map((line) => line.split(',')[0]?.replace(/"/g, '')).sort(), expected);
  // Salesforce's PK chunking: the original batch is NotProcessed, one batch per chunk of 3 Ids does the work.
  const batches = await jsforce.bulk.job(result.jobs[0]?.id ?? '').list();
  assert.deepEqual(
    batches.map((b) => b.state).sort(),
    ['NotProcessed', ...Array.from({ length: Math.ceil(expected.length / 3) }, () => 'Completed')].sort(),
  );
});

test('a file in another delimiter than the one given is refused, naming the one it has; no job', async () => {
  const jobsBefore = await jobCount();
  const file = delimitedFile(
    'semicolons.csv',
    [
      ['LastName', 'Email'],
      ['Doe', 'doe@example.com'],
    ],
    ';',
    '\n',
  );
  const cli = await ingest(file, 'Contact');
  assert.equal(cli.code, 1, cli.output());
  const error = (JSON.parse(cli.stdout) as { error: ReportedError }).error;
  assert.equal(error.type, 'bulkflow.SF_INVALID_INPUT');
  assert.equal(error.code, 'SF_WRONG_DELIMITER');
  // The command line uploads a local file to the shared staging store: the worker names the copy it read.
  assert.equal(path.basename(error.file ?? ''), 'semicolons.csv');
  assert.match(error.message, /reads as one column .* and as 2 columns with SEMICOLON \(";"\)/);
  assert.equal(await jobCount(), jobsBefore);
});

test('bad options are usage errors before anything starts, in flag names', async () => {
  const file = delimitedFile('ok.csv', [['LastName'], ['Doe']], ',', '\n');
  const serial = await runCli(
    ['ingest', '--object', 'Contact', '--operation', 'insert', '--file', file, '--serial'],
    env,
  );
  assert.equal(serial.code, 2, serial.stderr);
  assert.match(serial.stderr, /^error: --serial needs --api 1\.0: Bulk API 2\.0 has no concurrency mode/);
  const delimiter = await ingest(file, 'Contact', '--delimiter', ';');
  assert.equal(delimiter.code, 2, delimiter.output());
  const error = (JSON.parse(delimiter.stdout) as { error: ReportedError }).error;
  assert.equal(error.code, 'USAGE');
  assert.match(error.message, /--delimiter must be one of COMMA, .*, got ";" \(that character is SEMICOLON\)\./);
});

test('a workflow started with a bad option fails at once, naming it, as a service reads it', async () => {
  const client = new Client({ connection: await TemporalConnection.connect({ address: server.current.address }) });
  try {
    const url = pathToFileURL(delimitedFile('service.csv', [['LastName'], ['Doe']], ',', '\n')).href;
    const input = { object: 'Contact', operation: 'insert' as const, source: { url }, batchSize: 500 };
    const handle = await startBulkIngest(client, input, { taskQueue: env.BULKFLOW_TASK_QUEUE ?? '' });
    const error = await handle.result().then(() => assert.fail('the workflow completed'), bulkflowErrorOf);
    assert.deepEqual(
      [error.type, error.code, error.option, error.retryable],
      ['bulkflow.SF_INVALID_INPUT', 'SF_INVALID_OPTION', 'batchSize', false],
    );
    assert.equal(error.message, 'batchSize needs api 1.0: Bulk API 2.0 cuts a job into batches itself.');
  } finally {
    await client.connection.close();
  }
});

test('a dry run reports rows, units and jobs and creates no job; with problems, the ones a real run meets', async () => {
  const jobsBefore = await jobCount();
  const contactsBefore = (await orgRecords(emulator.url, 'Contact')).length;
  const rows = Array.from({ length: 7 }, (_, i) => [`Dry ${i}`, `dry${i}@example.com`]);
  const good = delimitedFile('dry.csv', [['LastName', 'Email'], ...rows], '|', '\n');
  const dry = await ingest(good, 'Contact', '--delimiter', 'PIPE', '--api', '1.0', '--batch-size', '3', '--dry-run');
  assert.equal(dry.code, 0, dry.output());
  const report = (JSON.parse(dry.stdout) as BulkIngestResult).dryRun;
  assert.deepEqual(
    { ...report, apiCallsNeeded: undefined },
    {
      rows: 7,
      readWhole: true,
      jobs: 1,
      units: [3, 3, 1].map((n, i) => ({ rows: n, bytes: report?.units[i]?.bytes })),
      batchesNeeded: 3,
      apiCallsNeeded: undefined,
      problems: [],
    },
  );

  // Two problems: an unknown column, and a ragged row further on. A real run fails on the first.
  const bad = delimitedFile('dry-bad.csv', [['LastName', 'Emial'], ['Doe', 'doe@example.com'], ['Roe']], ',', '\n');
  const badDry = await ingest(bad, 'Contact', '--dry-run');
  assert.equal(badDry.code, 1, badDry.output());
  const problems = (JSON.parse(badDry.stdout) as BulkIngestResult).dryRun?.problems ?? [];
  assert.deepEqual(
    problems.map((p) => [p.code, p.row, p.column]),
    [
      ['SF_UNKNOWN_FIELD', undefined, 2],
      ['SF_RAGGED_ROW', 2, 2],
    ],
  );
  assert.equal(await jobCount(), jobsBefore, 'no Salesforce job was created by a dry run');
  assert.equal((await orgRecords(emulator.url, 'Contact')).length, contactsBefore);

  const real = await ingest(bad, 'Contact');
  assert.equal(real.code, 1, real.output());
  const error = (JSON.parse(real.stdout) as { error: ReportedError }).error;
  const facts = (e: Partial<ReportedError> | undefined) => [
    e?.type,
    e?.code,
    e?.message,
    path.basename(e?.file ?? ''),
    e?.column,
    e?.field,
  ];
  assert.deepEqual(facts(problems[0]), facts(error));
  assert.equal(error.code, 'SF_UNKNOWN_FIELD');
});
