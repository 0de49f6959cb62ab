/**
 * Bad input through the command line as a user runs it, against the real stack (Temporal dev server, emulator,
 * `bulkflow worker` processes): for each case the exit code, the message naming the problem (stderr), the
 * `--json` error object (stdout), and that the emulator holds no new job. One stack for the whole table; a second
 * worker on its own task queue has a wrong Salesforce password. Then the same root causes through
 * `startBulkIngest` from a service, with `bulkflowErrorOf`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { formatError, type ReportedError } from '../../cli/output.js';
import { bulkflowErrorOf, type BulkflowErrorInfo } from '../../client/errors.js';
import { startBulkIngest } from '../../client/starters.js';
import { createSalesforceEmulator, type SalesforceEmulator } from '../../emulator/index.js';
import { emulatorStats } from '../helpers/org.js';
import { runCli, startWorkerProcess, workerEnv, type WorkerProcess } from '../helpers/processes.js';
import { startKillableServer, type KillableServer } from '../helpers/temporal.js';

let server: KillableServer;
let emulator: SalesforceEmulator;
let worker: WorkerProcess;
let badPasswordWorker: WorkerProcess;
let env: NodeJS.ProcessEnv;
let badPasswordEnv: NodeJS.ProcessEnv;
const dir = mkdtempSync(path.join(tmpdir(), 'bulkflow-bad-input-'));
const WRONG_PASSWORD = 'not-the-password-4711';

before(async () => {
  server = await startKillableServer();
  emulator = await createSalesforceEmulator();
  const common = { temporalAddress: server.current.address, emulatorUrl: emulator.url };
  env = workerEnv({ ...common, taskQueue: `bad-input-${Date.now()}`, stagingDir: path.join(dir, 'staging') });
  badPasswordEnv = {
    ...workerEnv({ ...common, taskQueue: `bad-password-${Date.now()}`, stagingDir: path.join(dir, 'staging-2') }),
    SF_PASSWORD: WRONG_PASSWORD,
  };
  [worker, badPasswordWorker] = await Promise.all([startWorkerProcess(env), startWorkerProcess(badPasswordEnv)]);
});

after(async () => {
  await Promise.all([worker?.stop(), badPasswordWorker?.stop()]);
  await emulator?.close();
  await server?.stop();
});

function file(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

interface Case {
  name: string;
  /** The command line after `bulkflow`, without `--json` and `--task-queue`. */
  args: () => string[];
  exit: number;
  /** What a person reads on stderr (without `--json`). */
  message: RegExp;
  /** Fields the `--json` error object must have (and these values). */
  json: Partial<BulkflowErrorInfo>;
  /** Also run without `--json` and check stderr as printed. */
  human?: boolean;
  /** Runs on the worker with the wrong password. */
  badPassword?: boolean;
}

const ingest = (object: string, operation: string, csv: string, ...more: string[]) => [
  'ingest',
  '--object',
  object,
  '--operation',
  operation,
  '--file',
  csv,
  ...more,
];
const query = (soql: string) => ['query', '--soql', soql, '--out', path.join(dir, 'out.csv')];
const contacts = (name: string, content: string | Buffer) => () => ingest('Contact', 'insert', file(name, content));

const INVALID = 'bulkflow.SF_INVALID_INPUT';

