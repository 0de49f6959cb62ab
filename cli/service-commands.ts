/**
 * The long-running commands: worker, emulator, dev stack, demo. Each loads its code (the Temporal worker, the
 * emulator) when it runs, not when the command line starts, so `bulkflow --version` and the short commands
 * do not pay for it.
 */
import { InvalidArgumentError, type Command } from 'commander';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

/** Resolves on SIGINT or SIGTERM. */
function untilSignalled(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

export function registerServiceCommands(program: Command): void {
  program
    .command('worker')
    .description('Run a bulkflow worker (TEMPORAL_ADDRESS, SF_* credentials from the environment)')
    .action(async () => {
      const { runWorkerFromEnv } = await import('../worker/run-worker.js');
      await runWorkerFromEnv();
    });

  program
    .command('emulator')
    .description('Run the Salesforce emulator; prints its base URL on a line of its own')
    .option('--port <n>', 'port to listen on (0 = a free one)', positiveInt, 0)
    .option('--records-per-second <n>', 'slow processing down to this rate', positiveInt)
    .option('--json', 'print {"url": …} instead of the bare URL')
    .action(async (flags: { port: number; recordsPerSecond?: number; json?: boolean }) => {
      const { createSalesforceEmulator } = await import('../emulator/index.js');
      const emulator = await createSalesforceEmulator({
        port: flags.port,
        ...(flags.recordsPerSecond ? { recordsPerSecond: flags.recordsPerSecond } : {}),
      });
      process.stdout.write(flags.json ? `${JSON.stringify({ url: emulator.url })}\n` : `${emulator.url}\n`);
      await untilSignalled();
      await emulator.close();
    });

  program
    .command('dev')
    .description('Run a local Temporal server, the Salesforce emulator and a worker until interrupted')
    .option('--temporal-port <n>', 'Temporal frontend port', positiveInt, 7233)
    .option('--ui-port <n>', 'Temporal web UI port', positiveInt, 8233)
    .option('--emulator-port <n>', 'emulator port', positiveInt, 0)
    .option('--db <file>', 'SQLite file so that workflows survive a restart')
    .action(async (flags: { temporalPort: number; uiPort: number; emulatorPort: number; db?: string }) => {
      const { startLocalStack } = await import('./dev/local-stack.js');
      const stack = await startLocalStack({
        temporalPort: flags.temporalPort,
        uiPort: flags.uiPort,
        emulatorPort: flags.emulatorPort,
        ...(flags.db ? { dbFilename: flags.db } : {}),
      });
      process.stdout.write(
        [
          `Temporal:  ${stack.temporal.address} (UI http://127.0.0.1:${flags.uiPort})`,
          `Emulator:  ${stack.emulator.url}`,
          `Worker:    task queue "${stack.taskQueue}"`,
          `In another shell: export TEMPORAL_ADDRESS=${stack.temporal.address}; bulkflow ingest --object Contact --operation insert --file data.csv`,
          '',
        ].join('\n'),
      );
      await untilSignalled();
      await stack.close();
    });

  program
    .command('demo')
    .description('Insert generated Contacts through a real local Temporal server and the emulator')
    .option('--rows <n>', 'how many Contacts', positiveInt, 10_000)
    .option('--records-per-second <n>', 'emulator processing rate (shows progress)', positiveInt, 5_000)
    .option('--json', 'machine-readable output')
    .action(async (flags: { rows: number; recordsPerSecond: number; json?: boolean }) => {
      const { runDemo } = await import('./dev/demo.js');
      process.exitCode = await runDemo({
        rows: flags.rows,
        recordsPerSecond: flags.recordsPerSecond,
        ...(flags.json ? { json: true } : {}),
      });
    });
}
