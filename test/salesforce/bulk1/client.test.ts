import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { before, beforeEach, describe, test } from 'node:test';
import { DEV_CREDENTIALS, type SalesforceEmulator } from '../../../emulator/index.js';
import { csvRecords } from '../../../salesforce/bulk1/results.js';
import {
  createSalesforceClient,
  isRetryable,
  OAuthPasswordAuthenticator,
  SalesforceHttpError,
  type Bulk1BatchInfo,
  type Bulk1ContentType,
  type Bulk1JobInfo,
  type SalesforceClient,
} from '../../../salesforce/index.js';
import {
  TERMINAL_BULK1_BATCH_STATES,
  type Bulk1AddedBatch,
  type Bulk1Record,
} from '../../../salesforce/bulk1/types.js';
import { type Bulk1RowOutcome } from '../../../salesforce/bulk1/results.js';
import { useEmulator } from '../../helpers/emulator.js';
import { eventually } from '../../helpers/eventually.js';

function connect(emulator: SalesforceEmulator): SalesforceClient {
  return createSalesforceClient({
    auth: new OAuthPasswordAuthenticator({ loginUrl: emulator.url, ...DEV_CREDENTIALS }),
  });
}

/** Every batch of a job is final (the job may still be open: these tests add batches to open jobs). */
const batchesEnded = (batches: readonly Bulk1BatchInfo[]) =>
  batches.length > 0 && batches.every((b) => TERMINAL_BULK1_BATCH_STATES.includes(b.state));

/** Polls the batch list until every batch is final (the condition), failing after `ms`. */
function waitForBatches(sf: SalesforceClient, job: Bulk1JobInfo, ms = 15_000): Promise<Bulk1BatchInfo[]> {
  return eventually(() => sf.bulk1.listBatches(job), {
    until: (batches) => batchesEnded(batches),
    timeoutMs: ms,
    intervalMs: 10,
    what: `every batch of job ${job.id} to finish`,
  });
}

/** Adds records, waits, and returns every input record with its outcome, in input order. */
async function load(
  sf: SalesforceClient,
  job: Bulk1JobInfo,
  records: Bulk1Record[],
  maxRows = 2,
): Promise<Bulk1RowOutcome<Bulk1Record>[]> {
  const added = await sf.bulk1.addRecordBatches(job, records, {
    limits: { maxRows, maxBytes: 10_000_000 },
    columns: [...new Set(records.flatMap((r) => Object.keys(r)))],
  });
  assert.equal(added.length, Math.ceil(records.length / maxRows));
  const batches = await waitForBatches(sf, job);
  return outcomesOf(sf, job, added, batches, records);
}

async function outcomesOf(
  sf: SalesforceClient,
  job: Bulk1JobInfo,
  added: Bulk1AddedBatch[],
  batches: Bulk1BatchInfo[],
  records: Bulk1Record[],
): Promise<Bulk1RowOutcome<Bulk1Record>[]> {
  const out: Bulk1RowOutcome<Bulk1Record>[] = [];
  for (const { batch, firstRow, rows } of added) {
    const final = batches.find((b) => b.id === batch.id) ?? assert.fail(`batch ${batch.id} not listed`);
    const inputs = records.slice(firstRow, firstRow + rows);
    for await (const outcome of sf.bulk1.batchOutcomes(job, final, inputs)) out.push(outcome);
  }
  return out;
}

function idOf(outcome: Bulk1RowOutcome<Bulk1Record> | undefined): string {
  if (!outcome || outcome.status === 'unprocessed' || !outcome.result.id) return assert.fail('an outcome with an id');
  return outcome.result.id;
}

