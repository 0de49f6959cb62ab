import type { Command } from 'commander';
import type { BulkAdoptResult } from '../workflows/contract.js';
import { CommandFailure, exitCodeFor, formatAdoptSummary, printJson } from './output.js';
import { isUrl } from './files.js';
import { attachedBefore, ensureWorker, taskQueueOf } from './start-and-wait.js';
import { connectFromEnv, noWorkerMessage } from './temporal.js';

interface AdoptFlags {
  out?: string;
  workflowId?: string;
  taskQueue?: string;
  wait: boolean;
  json?: boolean;
  waitForWorker?: boolean;
}

export function registerAdoptCommand(program: Command): void {
  program
    .command('adopt <jobId>')
    .description('Follow a Bulk 2.0 ingest or query job created elsewhere to its end and save its results')
    .option('--out <url>', 'a query job: where its records go (file:// or s3:// URL; default the staging store)')
    .option('--workflow-id <id>', 'default bulk-adopt-<jobId>: adopting the job again attaches to it')
    .option('--task-queue <name>', 'task queue of the bulkflow workers (default BULKFLOW_TASK_QUEUE or bulkflow)')
    .option('--no-wait', 'start following the job and return the workflow id at once')
    .option('--wait-for-worker', 'start even when no worker polls the task queue, and wait for one')
    .option('--json', 'machine-readable output')
    .action(async (jobId: string, flags: AdoptFlags, command: Command) => {
      if (flags.out && !isUrl(flags.out) && !flags.out.startsWith('file://')) {
        command.error('error: --out takes a file:// or s3:// URL', { exitCode: 2, code: 'bulkflow.usage' });
      }
      const { startBulkAdopt } = await import('../client/starters.js');
      const { waitWithProgress } = await import('./wait.js');
      const taskQueue = taskQueueOf(flags);
      const client = await connectFromEnv();
      try {
        await ensureWorker(client, taskQueue, flags);
        const handle = await startBulkAdopt(
          client,
          { jobId, ...(flags.out ? { destination: { url: flags.out } } : {}) },
          { ...(flags.workflowId ? { workflowId: flags.workflowId } : {}), taskQueue },
        );
        if (!flags.wait && !handle.attachedTo) {
          if (flags.json) printJson({ workflowId: handle.workflowId, runId: handle.firstExecutionRunId });
          else process.stdout.write(`started ${handle.workflowId}\n`);
          return;
        }
        const result: BulkAdoptResult = await waitWithProgress(handle, {
          quiet: Boolean(flags.json),
          workerGone: () => noWorkerMessage(client, taskQueue),
        }).catch((err: unknown) => {
          throw new CommandFailure(err, handle.workflowId);
        });
        const shown = { ...result, ...attachedBefore(handle) };
        if (flags.json) printJson({ workflowId: handle.workflowId, ...shown });
        else process.stdout.write(formatAdoptSummary(handle.workflowId, result));
        process.exitCode = exitCodeFor(result);
      } finally {
        await client.connection.close();
      }
    });
}