const CASES: Case[] = [
  {
    name: 'a missing file',
    human: true,
    args: () => ingest('Contact', 'insert', path.join(dir, 'no-such.csv')),
    exit: 1,
    message:
      /^bulkflow: Input file not found: .*no-such\.csv\n {2}\(bulkflow\.SF_INVALID_INPUT, SF_INPUT_NOT_FOUND\)\n$/,
    json: { type: INVALID, code: 'SF_INPUT_NOT_FOUND', file: path.join(dir, 'no-such.csv') },
  },
  {
    name: 'upsert without --external-id-field',
    human: true,
    args: () => ingest('Contact', 'upsert', file('upsert.csv', 'LastName\nLovelace\n')),
    exit: 2,
    message: /^error: --operation upsert needs --external-id-field <field>: the external id field \(or Id\)/,
    json: { type: 'bulkflow.USAGE', code: 'USAGE' },
  },
  {
    name: 'an empty file',
    args: contacts('empty.csv', ''),
    exit: 1,
    message: /empty\.csv: The CSV input is empty: it has no header row\./,
    json: { type: INVALID, code: 'SF_EMPTY_INPUT' },
  },
  {
    name: 'a header without rows',
    args: contacts('header-only.csv', 'LastName,Email\n'),
    exit: 1,
    message: /header-only\.csv: The CSV input has a header \(LastName, Email\) but no rows: nothing to load\./,
    json: { type: INVALID, code: 'SF_NOTHING_TO_LOAD' },
  },
  {
    name: 'a row with more cells than the header',
    human: true,
    args: contacts('ragged.csv', 'LastName,Email\nLovelace,ada@example.com\nHopper,grace@example.com,Navy\n'),
    exit: 1,
    message: /ragged\.csv: CSV row 2 has 3 fields but the header has 2 \(a value with a comma that is not quoted\?\)/,
    json: { type: INVALID, code: 'SF_RAGGED_ROW', row: 2 },
  },
  {
    name: 'binary garbage',
    args: contacts('garbage.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49])),
    exit: 1,
    message: /The CSV input is not UTF-8 text: byte 0x89 at byte offset 0 \(the header row\)/,
    json: { type: INVALID, code: 'SF_NOT_UTF8', byteOffset: 0 },
  },
  {
    name: 'Latin-1 text',
    args: contacts('latin1.csv', Buffer.from('LastName\nLovelace\nG\xf6del\n', 'latin1')),
    exit: 1,
    message: /byte 0xf6 at byte offset 19 \(row 2\) is not UTF-8\. Save the file as UTF-8/,
    json: { type: INVALID, code: 'SF_NOT_UTF8', row: 2, byteOffset: 19 },
  },
  {
    name: 'a duplicated header column',
    args: contacts('duplicate.csv', 'LastName,Email,email\nLovelace,a@example.com,b@example.com\n'),
    exit: 1,
    message: /CSV header names column "email" more than once \(columns 2 and 3\)/,
    json: { type: INVALID, code: 'SF_BAD_HEADER', column: 3, field: 'email' },
  },
  {
    name: 'a header that only parses with another delimiter',
    args: contacts('semicolons.csv', 'LastName;Email\nLovelace;ada@example.com\n'),
    exit: 1,
    message: /semicolons\.csv: The CSV header row reads as one column "LastName;Email" with the delimiter COMMA/,
    json: { type: INVALID, code: 'SF_WRONG_DELIMITER', column: 1, field: 'LastName;Email' },
  },
  {
    name: 'a header row that ends with another line ending than the one given',
    args: () => [...contacts('crlf.csv', 'LastName\r\nLovelace\r\n')(), '--line-ending', 'LF'],
    exit: 1,
    message: /crlf\.csv: The CSV header row ends with CRLF, but the line ending given is LF\./,
    json: { type: INVALID, code: 'SF_WRONG_LINE_ENDING' },
  },
  {
    name: 'a batch size on Bulk 2.0',
    human: true,
    args: () => [...contacts('batch.csv', 'LastName\nLovelace\n')(), '--batch-size', '500'],
    exit: 2,
    message: /^error: --batch-size needs --api 1\.0: Bulk API 2\.0 cuts a job into batches itself\.\n/,
    json: { type: 'bulkflow.USAGE', code: 'USAGE' },
  },
  {
    name: 'an unterminated quote',
    args: contacts('quote.csv', 'LastName,Title\nLovelace,"Countess\nHopper,Admiral\n'),
    exit: 1,
    message: /CSV row 1 opens a quoted value that never closes/,
    json: { type: INVALID, code: 'SF_UNTERMINATED_QUOTE', row: 1 },
  },
  {
    name: 'an unknown object',
    args: () => ingest('Contactt', 'insert', file('object.csv', 'LastName\nLovelace\n')),
    exit: 1,
    message: /Salesforce has no object "Contactt": did you mean Contact\?/,
    json: { type: INVALID, code: 'SF_UNKNOWN_OBJECT', salesforceErrorCode: 'NOT_FOUND' },
  },
  {
    name: 'a header naming a field the object lacks',
    human: true,
    args: contacts('unknown-field.csv', 'LastName,Emial\nLovelace,ada@example.com\n'),
    exit: 1,
    message: /Contact has no field for column Emial \(column 2; did you mean Email\?\)/,
    json: { type: INVALID, code: 'SF_UNKNOWN_FIELD', column: 2, field: 'Emial' },
  },
  {
    name: 'an upsert on a field that is not an external id',
    args: () =>
      ingest(
        'Contact',
        'upsert',
        file('upsert-email.csv', 'Email,LastName\na@example.com,L\n'),
        '--external-id-field',
        'Email',
      ),
    exit: 1,
    message: /Email is not an external id or id lookup field of Contact: upsert can match on Id, External_Id__c\./,
    json: { type: INVALID, code: 'SF_INVALID_EXTERNAL_ID', field: 'Email' },
  },
  {
    name: 'an update without an Id column',
    args: () => ingest('Contact', 'update', file('update.csv', 'LastName,Email\nLovelace,ada@example.com\n')),
    exit: 1,
    message: /update of Contact needs an Id column: it finds each record by its Id/,
    json: { type: INVALID, code: 'SF_MISSING_COLUMN' },
  },
  {
    name: 'an insert without a required field',
    args: contacts('required.csv', 'FirstName,Email\nAda,ada@example.com\n'),
    exit: 1,
    message: /insert into Contact needs a column for the required field LastName: it cannot be empty/,
    json: { type: INVALID, code: 'SF_MISSING_COLUMN', field: 'LastName' },
  },
  {
    name: 'an insert setting a read-only field',
    args: contacts('read-only.csv', 'LastName,Name\nLovelace,Ada Lovelace\n'),
    exit: 1,
    message: /insert of Contact cannot set Name \(column 2; not createable\)/,
    json: { type: INVALID, code: 'SF_FIELD_NOT_WRITABLE', column: 2, field: 'Name' },
  },
  {
    name: 'a relationship column on a field that identifies nothing',
    args: contacts('relationship.csv', 'LastName,Account.Name\nLovelace,Acme\n'),
    exit: 1,
    message: /Relationship column Account\.Name \(column 2\) must name an external id or id lookup field/,
    json: { type: INVALID, code: 'SF_INVALID_EXTERNAL_ID', column: 2, field: 'Account.Name' },
  },
  {
    name: 'bad SOQL',
    human: true,
    args: () => query('SELEC Id FROM Contact'),
    exit: 1,
    message: /MALFORMED_QUERY: unexpected token: 'SELEC' \(at row 1, column 1 of the query\)/,
    json: { type: 'bulkflow.SF_HTTP', code: 'SF_HTTP', salesforceErrorCode: 'MALFORMED_QUERY', retryable: false },
  },
  {
    name: 'an unknown field in a query',
    args: () => query('SELECT Id, Emial FROM Contact'),
    exit: 1,
    message: /INVALID_FIELD: .*No such column 'Emial' on entity 'Contact'/,
    json: { type: 'bulkflow.SF_HTTP', code: 'SF_HTTP', salesforceErrorCode: 'INVALID_FIELD' },
  },
  {
    name: 'an unknown object in a query',
    args: () => query('SELECT Id FROM Contactt'),
    exit: 1,
    message: /INVALID_TYPE: .*sObject type 'Contactt' is not supported/,
    json: { type: 'bulkflow.SF_HTTP', code: 'SF_HTTP', salesforceErrorCode: 'INVALID_TYPE' },
  },
  {
    name: 'a worker whose Salesforce password is wrong',
    human: true,
    args: contacts('login.csv', 'LastName\nLovelace\n'),
    exit: 1,
    message: /Salesforce login failed: invalid_grant: authentication failure/,
    json: { type: 'bulkflow.SF_AUTH', code: 'SF_AUTH', salesforceErrorCode: 'invalid_grant', retryable: false },
    badPassword: true,
  },
];

async function jobCount(): Promise<number> {
  return (await emulatorStats(emulator.url)).jobs.length;
}

// Cases run a few at a time: each spends most of its time starting two `bulkflow` processes.
/**
 * Every case runs with `--json`; its message is checked as the person would read it (`formatError`, what the
 * command prints without `--json`). Cases marked `human` also run without `--json`, to check stderr itself.
 */
describe('bad input through the command line', { concurrency: 2 }, () => {
  for (const c of CASES) {
    test(c.name, async (t) => {
      const runEnv = c.badPassword ? badPasswordEnv : env;
      const args = [...c.args(), '--task-queue', runEnv.BULKFLOW_TASK_QUEUE ?? ''];
      const [json, human] = await Promise.all([
        runCli([...args, '--json'], runEnv),
        c.human ? runCli(args, runEnv) : undefined,
      ]);
      assert.equal(json.code, c.exit, `${json.stderr}\n${json.stdout}`);
      const error = (JSON.parse(json.stdout) as { error: ReportedError }).error;
      for (const [key, value] of Object.entries(c.json)) {
        assert.deepEqual(error[key as keyof ReportedError], value, `--json error.${key}: ${json.stdout}`);
      }
      const shown = human?.stderr ?? formatError(error);
      t.diagnostic(shown.split('\n')[0] ?? '');
      assert.match(shown, c.message);
      if (human) {
        assert.equal(human.code, c.exit, `stderr:\n${human.stderr}\nstdout:\n${human.stdout}`);
        assert.ok(!/\n\s+at /.test(human.stderr), `no stack trace:\n${human.stderr}`);
      }
      assert.equal(await jobCount(), 0, 'no Salesforce job was created');
      for (const output of [json.stdout, json.stderr, human?.stdout ?? '', human?.stderr ?? '']) {
        assert.ok(!output.includes(WRONG_PASSWORD), 'the password never appears');
      }
    });
  }
});

test('a service gets the same root cause from startBulkIngest through bulkflowErrorOf', async () => {
  const client = new Client({ connection: await Connection.connect({ address: server.current.address }) });
  const taskQueue = env.BULKFLOW_TASK_QUEUE ?? '';
  const run = async (name: string, csv: string, object = 'Contact') => {
    const url = pathToFileURL(file(name, csv)).href;
    const handle = await startBulkIngest(client, { object, operation: 'insert', source: { url } }, { taskQueue });
    return handle.result().then(
      () => assert.fail(`${name}: expected the workflow to fail`),
      (err: unknown) => bulkflowErrorOf(err),
    );
  };
  try {
    const jobsBefore = await jobCount();
    const ragged = await run('service-ragged.csv', 'LastName,Email\nLovelace\n');
    assert.deepEqual(ragged, {
      type: INVALID,
      code: 'SF_RAGGED_ROW',
      source: 'input',
      message: 'CSV row 1 has 1 field but the header has 2 (the first missing one is Email).',
      file: path.join(dir, 'service-ragged.csv'),
      row: 1,
      column: 2,
      field: 'Email',
      retryable: false,
    });
    const unknown = await run('service-field.csv', 'LastName,Shoe_Size__c\nLovelace,38\n');
    assert.equal(unknown.type, INVALID);
    assert.equal(unknown.code, 'SF_UNKNOWN_FIELD');
    assert.equal(unknown.field, 'Shoe_Size__c');
    assert.equal(unknown.column, 2);
    assert.equal(unknown.file, path.join(dir, 'service-field.csv'));
    assert.equal(unknown.retryable, false);
    const object = await run('service-object.csv', 'LastName\nLovelace\n', 'Contacts');
    assert.equal(object.code, 'SF_UNKNOWN_OBJECT');
    assert.equal(object.message, 'Salesforce has no object "Contacts": did you mean Contact?');
    assert.equal(await jobCount(), jobsBefore, 'no Salesforce job was created');
  } finally {
    await client.connection.close();
  }
});
