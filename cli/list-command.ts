import { InvalidArgumentError, type Command } from 'commander';
import type { BulkJobSummary } from '../client/list-jobs.js';
import { BulkflowState, WorkflowType } from '../workflows/contract.js';
import { printJson } from './output.js';
import { connectFromEnv } from './temporal.js';
import { statusLabel } from './status-names.js';

function bulkflowState(value: string): BulkflowState {
  const states: string[] = Object.values(BulkflowState);
  if (!states.includes(value)) throw new InvalidArgumentError(`one of ${states.join(', ')}`);
  return value as BulkflowState;
}

function apiName(value: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(value)) throw new InvalidArgumentError('a Salesforce API name, e.g. Contact');
  return value;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number, 1 or more');
  return n;
}

/** One line a job: columns padded to the widest value. */
function formatTable(jobs: BulkJobSummary[]): string {
  const header = ['STARTED', 'WORKFLOW ID', 'KIND', 'STATUS', 'STATE', 'OBJECT', 'OPERATION', 'SALESFORCE JOBS'];
  const rows = jobs.map((j) => [
    j.startTime.toISOString().replace('T', ' ').slice(0, 19),
    j.workflowId,
    j.type === WorkflowType.BulkQuery
      ? 'query'
      : j.type === WorkflowType.IncrementalSync
        ? 'sync'
        : j.type === WorkflowType.BulkAdopt
          ? 'adopt'
          : 'ingest',
    statusLabel(j.status),
    j.state ?? '-',
    j.object ?? '-',
    j.operation ?? '-',
    j.salesforceJobIds.join(',') || '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
}

export function registerListCommand(program: Command): void {
  program
    .command('list')
    .description('List bulk workflows, newest first, from their search attributes')
    .option('--state <state>', `only this state (${Object.values(BulkflowState).join(', ')})`, bulkflowState)
    .option('--object <name>', 'only jobs on this sObject, e.g. Contact', apiName)
    .option('--limit <n>', 'at most this many', positiveInt, 50)
    .option('--json', 'machine-readable output')
    .action(async (flags: { state?: BulkflowState; object?: string; limit: number; json?: boolean }) => {
      // Loaded when the command runs, so that `bulkflow --help` and other commands do not pay for the client.
      const { listBulkJobs } = await import('../client/list-jobs.js');
      const client = await connectFromEnv();
      try {
        const jobs = await listBulkJobs(client, {
          limit: flags.limit,
          ...(flags.state ? { state: flags.state } : {}),
          ...(flags.object ? { object: flags.object } : {}),
        });
        if (flags.json) printJson(jobs);
        else if (jobs.length === 0) process.stdout.write('no bulk workflows match\n');
        else process.stdout.write(formatTable(jobs));
      } finally {
        await client.connection.close();
      }
    });
}
