/**
 * The `bulkflow` command line. Every command takes `--json` for machine-readable output, errors included:
 * `{ "error": { "type", "code", "message", … } }` on stdout (see `printError`).
 *
 * Exit codes: 0 completed, 1 error or failed job, 2 usage, 3 aborted.
 */
import { Command, CommanderError } from 'commander';
import { registerAdoptCommand } from './adopt-command.js';
import { registerIngestCommand } from './ingest-command.js';
import { registerJobCommands } from './job-commands.js';
import { registerJobsCommand } from './jobs-command.js';
import { registerListCommand } from './list-command.js';
import { registerQueryCommand } from './query-command.js';
import { registerResultsCommand } from './results-command.js';
import { ExitCode, exitCodeForError, printError, reportedErrorOf, usageError } from './output.js';
import { registerServiceCommands } from './service-commands.js';
import { registerSyncCommand } from './sync-command.js';

export function buildProgram(): Command {
  const program = new Command('bulkflow')
    .description('Durable Salesforce Bulk API jobs on Temporal')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerIngestCommand(program);
  registerQueryCommand(program);
  registerAdoptCommand(program);
  registerJobCommands(program);
  registerResultsCommand(program);
  registerJobsCommand(program);
  registerListCommand(program);
  registerSyncCommand(program);
  registerServiceCommands(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  const json = argv.includes('--json');
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has written the message to stderr already (help and version exit 0).
      if (err.exitCode === 0) return;
      if (json) printError(usageError(err.message), true);
      process.exitCode = ExitCode.Usage;
      return;
    }
    const error = await reportedErrorOf(err);
    printError(error, json);
    process.exitCode = exitCodeForError(error);
  }
}
