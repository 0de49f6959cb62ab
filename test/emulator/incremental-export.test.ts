/**
 * What incremental exports rely on: every write stamps SystemModstamp and LastModifiedDate from the emulator's
 * clock (whole seconds), the records of one bulk processing step share one SystemModstamp, deleted records stay
 * for queryAll with a moved SystemModstamp, and a compound bookmark `(SystemModstamp > X) OR (SystemModstamp = X
 * AND Id > 'Y')` with ORDER BY SystemModstamp, Id selects exactly what comes after it in REST query, Bulk 2.0
 * query and Bulk v1 query.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import Papa from 'papaparse';
import { V1Client, parseXml, soapLogin } from '../helpers/bulk1-client.js';
import { useEmulator } from '../helpers/emulator.js';
import { adminRecords, ingestClient, login, runJob } from '../helpers/emulator-http.js';
import { bulkQueryRows, dataClient, restQueryAll, runBulkQuery } from '../helpers/emulator-query.js';

const MINUTE = 60_000;
const INSERTED = 450;

type Row = { Id: string; SystemModstamp: string; IsDeleted: boolean };

const id15 = (id: string) => id.slice(0, 15);
/** SOQL takes date-times with `Z` or `+hh:mm`; records carry `+0000`. */
const literal = (stamp: string) => stamp.replace(/\+0000$/, 'Z');
const byStampThenId = (a: Row, b: Row) =>
  a.SystemModstamp === b.SystemModstamp
    ? id15(a.Id) < id15(b.Id)
      ? -1
      : 1
    : Date.parse(literal(a.SystemModstamp)) - Date.parse(literal(b.SystemModstamp));

