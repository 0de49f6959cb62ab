import type { Command } from 'commander';
import { statusLabel } from './status-names.js';
import { printJson } from './output.js';
import { connectFromEnv } from './temporal.js';

export function registerJobCommands(program: Command): void {
  program
    .command('status <workflowId>')
    .description("Show a bulk workflow's state and progress")
    .option('--json', 'machine-readable output')
    .action(async (workflowId: string, flags: { json?: boolean }) => {
      const { getProgress } = await import('../client/starters.js');
      const client = await connectFromEnv();
      try {
        const description = await client.workflow.getHandle(workflowId).describe();
        const progress = await getProgress(client, workflowId);
        const status = statusLabel(description.status.name);
        if (flags.json) {
          printJson({ workflowId, status, ...progress });
          return;
        }
        process.stdout.write(
          `${workflowId}: ${status}, ${progress.state}; ${progress.records.processed}/${progress.records.total} rows processed, ` +
            `${progress.records.failed} failed\n`,
        );
        for (const job of progress.jobs) {
          process.stdout.write(`  job ${job.id} (Bulk ${job.api}): ${job.state}, ${job.recordsProcessed} processed\n`);
        }
      } finally {
        await client.connection.close();
      }
    });

  program
    .command('abort <workflowId>')
    .description('Abort a bulk workflow and its Salesforce job(s); processed rows are still reported')
    .option('--reason <text>', 'why, for the record', 'aborted from the bulkflow command line')
    .option('--json', 'machine-readable output')
    .action(async (workflowId: string, flags: { reason: string; json?: boolean }) => {
      const { requestAbort } = await import('../client/starters.js');
      const client = await connectFromEnv();
      try {
        await requestAbort(client, workflowId, flags.reason);
        if (flags.json) printJson({ workflowId, abortRequested: true, reason: flags.reason });
        else process.stdout.write(`abort requested for ${workflowId}\n`);
      } finally {
        await client.connection.close();
      }
    });
}
