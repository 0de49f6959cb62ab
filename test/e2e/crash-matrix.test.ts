/**
 * Durability: worker processes killed with SIGKILL at each phase of a job, and the Temporal server
 * killed and restarted; the org must end with exactly the input's records.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createSalesforceEmulator, type SalesforceEmulator } from '../../emulator/index.js';
import { assertExactlyOnce, runCrashScenario } from '../helpers/crash.js';
import { startKillableServer, type KillableServer } from '../helpers/temporal.js';

let server: KillableServer;
let emulator: SalesforceEmulator;
const dir = mkdtempSync(path.join(tmpdir(), 'bulkflow-crash-'));

before(async () => {
  server = await startKillableServer();
  // Slow enough that polling takes a few seconds, so the crash lands while Salesforce works.
  emulator = await createSalesforceEmulator({ recordsPerSecond: 1_000 });
});

after(async () => {
  await emulator?.close();
  await server?.stop();
});

test('worker killed while the job is processing: a new worker finishes it, once', async () => {
  const outcome = await runCrashScenario(
    {
      name: 'polling',
      rows: 3_000,
      killWhen: (p) => p.state === 'Processing' && p.records.processed > 0 && p.records.processed < 3_000,
    },
    { server, emulator, dir },
  );
  await assertExactlyOnce(emulator.url, outcome);
});

test('worker and Temporal server both killed while processing: the job still finishes, once', async () => {
  const outcome = await runCrashScenario(
    {
      name: 'server-restart',
      rows: 3_000,
      restartServer: true,
      killWhen: (p) => p.state === 'Processing' && p.records.processed > 0 && p.records.processed < 3_000,
    },
    { server, emulator, dir },
  );
  await assertExactlyOnce(emulator.url, outcome);
});
