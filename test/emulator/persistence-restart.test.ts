import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSalesforceEmulator } from '../../emulator/index.js';
import { startEmulator } from '../helpers/emulator.js';
import {
  createJob,
  getJob,
  ingestClient,
  login,
  pollJob,
  results,
  runJob,
  setState,
  uploadCsv,
} from '../helpers/emulator-http.js';
import { eventually } from '../helpers/eventually.js';

describe('persistence', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bulkflow-persist-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('keeps records, deleted ones, id counters and ingest jobs across a restart', async (t) => {
    const persistPath = join(dir, 'org.json');
    // Closed by the test itself: the restart is what is tested.
    const first = await createSalesforceEmulator({ persistPath });
    const ingest = ingestClient(first.url, await login(first.url));
    const inserted = await runJob(
      ingest,
      { object: 'Account', operation: 'insert' },
      'Name,External_Id__c\nAcme,A1\nGlobex,G1\nInitech,I1\n',
    );
    const [acme, globex] = first.org.getRecords('Account');
    await runJob(ingest, { object: 'Account', operation: 'delete' }, `Id\n${String(acme?.['Id'])}\n`);
    await runJob(ingest, { object: 'Account', operation: 'hardDelete' }, `Id\n${String(globex?.['Id'])}\n`);
    const before = first.org.getRecords('Account', { includeDeleted: true });
    const successBefore = (await results(ingest, inserted.id, 'successfulResults')).text;
    await first.close();
    assert.deepEqual(await readdir(dir), ['org.json'], 'no temporary file left behind');

    const second = await startEmulator(t, { persistPath });
    assert.deepEqual(second.org.getRecords('Account', { includeDeleted: true }), before);
    const again = ingestClient(second.url, await login(second.url));
    const job = await getJob(again, inserted.id);
    assert.equal(job.state, 'JobComplete');
    assert.equal(job['numberRecordsProcessed'], 3);
    assert.equal((await results(again, inserted.id, 'successfulResults')).text, successBefore);
    await runJob(again, { object: 'Account', operation: 'insert' }, 'Name\nUmbrella\n');
    const ids = second.org.getRecords('Account', { includeDeleted: true }).map((r) => r['Id']);
    assert.equal(new Set([...ids, globex?.['Id']]).size, ids.length + 1, 'the hard-deleted id is not handed out again');
  });

  it('saves shortly after a change, before close', async (t) => {
    const persistPath = join(dir, 'live.json');
    const emulator = await startEmulator(t, { persistPath });
    const ingest = ingestClient(emulator.url, await login(emulator.url));
    await runJob(ingest, { object: 'Contact', operation: 'insert' }, 'LastName\nSmith\n');
    await eventually(
      async () => {
        const file = await readFile(persistPath, 'utf8').catch(() => '{"records":{}}');
        return (JSON.parse(file) as { records: Record<string, unknown[]> }).records['Contact']?.length === 1;
      },
      { timeoutMs: 5000, what: 'the change to be saved to the file' },
    );
  });

  it('resumes a job that was in progress when the emulator stopped', async (t) => {
    const persistPath = join(dir, 'resume.json');
    // Closed by the test itself: stopping mid-job is what is tested.
    const first = await createSalesforceEmulator({ persistPath });
    const ingest = ingestClient(first.url, await login(first.url));
    first.faults.set({ type: 'slowProcessing', recordsPerSecond: 50 });
    const job = await createJob(ingest, { object: 'Account', operation: 'insert' });
    const rows = Array.from({ length: 300 }, (_, i) => `Acme ${i}`).join('\n');
    assert.equal((await uploadCsv(ingest, job.id, `Name\n${rows}\n`)).status, 201);
    assert.equal((await setState(ingest, job.id, 'UploadComplete')).status, 200);
    const partial = await pollJob(ingest, job.id, (j) => Number(j['numberRecordsProcessed']) > 0);
    await first.close();
    const processedAtClose = first.org.getRecords('Account').length;
    assert.ok(processedAtClose >= Number(partial['numberRecordsProcessed']) && processedAtClose < 300);

    const second = await startEmulator(t, { persistPath });
    const again = ingestClient(second.url, await login(second.url));
    const done = await pollJob(again, job.id, (j) => j.state === 'JobComplete');
    assert.equal(done['numberRecordsProcessed'], 300);
    const names = second.org.getRecords('Account').map((r) => r['Name']);
    assert.equal(names.length, 300, 'each row written exactly once');
    assert.equal(new Set(names).size, 300);
  });

  it('refuses a file it cannot read, naming the option', async () => {
    const persistPath = join(dir, 'broken.json');
    await writeFile(persistPath, '{ not json');
    await assert.rejects(createSalesforceEmulator({ persistPath }), /options\.persistPath/);
  });
});
