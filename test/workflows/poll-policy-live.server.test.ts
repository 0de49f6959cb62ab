/**
 * The poll policy against a real job: the emulator processes at a fixed rate, the workflow polls with the
 * default policy on durable timers, and the org's own request counts say how many job-info calls it took.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { startBulkIngest } from '../../client/starters.js';
import { contactRows, writeCsv } from '../helpers/data.js';
import { emulatorStats } from '../helpers/org.js';
import { startTestbed, type Testbed } from '../helpers/testbed.js';

const RECORDS_PER_SECOND = 2_000;
const ROWS = 16_000; // an 8-second job
let bed: Testbed;
const taskQueue = `poll-live-${randomUUID()}`;

before(async () => {
  bed = await startTestbed({ taskQueue, emulator: { recordsPerSecond: RECORDS_PER_SECOND } });
});

after(() => bed?.close());

function jobInfoCalls(requests: Record<string, number>): number {
  return Object.entries(requests)
    .filter(([route]) => /^GET \/services\/data\/[^/]+\/jobs\/ingest\/\{jobId\}$/.test(route))
    .reduce((sum, [, n]) => sum + n, 0);
}

test('an 8-second job at the emulator’s fixed rate: a few polls, the finish noticed within max(1 s, 10 %)', async (t) => {
  const file = path.join(bed.dir, 'contacts.csv');
  writeCsv(file, contactRows(ROWS, 'poll') as unknown as Record<string, string>[]);
  const before = jobInfoCalls((await emulatorStats(bed.emulator.url)).requests);

  const handle = await startBulkIngest(
    bed.env.client,
    { object: 'Contact', operation: 'insert', source: { url: pathToFileURL(file).href } },
    { taskQueue, workflowId: `poll-live-${randomUUID()}` },
  );
  const result = await handle.result();
  const resultAt = Date.now();

  assert.equal(result.state, 'Completed');
  assert.equal(result.records.successful, ROWS);
  const polls = jobInfoCalls((await emulatorStats(bed.emulator.url)).requests) - before;
  // The pure simulation gives 6 polls for a steady 10-second job; allow one for the upload's own status read.
  assert.ok(polls <= 8, `${polls} job-info calls`);

  const { jobs } = (await emulatorStats(bed.emulator.url)) as { jobs: Array<{ id: string; createdDate?: string }> };
  const info = jobs.find((j) => j.id === result.jobs[0]?.id);
  assert.ok(info, 'the emulator lists the job');
  const processingMs = (ROWS / RECORDS_PER_SECOND) * 1000;
  // Noticed late by at most max(1 s, 10 %), plus downloading and checking 16,000 result rows.
  const slack = Math.max(1000, 0.1 * processingMs) + 3000;
  const startedAt = Date.parse(String(info.createdDate ?? ''));
  t.diagnostic(
    `${polls} job-info calls; result ${resultAt - startedAt} ms after the job's creation; ${JSON.stringify(result.timings)}`,
  );
  // Where the time went: processing is Salesforce's 8 s; the phases of one job follow each other.
  const timings = result.timings;
  assert.ok(timings, 'the result carries per-phase timings');
  assert.ok(timings.processingMs >= processingMs * 0.9, `processing ${timings.processingMs} ms`);
  assert.ok(timings.processingMs <= processingMs + slack, `processing ${timings.processingMs} ms`);
  const phases = timings.stagingMs + timings.uploadMs + timings.processingMs + timings.downloadMs;
  assert.ok(phases <= timings.totalMs, `phases ${phases} ms within the total ${timings.totalMs} ms`);
  assert.ok(timings.stagingMs > 0 && timings.downloadMs > 0, JSON.stringify(timings));
  assert.ok(Number.isFinite(startedAt), `createdDate ${String(info.createdDate)}`);
  assert.ok(resultAt - startedAt <= processingMs + slack, `${resultAt - startedAt} ms from job creation to result`);
});
