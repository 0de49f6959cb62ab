import type { Command } from 'commander';
import type { BulkWorkflowStatus, PendingStep } from '../client/inspect.js';
import type { BulkAdoptResult, BulkIngestResult, BulkQueryResult } from '../workflows/contract.js';
import {
  ExitCode,
  exitCodeFor,
  exitCodeForError,
  formatError,
  formatAdoptSummary,
  formatIngestSummary,
  formatQuerySummary,
  printJson,
  rowsLine,
} from './output.js';
import { connectFromEnv } from './temporal.js';

/** The exit code of a status: as `ingest` would end (0, 1 failed, 3 aborted); 0 while it runs. */
function statusExitCode(status: BulkWorkflowStatus): number {
  if (status.result) return exitCodeFor(status.result);
  if (status.status === 'Canceled') return ExitCode.Aborted;
  if (status.error) return exitCodeForError(status.error);
  return ExitCode.Ok;
}

const time = (iso: string) => new Date(iso).toISOString().slice(11, 19);

/** `  step stageIngestInput (attempt 5): waiting to retry at 19:42:10 (in 35 s)` and its last failure. */
function formatStep(step: PendingStep, ownWorkflow: string): string {
  const where = step.workflowId === ownWorkflow ? '' : ` in ${step.workflowId}`;
  const lines = [`  step ${step.step}${where} (attempt ${step.attempt}): ${stepState(step)}`];
  if (step.lastFailure) {
    const cause = formatError(step.lastFailure)
      .trimEnd()
      .replace(/^bulkflow: /, '');
    lines.push(`    last failure: ${cause.replace(/\n\s*/g, ' ')}`);
  }
  return lines.join('\n');
}

/** Where a pending step is: running, waiting for its next retry, or waiting for a worker to take it. */
function stepState(step: PendingStep): string {
  const next = step.nextAttemptAt ? new Date(step.nextAttemptAt).getTime() : undefined;
  if (step.state === 'Started') {
    const since = step.lastStartedAt ? ` since ${time(step.lastStartedAt)}` : '';
    return `running${since}${step.lastWorker ? ` on ${step.lastWorker}` : ''}`;
  }
  if (step.state !== 'Scheduled') return step.state;
  if (next !== undefined && next > Date.now()) {
    return `waiting to retry at ${time(step.nextAttemptAt ?? '')} (in ${Math.round((next - Date.now()) / 1000)} s)`;
  }
  return step.attempt > 1 ? 'retry due, waiting for a worker to take it' : 'waiting for a worker to take it';
}

function formatStatus(status: BulkWorkflowStatus): string {
  const { workflowId } = status;
  const ended = status.closedAt ? `, ended ${status.closedAt}` : '';
  const head = `${workflowId}: ${status.status} (${status.type} on task queue ${status.taskQueue}, started ${status.startedAt}${ended})\n`;
  if (status.result) {
    if (status.type === 'bulkAdoptWorkflow') return formatAdoptSummary(workflowId, status.result as BulkAdoptResult);
    return status.type === 'bulkQueryWorkflow'
      ? formatQuerySummary(workflowId, status.result as BulkQueryResult)
      : formatIngestSummary(workflowId, status.result as BulkIngestResult);
  }
  if (status.error) return head + formatError({ ...status.error, workflowId });
  const lines = [head.trimEnd()];
  const p = status.progress;
  if (p) {
    lines.push(`  ${rowsLine(p)}`);
    for (const job of p.jobs)
      lines.push(`  job ${job.id} (Bulk ${job.api}): ${job.state}, ${job.recordsProcessed} processed`);
    if (p.abortReason) lines.push(`  abort requested: ${p.abortReason}`);
  }
  for (const step of status.steps) lines.push(formatStep(step, workflowId));
  if (status.worker && !status.worker.polling) {
    lines.push(
      `  no worker polls task queue "${status.worker.taskQueue}" in namespace "${status.worker.namespace}": ` +
        'the workflow waits for one (start one with `bulkflow worker`)',
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `status --json`: the progress fields at the top (`state`, `jobs`, `records`, `abortReason`), as they have
 * always been, beside Temporal's status, the pending steps, the worker check, and the result or the error.
 */
function statusJson(status: BulkWorkflowStatus): Record<string, unknown> {
  const { progress, ...rest } = status;
  return { ...rest, ...(progress ?? (status.result ? { state: status.result.state } : {})) };
}

export function registerJobCommands(program: Command): void {
  program
    .command('status <workflowId>')
    .description(
      "Show a bulk workflow's state: progress and the step it is on (with its attempts and last failure), " +
        'or its result, or why it failed. Exit code as for ingest: 0, 1 failed, 3 aborted',
    )
    .option('--json', 'machine-readable output')
    .action(async (workflowId: string, flags: { json?: boolean }) => {
      const { describeBulkWorkflow } = await import('../client/inspect.js');
      const client = await connectFromEnv();
      try {
        const status = await describeBulkWorkflow(client, workflowId);
        if (flags.json) printJson(statusJson(status));
        else process.stdout.write(formatStatus(status));
        process.exitCode = statusExitCode(status);
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