describe('Bulk v1 ingest against the emulator', () => {
  const emulator = useEmulator();
  let sf: SalesforceClient;
  before(() => {
    sf = connect(emulator);
  });
  beforeEach(() => emulator.reset());

  const contacts = () => emulator.org.getRecords('Contact', { includeDeleted: true });
  const byId = (id: string) => contacts().find((r) => r['Id'] === id);

  for (const contentType of ['CSV', 'XML', 'JSON'] as const satisfies readonly Bulk1ContentType[]) {
    test(`${contentType}: insert, update, upsert, delete, hardDelete, every row matched to its result`, async () => {
      const insert = await sf.bulk1.createJob({ operation: 'insert', object: 'Contact', contentType });
      assert.equal(insert.state, 'Open');
      assert.equal(insert.contentType, contentType);
      const inserted = await load(sf, insert, [
        { LastName: 'Ada', Email: 'ada@example.com', External_Id__c: 'E1' },
        { FirstName: 'No last name' },
        { LastName: 'Zoë, "Z"', Email: null, External_Id__c: 'E3' },
      ]);
      assert.deepEqual(
        inserted.map((o) => o.status),
        ['success', 'failed', 'success'],
      );
      const failed = inserted[1];
      assert.ok(failed?.status === 'failed');
      assert.equal(failed.result.errors[0]?.statusCode, 'REQUIRED_FIELD_MISSING');
      assert.match(failed.result.error, /^REQUIRED_FIELD_MISSING:.*LastName --$/);
      const [ada, zoe] = [idOf(inserted[0]), idOf(inserted[2])];
      assert.equal(byId(ada)?.['LastName'], 'Ada');
      assert.equal(byId(zoe)?.['LastName'], 'Zoë, "Z"');
      assert.equal((await sf.bulk1.closeJob(insert)).state, 'Closed');

      const update = await sf.bulk1.createJob({ operation: 'update', object: 'Contact', contentType });
      const updated = await load(sf, update, [{ Id: ada, Email: null, FirstName: 'A.' }]);
      assert.deepEqual(
        updated.map((o) => o.status === 'success' && o.result.created),
        [false],
      );
      assert.equal(byId(ada)?.['Email'] ?? null, null, 'null clears the field');
      assert.equal(byId(ada)?.['LastName'], 'Ada', 'fields left out stay');

      const upsert = await sf.bulk1.createJob({
        operation: 'upsert',
        object: 'Contact',
        contentType,
        externalIdFieldName: 'External_Id__c',
      });
      assert.equal(upsert.externalIdFieldName, 'External_Id__c');
      const upserted = await load(sf, upsert, [
        { External_Id__c: 'E3', LastName: 'Zed' },
        { External_Id__c: 'E4', LastName: 'New' },
      ]);
      assert.deepEqual(
        upserted.map((o) => o.status === 'success' && o.result.created),
        [false, true],
      );
      assert.equal(idOf(upserted[0]), zoe);
      assert.equal(byId(zoe)?.['LastName'], 'Zed');
      const fresh = idOf(upserted[1]);

      const del = await sf.bulk1.createJob({ operation: 'delete', object: 'Contact', contentType });
      const deleted = await load(sf, del, [{ Id: ada }, { Id: '003000000000000AAA' }]);
      assert.deepEqual(
        deleted.map((o) => o.status),
        ['success', 'failed'],
      );
      assert.equal(byId(ada)?.['IsDeleted'], true);

      const hard = await sf.bulk1.createJob({ operation: 'hardDelete', object: 'Contact', contentType });
      assert.deepEqual(
        (await load(sf, hard, [{ Id: fresh }])).map((o) => o.status),
        ['success'],
      );
      assert.equal(byId(fresh), undefined);
    });
  }

  test('CSV stream cut into batches; the batch request reads back as the input rows', async () => {
    const job = await sf.bulk1.createJob({ operation: 'insert', object: 'Contact' });
    assert.equal(job.contentType, 'CSV');
    const csv = 'LastName,Email\n' + Array.from({ length: 7 }, (_, i) => `L${i},l${i}@example.com\n`).join('');
    const added = await sf.bulk1.addCsvBatches(job, Readable.from([csv]), { limits: { maxRows: 3, maxBytes: 10_000 } });
    assert.deepEqual(
      added.map((a) => [a.index, a.firstRow, a.rows]),
      [
        [0, 0, 3],
        [1, 3, 3],
        [2, 6, 1],
      ],
    );
    const batches = await waitForBatches(sf, job);
    const names: string[] = [];
    for (const batch of batches) {
      const inputs = csvRecords(await sf.bulk1.openBatchRequest(job, batch.id));
      for await (const outcome of sf.bulk1.batchOutcomes(job, batch, inputs)) {
        assert.equal(outcome.status, 'success');
        if (outcome.status === 'success')
          assert.equal(byId(outcome.result.id ?? '')?.['LastName'], outcome.input['LastName']);
        names.push(outcome.input['LastName'] ?? '');
      }
    }
    assert.deepEqual(names, ['L0', 'L1', 'L2', 'L3', 'L4', 'L5', 'L6']);
  });

  test('a batch that fails as a whole: typed failure, every row unprocessed', async () => {
    const job = await sf.bulk1.createJob({ operation: 'insert', object: 'Contact', contentType: 'JSON' });
    const records = [{ LastName: 'x', Foo__c: 'y' }, { LastName: 'z' }];
    const added = await sf.bulk1.addRecordBatches(job, records);
    const [batch] = await waitForBatches(sf, job);
    assert.equal(batch?.state, 'Failed');
    assert.deepEqual(batch?.failure, { exceptionCode: 'InvalidBatch', message: 'Field name not found : Foo__c' });
    const outcomes = await outcomesOf(sf, job, added, batch ? [batch] : [], records);
    assert.deepEqual(
      outcomes.map((o) => o.status === 'unprocessed' && o.reason),
      ['InvalidBatch : Field name not found : Foo__c', 'InvalidBatch : Field name not found : Foo__c'],
    );
    assert.equal(contacts().length, 0);
  });

  for (const contentType of ['XML', 'JSON'] as const) {
    test(`${contentType}: v1 errors become typed errors with the exception code`, async () => {
      const job = await sf.bulk1.createJob({ operation: 'insert', object: 'Contact', contentType });
      await sf.bulk1.closeJob(job);
      const err = await sf.bulk1.closeJob(job).catch((e: unknown) => e);
      assert.ok(err instanceof SalesforceHttpError, String(err));
      assert.equal(err.errorCode, 'InvalidJobState');
      assert.equal(err.statusCode, 400);
      assert.equal(isRetryable(err), false);
      const closed = await sf.bulk1.addBatch(job, '[]').catch((e: unknown) => e);
      assert.ok(closed instanceof SalesforceHttpError && closed.errorCode === 'InvalidJobState');
      const missing = await sf.bulk1.getJob({ id: '750000000000000AAA', contentType }).catch((e: unknown) => e);
      assert.ok(missing instanceof SalesforceHttpError && missing.errorCode === 'InvalidJob');
    });
  }

  test('attach by id alone, then renew an expired session once, replaying a batch upload', async () => {
    const created = await sf.bulk1.createJob({ operation: 'insert', object: 'Contact', contentType: 'JSON' });
    const other = connect(emulator);
    const attached = await other.bulk1.attachJob(created.id);
    assert.equal(attached.contentType, 'JSON');
    assert.equal(attached.state, 'Open');
    const logins = other.http.sessions.loginCount;
    emulator.expireSessions();
    const batch = await other.bulk1.addBatch(attached, Buffer.from(JSON.stringify([{ LastName: 'Renewed' }])));
    assert.equal(other.http.sessions.loginCount, logins + 1, 'one new login');
    await waitForBatches(other, attached);
    assert.equal((await other.bulk1.getJob(attached)).numberBatchesTotal, 1, 'the batch was sent once');
    assert.equal((await other.bulk1.getBatch(attached, batch.id)).state, 'Completed');
    assert.deepEqual(
      contacts().map((r) => r['LastName']),
      ['Renewed'],
    );
  });
});

