/**
 * The `bulkflow` command line. Every command takes `--json` for machine-readable output.
 */
import { Command, CommanderError } from 'commander';
import { redact } from '../salesforce/core/redact.js';
import { registerIngestCommand } from './ingest-command.js';
import { registerJobCommands } from './job-commands.js';
import { registerJobsCommand } from './jobs-command.js';
import { registerQueryCommand } from './query-command.js';
import { registerResultsCommand } from './results-command.js';
import { ExitCode } from './output.js';
import { registerServiceCommands } from './service-commands.js';

export function buildProgram(): Command {
  const program = new Command('bulkflow')
    .description('Durable Salesforce Bulk API jobs on Temporal')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerIngestCommand(program);
  registerQueryCommand(program);
  registerJobCommands(program);
  registerResultsCommand(program);
  registerJobsCommand(program);
  registerServiceCommands(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : ExitCode.Usage;
      return;
    }
    process.stderr.write(`bulkflow: ${redact(err instanceof Error ? err.message : String(err))}\n`);
    process.exitCode = ExitCode.Failed;
  }
}
