import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useEmulator } from '../helpers/emulator.js';
import {
  adminRecords,
  createJob,
  ingestClient,
  login,
  pollJob,
  results,
  setState,
  uploadCsv,
} from '../helpers/emulator-http.js';
import type { Ingest } from '../helpers/emulator-http.js';

describe('aborting a job while it is processed', () => {
  const emulator = useEmulator({ recordsPerSecond: 20 });
  let ingest: Ingest;
  before(async () => {
    // 20 rows a second: 60 rows take three seconds, leaving time to abort midway.
    ingest = ingestClient(emulator.url, await login(emulator.url));
  });

  it('stops processing and reports the rest as unprocessed', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `Row${i}`);
    const job = await createJob(ingest, { object: 'Contact', operation: 'insert' });
    assert.equal((await uploadCsv(ingest, job.id, `LastName\n${rows.join('\n')}\n`)).status, 201);
    assert.equal((await setState(ingest, job.id, 'UploadComplete')).status, 200);

    const midway = await pollJob(
      ingest,
      job.id,
      (j) => j.state === 'InProgress' && Number(j['numberRecordsProcessed']) >= 4,
    );
    assert.ok(Number(midway['numberRecordsProcessed']) < 60);
    const abort = await setState(ingest, job.id, 'Aborted');
    assert.equal(abort.status, 200);
    assert.equal(((await abort.json()) as { state: string }).state, 'Aborted');

    const final = await pollJob(ingest, job.id, (j) => j.state === 'Aborted');
    const processed = Number(final['numberRecordsProcessed']);
    assert.ok(processed >= 4 && processed < 60, `processed ${processed}`);

    const successful = await results(ingest, job.id, 'successfulResults');
    const unprocessed = await results(ingest, job.id, 'unprocessedrecords');
    assert.equal(successful.rows.length, processed);
    assert.equal(unprocessed.rows.length, 60 - processed);
    assert.deepEqual(
      [...successful.rows, ...unprocessed.rows].map((r) => r['LastName']),
      rows,
    );
    assert.equal((await adminRecords(emulator.url, 'Contact')).length, processed);
  });

  it('reports every row of an upload aborted before processing as unprocessed', async () => {
    const job = await createJob(ingest, { object: 'Contact', operation: 'insert' });
    await uploadCsv(ingest, job.id, 'LastName\nA\nB\n');
    assert.equal((await setState(ingest, job.id, 'Aborted')).status, 200);
    assert.equal((await results(ingest, job.id, 'unprocessedrecords')).text, 'LastName\n"A"\n"B"\n');
  });
});