describe('Bulk v1 serial mode and abort against a slow emulator', () => {
  const emulator = useEmulator({ recordsPerSecond: 200 });
  let sf: SalesforceClient;
  before(() => {
    sf = connect(emulator);
  });

  const rows = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ LastName: `${prefix}${i}` }));

  test('serial jobs run one batch at a time, in order', async () => {
    emulator.reset();
    const job = await sf.bulk1.createJob({ operation: 'insert', object: 'Contact', concurrencyMode: 'Serial' });
    assert.equal(job.concurrencyMode, 'Serial');
    await sf.bulk1.addRecordBatches(job, rows(180, 's'), { limits: { maxRows: 60, maxBytes: 10_000_000 } });
    let polls = 0; // answers that showed the job still running
    await eventually(() => sf.bulk1.listBatches(job), {
      until: (batches) => {
        assert.ok(batches.filter((b) => b.state === 'InProgress').length <= 1, 'never two batches at once');
        const firstOpen = batches.findIndex((b) => b.state !== 'Completed');
        if (firstOpen >= 0) {
          assert.ok(
            batches.slice(firstOpen + 1).every((b) => b.state === 'Queued'),
            'later batches wait for earlier ones',
          );
        }
        if (batchesEnded(batches)) return true;
        polls += 1;
        return false;
      },
      timeoutMs: 15_000,
      intervalMs: 5,
      what: `serial job ${job.id} to finish`,
    });
    assert.ok(polls > 1, 'the job was observed while running');
    assert.equal(emulator.org.getRecords('Contact').length, 180);
  });

  test('abort: queued batches become NotProcessed and their rows unprocessed; the rest is kept', async () => {
    emulator.reset();
    const job = await sf.bulk1.createJob({ operation: 'insert', object: 'Contact', concurrencyMode: 'Serial' });
    const records = rows(300, 'a');
    const added = await sf.bulk1.addRecordBatches(job, records, { limits: { maxRows: 100, maxBytes: 10_000_000 } });
    const aborted = await sf.bulk1.abortJob(job);
    assert.equal(aborted.state, 'Aborted');
    const batches = await waitForBatches(sf, job);
    assert.ok(batches.some((b) => b.state === 'NotProcessed'));
    const outcomes = await outcomesOf(sf, job, added, batches, records);
    assert.equal(outcomes.length, 300);
    const written = outcomes.filter((o) => o.status === 'success').length;
    assert.equal(emulator.org.getRecords('Contact').length, written);
    assert.equal(outcomes.filter((o) => o.status === 'unprocessed').length, 300 - written);
    const again = await sf.bulk1.abortJob(job).catch((e: unknown) => e);
    assert.ok(again instanceof SalesforceHttpError && again.errorCode === 'InvalidJobState');
  });
});
