import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import { bulkflowErrorOf } from '../client/errors.js';
import { InputProblem } from '../common/errors.js';
import { inputSource, unreachableInputHint } from './files.js';
import { IngestOperation } from '../salesforce/bulk2/types.js';
import { CommandFailure, exitCodeFor, formatIngestSummary, printJson } from './output.js';
import { attachedBefore, ensureWorker, taskQueueOf } from './start-and-wait.js';
import { connectFromEnv, noWorkerMessage } from './temporal.js';
import type { BulkApi, ColumnDelimiter, LineEnding } from '../common/wire-values.js';
import { checkIngestOptions, type IngestJobOptions } from '../common/job-options.js';
import { checkFlags, countArgument, wireName } from './job-option-flags.js';

interface IngestFlags {
  object: string;
  operation: IngestOperation;
  file: string;
  externalIdField?: string;
  api: BulkApi;
  workflowId?: string;
  wait: boolean;
  json?: boolean;
  taskQueue?: string;
  waitForWorker?: boolean;
  ignoreEarlierRuns?: boolean;
  delimiter?: string;
  lineEnding?: string;
  assignmentRuleId?: string;
  serial?: boolean;
  batchSize?: number | string;
  dryRun?: boolean;
}

/** The job options the flags set, as the input names them (unchecked: {@link checkIngestOptions} checks them). */
function jobOptionsOf(flags: IngestFlags): IngestJobOptions {
  return {
    api: flags.api,
    ...(flags.delimiter ? { columnDelimiter: flags.delimiter as ColumnDelimiter } : {}),
    ...(flags.lineEnding ? { lineEnding: flags.lineEnding as LineEnding } : {}),
    ...(flags.assignmentRuleId ? { assignmentRuleId: flags.assignmentRuleId } : {}),
    ...(flags.serial ? { concurrencyMode: 'Serial' as const } : {}),
    ...(flags.batchSize !== undefined ? { batchSize: flags.batchSize as number } : {}),
  };
}

export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .description('Load a CSV file into Salesforce as a durable bulk job')
    .requiredOption('--object <name>', 'sObject API name, e.g. Contact')
    .addOption(
      new Option('--operation <op>', 'DML operation').choices(Object.values(IngestOperation)).makeOptionMandatory(),
    )
    .requiredOption(
      '--file <path-or-url>',
      'CSV input with a header row of field API names: a local path (uploaded to BULKFLOW_STAGING_URL when set), or an s3:// or https:// URL',
    )
    .option('--external-id-field <field>', 'external id field (upsert)')
    .addOption(new Option('--api <version>', 'Bulk API version').choices(['2.0', '1.0']).default('2.0'))
    .option(
      '--workflow-id <id>',
      'your business id: loaded once; starting it again attaches, or after a failure loads only what was not loaded',
    )
    .option('--task-queue <name>', 'task queue of the bulkflow workers (default BULKFLOW_TASK_QUEUE or bulkflow)')
    .option('--no-wait', 'start the job and return its workflow id at once')
    .option('--wait-for-worker', 'start even when no worker polls the task queue, and wait for one')
    .option('--ignore-earlier-runs', 'load every row again, even if this workflow id loaded them before')
    .option(
      '--delimiter <name>',
      "the file's column delimiter: COMMA (default), TAB, SEMICOLON, PIPE, CARET or BACKQUOTE",
      wireName,
    )
    .option('--line-ending <name>', "the file's line ending: LF or CRLF (default: the header row's)", wireName)
    .option('--assignment-rule-id <id>', 'a Case or Lead assignment rule for Salesforce to run on each record')
    .option('--serial', 'Bulk v1 (--api 1.0): process the batches one at a time (concurrencyMode Serial)')
    .option('--batch-size <rows>', 'Bulk v1 (--api 1.0): rows per batch, 1 to 10,000 (default 10,000)', countArgument)
    .option(
      '--dry-run',
      'check everything and report the rows, units and jobs it would create and the problems found; create no job',
    )
    .option('--json', 'machine-readable output')
    .action(async (flags: IngestFlags, command: Command) => {
      if (flags.operation === 'upsert' && !flags.externalIdField) {
        command.error(
          'error: --operation upsert needs --external-id-field <field>: the external id field (or Id) that ' +
            'matches each row to a record, e.g. --external-id-field External_Id__c',
          { exitCode: 2, code: 'bulkflow.usage' },
        );
      }
      checkFlags(command, (names) => checkIngestOptions(jobOptionsOf(flags), names));
      // A missing local file is refused before anything connects; with shared staging it is uploaded first.
      const source = await inputSource(flags.file, Boolean(flags.json));
      const { startBulkIngest } = await import('../client/starters.js');
      const { waitWithProgress } = await import('./wait.js');
      const taskQueue = taskQueueOf(flags);
      const client = await connectFromEnv();
      try {
        await ensureWorker(client, taskQueue, flags);
        const handle = await startBulkIngest(
          client,
          {
            object: flags.object,
            operation: flags.operation,
            api: flags.api,
            source,
            ...jobOptionsOf(flags),
            ...(flags.externalIdField ? { externalIdFieldName: flags.externalIdField } : {}),
            ...(flags.ignoreEarlierRuns ? { ignoreEarlierRuns: true } : {}),
            ...(flags.dryRun ? { dryRun: true } : {}),
          },
          { ...(flags.workflowId ? { workflowId: flags.workflowId } : {}), taskQueue },
        );
        if (!flags.wait && !handle.attachedTo) {
          if (flags.json) printJson({ workflowId: handle.workflowId, runId: handle.firstExecutionRunId });
          else process.stdout.write(`started ${handle.workflowId}\n`);
          return;
        }
        const result = await waitWithProgress(handle, {
          quiet: Boolean(flags.json),
          workerGone: () => noWorkerMessage(client, taskQueue),
        }).catch((err: unknown) => {
          throw new CommandFailure(err, handle.workflowId, unreachableFile(err, source.url));
        });
        const shown = { ...result, ...attachedBefore(handle) };
        if (flags.json) printJson({ workflowId: handle.workflowId, ...shown });
        else process.stdout.write(formatIngestSummary(handle.workflowId, shown));
        process.exitCode = exitCodeFor(result);
      } finally {
        await client.connection.close();
      }
    });
}

/** A hint when the workers could not find a `file://` input that exists here: they run elsewhere. */
function unreachableFile(err: unknown, url: string): string | undefined {
  if (!url.startsWith('file:')) return undefined;
  const cause = bulkflowErrorOf(err);
  return cause.code === InputProblem.NotFound ? unreachableInputHint(fileURLToPath(url)) : undefined;
}
