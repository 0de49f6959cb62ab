/**
 * Every path, both API versions, with the emulator misbehaving the way real orgs do: a quarter of
 * API requests answered 503, a rate limit with Retry-After, and every session expired mid-run. The
 * activity retry policy and the single session renewal must carry each job to the same outcome as
 * on a healthy org.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startBulkIngest, startBulkQuery } from '../../client/starters.js';
import type { FaultSpec, SalesforceEmulator } from '../../emulator/index.js';
import { contactRows, writeCsv } from '../helpers/data.js';
import { orgRecords, readCsvFile } from '../helpers/org.js';
import { startTestbed, type Testbed } from '../helpers/testbed.js';

let bed: Testbed;
let env: TestWorkflowEnvironment;
let emulator: SalesforceEmulator;
const taskQueue = `faults-${randomUUID()}`;
const dir = mkdtempSync(path.join(tmpdir(), 'bulkflow-faults-'));
const POLL = { initialMs: 100, ceilingMs: 300 };

before(async () => {
  bed = await startTestbed({ taskQueue, dir, worker: { v1BatchLimits: { maxRows: 200, maxBytes: 10_000_000 } } });
  ({ env, emulator } = bed);
});
after(() => bed?.close());

/** Seeded, so every run misbehaves the same way. */
function misbehave(seed: number): FaultSpec[] {
  return [
    { type: 'serverError', status: 503, rate: 0.25, seed, path: '/services/' },
    { type: 'rateLimit', status: 429, retryAfterSeconds: 1, count: 1, skip: 3 },
    { type: 'expireSessions' },
  ];
}

for (const api of ['2.0', '1.0'] as const) {
  test(`Bulk ${api} insert and query under 503s, a rate limit and expired sessions`, async () => {
    emulator.reset();
    const rows = contactRows(600, `faults${api.replace('.', '')}`);
    const file = path.join(dir, `in-${api}.csv`);
    writeCsv(file, rows as unknown as Record<string, string>[]);
    emulator.faults.set(misbehave(api === '2.0' ? 5 : 9));
    const ingest = await (
      await startBulkIngest(
        env.client,
        { object: 'Contact', operation: 'insert', api, source: { url: pathToFileURL(file).href }, pollPolicy: POLL },
        { taskQueue },
      )
    ).result();
    assert.equal(ingest.state, 'Completed');
    assert.deepEqual(ingest.records, { total: 600, successful: 600, failed: 0, unprocessed: 0 });
    const org = await orgRecords(emulator.url, 'Contact');
    assert.deepEqual(new Set(org.map((r) => r.Email)), new Set(rows.map((r) => r.Email)));
    assert.equal(org.length, 600, 'no row inserted twice');

    emulator.faults.set(misbehave(api === '2.0' ? 6 : 10));
    const query = await (
      await startBulkQuery(
        env.client,
        {
          soql: 'SELECT Id, Email FROM Contact',
          api,
          pageSize: 250,
          ...(api === '1.0' ? { pkChunking: { chunkSize: 250 } } : {}),
          pollPolicy: POLL,
        },
        { taskQueue },
      )
    ).result();
    const fired = emulator.faults.report().reduce((n, f) => n + f.fired, 0);
    emulator.faults.clear();
    assert.equal(query.state, 'Completed');
    const exported = readCsvFile(query.results.records?.url ?? '');
    assert.equal(exported.length, 600);
    assert.deepEqual(new Set(exported.map((r) => r.Id)), new Set(org.map((r) => r.Id)));
    assert.ok(fired > 0, 'the faults did fire');
  });
}