describe('record timestamps for incremental exports', () => {
  const emulator = useEmulator();
  let token: string;
  let insertStamps: Map<string, number>;
  let updated: Row[];
  let deletedIds: Set<string>;
  let bookmark: { stamp: string; id: string };

  before(async () => {
    token = await login(emulator.url);
    const ingest = ingestClient(emulator.url, token);
    const rows = Array.from({ length: INSERTED }, (_, i) => `Person ${i}`).join('\n');
    assert.equal(
      (await runJob(ingest, { object: 'Contact', operation: 'insert' }, `LastName\n${rows}\n`)).state,
      'JobComplete',
    );
    const inserted = (await adminRecords(emulator.url, 'Contact')) as Row[];
    insertStamps = new Map();
    for (const row of inserted) insertStamps.set(row.SystemModstamp, (insertStamps.get(row.SystemModstamp) ?? 0) + 1);
    // An update of 100 records, a minute later: one processing step, so one SystemModstamp.
    emulator.clock.advance(MINUTE);
    const toUpdate = inserted.slice(100, 200).map((row) => row.Id);
    const updateCsv = `Id,Title\n${toUpdate.map((id) => `${id},Updated`).join('\n')}\n`;
    assert.equal((await runJob(ingest, { object: 'Contact', operation: 'update' }, updateCsv)).state, 'JobComplete');
    // A delete of 20 others, another minute later.
    emulator.clock.advance(MINUTE);
    deletedIds = new Set(inserted.slice(300, 320).map((row) => row.Id));
    const deleteCsv = `Id\n${[...deletedIds].join('\n')}\n`;
    assert.equal((await runJob(ingest, { object: 'Contact', operation: 'delete' }, deleteCsv)).state, 'JobComplete');
    const all = (await adminRecords(emulator.url, 'Contact', true)) as Row[];
    updated = all.filter((row) => toUpdate.includes(row.Id)).sort(byStampThenId);
    const middle = updated[49];
    assert.ok(middle);
    bookmark = { stamp: middle.SystemModstamp, id: middle.Id };
  });

  /** What the bookmark query must answer, from the stored records. */
  async function expected(includeDeleted: boolean): Promise<string[]> {
    const all = (await adminRecords(emulator.url, 'Contact', true)) as Row[];
    const at = Date.parse(literal(bookmark.stamp));
    return all
      .filter((row) => includeDeleted || !row.IsDeleted)
      .filter((row) => {
        const stamp = Date.parse(literal(row.SystemModstamp));
        return stamp > at || (stamp === at && id15(row.Id) > id15(bookmark.id));
      })
      .sort(byStampThenId)
      .map((row) => row.Id);
  }

  const soql = () =>
    `SELECT Id, SystemModstamp FROM Contact WHERE (SystemModstamp > ${literal(bookmark.stamp)}) OR ` +
    `(SystemModstamp = ${literal(bookmark.stamp)} AND Id > '${bookmark.id}') ORDER BY SystemModstamp, Id`;

  it('stamps whole seconds, and the records of one processing step share one SystemModstamp', () => {
    for (const stamp of insertStamps.keys()) assert.match(stamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000$/);
    // 450 rows are written in three steps of at most 200: at most three stamps, the largest shared by 200 or more.
    assert.ok(insertStamps.size <= 3, `${insertStamps.size} stamps`);
    assert.ok(Math.max(...insertStamps.values()) >= 200);
    assert.equal(new Set(updated.map((row) => row.SystemModstamp)).size, 1, 'the update is one step');
  });

  it('keeps deleted records for queryAll, IsDeleted and with SystemModstamp moved to the delete', async () => {
    const soqlDeleted = `SELECT Id, IsDeleted, SystemModstamp, LastModifiedDate FROM Contact WHERE IsDeleted = true`;
    const records = await restQueryAll(emulator.url, token, soqlDeleted, 'queryAll');
    assert.deepEqual(new Set(records.map((r) => r['Id'])), deletedIds);
    const updateStamp = Date.parse(literal(bookmark.stamp));
    for (const record of records) {
      assert.ok(Date.parse(literal(String(record['SystemModstamp']))) >= updateStamp + MINUTE);
      assert.equal(record['LastModifiedDate'], record['SystemModstamp']);
    }
  });

  it('answers the compound bookmark in REST query and queryAll, in SystemModstamp, Id order', async () => {
    const live = await restQueryAll(emulator.url, token, soql());
    assert.deepEqual(
      live.map((r) => r['Id']),
      await expected(false),
    );
    assert.equal(live.length, 50);
    const all = await restQueryAll(emulator.url, token, soql(), 'queryAll');
    assert.deepEqual(
      all.map((r) => r['Id']),
      await expected(true),
    );
    assert.equal(all.length, 70);
  });

  it('answers the compound bookmark in Bulk 2.0 query and queryAll', async () => {
    const data = dataClient(emulator.url, token);
    for (const [operation, includeDeleted] of [
      ['query', false],
      ['queryAll', true],
    ] as const) {
      const job = await runBulkQuery(data, soql(), operation);
      assert.equal(job.state, 'JobComplete');
      const rows = await bulkQueryRows(data, job.id);
      assert.deepEqual(
        rows.map((row) => row['Id']),
        await expected(includeDeleted),
      );
    }
  });

  it('answers the compound bookmark in a Bulk v1 queryAll batch', async () => {
    const v1 = new V1Client(emulator.url, await soapLogin(emulator.url));
    const job = await v1.createXmlJob({ operation: 'queryAll', object: 'Contact', contentType: 'CSV' });
    const batch = await v1.addBatch(job.id, soql(), 'text/csv');
    assert.equal((await v1.waitBatch(job.id, batch.id)).state, 'Completed');
    const list = parseXml((await v1.result(job.id, batch.id)).text, 'result-list')['result'];
    const ids: string[] = [];
    for (const resultId of (Array.isArray(list) ? list : [list]) as string[]) {
      const file = (await v1.result(job.id, batch.id, resultId)).text;
      ids.push(
        ...Papa.parse<Record<string, string>>(file, { header: true, skipEmptyLines: true }).data.map(
          (r) => r['Id'] ?? '',
        ),
      );
    }
    assert.deepEqual(ids, await expected(true));
  });

  it('filters on LastModifiedDate with a date-time literal', async () => {
    const records = await restQueryAll(
      emulator.url,
      token,
      `SELECT Id FROM Contact WHERE LastModifiedDate >= ${literal(bookmark.stamp)}`,
      'queryAll',
    );
    assert.equal(records.length, 120);
  });
});
