import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { IngestOperation } from '../salesforce/bulk2/types.js';
import { connectClient, temporalTargetFromEnv } from '../client/connection.js';
import { startBulkIngest } from '../client/starters.js';
import { exitCodeFor, formatIngestSummary, printJson } from './output.js';
import { waitWithProgress } from './wait.js';

interface IngestFlags {
  object: string;
  operation: IngestOperation;
  file: string;
  externalIdField?: string;
  api: '2.0' | '1.0';
  workflowId?: string;
  wait: boolean;
  json?: boolean;
  taskQueue?: string;
}

export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .description('Load a CSV file into Salesforce as a durable bulk job')
    .requiredOption('--object <name>', 'sObject API name, e.g. Contact')
    .addOption(
      new Option('--operation <op>', 'DML operation').choices(Object.values(IngestOperation)).makeOptionMandatory(),
    )
    .requiredOption('--file <path>', 'CSV input with a header row of field API names')
    .option('--external-id-field <field>', 'external id field (upsert)')
    .addOption(new Option('--api <version>', 'Bulk API version').choices(['2.0', '1.0']).default('2.0'))
    .option('--workflow-id <id>', 'your business id; starting it again attaches to the running job')
    .option('--task-queue <name>', 'task queue of the bulkflow workers (default BULKFLOW_TASK_QUEUE or bulkflow)')
    .option('--no-wait', 'start the job and return its workflow id at once')
    .option('--json', 'machine-readable output')
    .action(async (flags: IngestFlags) => {
      if (flags.operation === 'upsert' && !flags.externalIdField) {
        throw new InvalidArgumentError('--operation upsert needs --external-id-field');
      }
      const client = await connectClient(temporalTargetFromEnv());
      try {
        const handle = await startBulkIngest(
          client,
          {
            object: flags.object,
            operation: flags.operation,
            api: flags.api,
            source: { url: pathToFileURL(path.resolve(flags.file)).href },
            ...(flags.externalIdField ? { externalIdFieldName: flags.externalIdField } : {}),
          },
          {
            ...(flags.workflowId ? { workflowId: flags.workflowId } : {}),
            taskQueue: flags.taskQueue ?? process.env.BULKFLOW_TASK_QUEUE ?? 'bulkflow',
          },
        );
        if (!flags.wait) {
          if (flags.json) printJson({ workflowId: handle.workflowId, runId: handle.firstExecutionRunId });
          else process.stdout.write(`started ${handle.workflowId}\n`);
          return;
        }
        const result = await waitWithProgress(handle, { quiet: Boolean(flags.json) });
        if (flags.json) printJson({ workflowId: handle.workflowId, ...result });
        else process.stdout.write(formatIngestSummary(handle.workflowId, result));
        process.exitCode = exitCodeFor(result);
      } finally {
        await client.connection.close();
      }
    });
}
