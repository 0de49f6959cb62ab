import { pathToFileURL } from 'node:url';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { BulkQueryInput, BulkQueryResult } from '../workflows/contract.js';
import { checkQueryOptions } from '../common/job-options.js';
import { checkFlags, countArgument } from './job-option-flags.js';
import { CommandFailure, exitCodeFor, formatQuerySummary, printJson } from './output.js';
import { fetchToLocal, queryDestination } from './files.js';
import { attachedBefore, ensureWorker, taskQueueOf } from './start-and-wait.js';
import { connectFromEnv, noWorkerMessage } from './temporal.js';
import type { BulkApi } from '../common/wire-values.js';
import { MAX_SPLIT_ROWS, splitFileName, type QueryFormat } from '../common/query-output.js';

interface QueryFlags {
  soql: string;
  out: string;
  all?: boolean;
  api: BulkApi;
  pkChunking?: number | string;
  pkChunkingStartRow?: string;
  workflowId?: string;
  taskQueue?: string;
  wait: boolean;
  json?: boolean;
  waitForWorker?: boolean;
  ignoreEarlierRuns?: boolean;
  format: QueryFormat;
  splitRows?: number;
}

/** The PK chunking the flags ask for, as the input names it (unchecked: {@link checkQueryOptions} checks it). */
function pkChunkingOf(flags: QueryFlags): BulkQueryInput['pkChunking'] {
  if (flags.pkChunking === undefined && flags.pkChunkingStartRow === undefined) return undefined;
  return {
    ...(flags.pkChunking !== undefined ? { chunkSize: flags.pkChunking as number } : {}),
    ...(flags.pkChunkingStartRow !== undefined ? { startRow: flags.pkChunkingStartRow } : {}),
  };
}

function splitRows(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_SPLIT_ROWS) {
    throw new InvalidArgumentError(`a whole number of records from 1 to ${MAX_SPLIT_ROWS}`);
  }
  return n;
}

/** Copies every file of a result from the staging store to the local path asked for (split: by index). */
async function fetchResult(result: BulkQueryResult, local: string): Promise<BulkQueryResult['results']> {
  const { records, files } = result.results;
  if (records) {
    await fetchToLocal(records.url, local);
    return { records: { ...records, url: pathToFileURL(local).href } };
  }
  if (!files) return {};
  const fetched = [];
  for (const [index, file] of files.entries()) {
    const to = splitFileName(local, index);
    await fetchToLocal(file.url, to);
    fetched.push({ ...file, url: pathToFileURL(to).href });
  }
  return { files: fetched };
}

export function registerQueryCommand(program: Command): void {
  program
    .command('query')
    .description('Export a SOQL query to CSV or JSON lines files as a durable bulk job')
    .requiredOption('--soql <query>', 'SOQL, e.g. "SELECT Id, Name FROM Account"')
    .requiredOption(
      '--out <path-or-url>',
      'where the records go: an s3:// URL, or a local path (fetched from BULKFLOW_STAGING_URL when set, else written by the worker); split files get -00001, -00002, … before the extension',
    )
    .addOption(
      new Option(
        '--format <format>',
        "csv: Salesforce's CSV as it is; jsonl: one JSON object per record, values as Salesforce's CSV text, empty as null",
      )
        .choices(['csv', 'jsonl'])
        .default('csv'),
    )
    .option(
      '--split-rows <n>',
      'split the records into files of at most N records (each CSV file with the header)',
      splitRows,
    )
    .option('--all', 'queryAll: include deleted and archived records')
    .addOption(new Option('--api <version>', 'Bulk API version').choices(['2.0', '1.0']).default('2.0'))
    .option('--pk-chunking <size>', 'Bulk v1: split by Id ranges of this many records (1 to 250,000)', countArgument)
    .option('--pk-chunking-start-row <id>', 'Bulk v1 PK chunking: the record id the first chunk starts at')
    .option('--workflow-id <id>', 'your business id: starting it again attaches, or returns the completed result')
    .option('--task-queue <name>', 'task queue of the bulkflow workers (default BULKFLOW_TASK_QUEUE or bulkflow)')
    .option('--no-wait', 'start the job and return its workflow id at once')
    .option('--wait-for-worker', 'start even when no worker polls the task queue, and wait for one')
    .option('--ignore-earlier-runs', 'run the query again, even if this workflow id completed it before')
    .option('--json', 'machine-readable output')
    .action(async (flags: QueryFlags, command: Command) => {
      const pkChunking = pkChunkingOf(flags);
      checkFlags(command, (names) =>
        checkQueryOptions({ api: flags.api, ...(pkChunking ? { pkChunking } : {}) }, names),
      );
      const out = queryDestination(flags.out);
      const { startBulkQuery } = await import('../client/starters.js');
      const { waitWithProgress } = await import('./wait.js');
      const taskQueue = taskQueueOf(flags);
      const client = await connectFromEnv();
      try {
        await ensureWorker(client, taskQueue, flags);
        const handle = await startBulkQuery(
          client,
          {
            soql: flags.soql,
            operation: flags.all ? 'queryAll' : 'query',
            api: flags.api,
            ...(out.destinationUrl ? { destination: { url: out.destinationUrl } } : {}),
            ...(flags.format !== 'csv' ? { format: flags.format } : {}),
            ...(flags.splitRows ? { splitRows: flags.splitRows } : {}),
            ...(pkChunking ? { pkChunking } : {}),
            ...(flags.ignoreEarlierRuns ? { ignoreEarlierRuns: true } : {}),
          },
          { ...(flags.workflowId ? { workflowId: flags.workflowId } : {}), taskQueue },
        );
        if (!flags.wait && !handle.attachedTo) {
          if (flags.json) printJson({ workflowId: handle.workflowId, runId: handle.firstExecutionRunId });
          else process.stdout.write(`started ${handle.workflowId}\n`);
          return;
        }
        const result: BulkQueryResult = await waitWithProgress(handle, {
          quiet: Boolean(flags.json),
          workerGone: () => noWorkerMessage(client, taskQueue),
        }).catch((err: unknown) => {
          throw new CommandFailure(err, handle.workflowId);
        });
        // With shared staging the records are in the store: fetched to the local path asked for.
        const fetched = out.fetchTo ? { results: await fetchResult(result, out.fetchTo) } : {};
        const shown = { ...result, ...fetched, ...attachedBefore(handle) };
        if (flags.json) printJson({ workflowId: handle.workflowId, ...shown });
        else process.stdout.write(formatQuerySummary(handle.workflowId, shown));
        process.exitCode = exitCodeFor(result);
      } finally {
        await client.connection.close();
      }
    });
}
