/**
 * `bulkflow sync`: incremental exports. `sync export` starts one (or finds the one running under its id), the
 * others steer it and show where it stands.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { IncrementalSyncHandle } from '../client/incremental-sync.js';
import type { SyncStatus, SyncTiming } from '../workflows/sync-contract.js';
import { printJson } from './output.js';
import { taskQueueOf } from './start-and-wait.js';
import { connectFromEnv } from './temporal.js';

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `15m`, `1h`, `1d` → milliseconds. */
export function parseDuration(value: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('a duration like 30s, 15m, 1h or 1d');
  return Number(match[1]) * (UNITS[match[2] as string] as number);
}

interface ExportFlags {
  object: string;
  fields: string;
  to: string;
  every?: number;
  cron?: string;
  lookback?: number;
  maxRowsPerFile?: number;
  workflowId?: string;
  taskQueue?: string;
  json?: boolean;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number, 1 or more');
  return n;
}

function formatSyncStatus(workflowId: string, s: SyncStatus): string {
  const lines = [`${workflowId}: incremental export of ${s.object}${s.paused ? ' (paused)' : ''}`];
  lines.push(
    `  bookmark: ${s.bookmark ? `${s.bookmark.systemModstamp} ${s.bookmark.id}` : 'none (next cycle is a full export)'}`,
  );
  if (s.running) lines.push(`  cycle ${s.running.cycle} running since ${s.running.startedAt}`);
  else if (s.nextDueAt) lines.push(`  cycle ${s.nextCycle} due at ${s.nextDueAt}`);
  const last = s.lastCycle;
  if (last) {
    const counts = `${last.counts.changed} changed, ${last.counts.deleted} deleted, ${last.counts.deferred} deferred`;
    lines.push(`  last cycle ${last.cycle}: ${last.state} at ${last.endedAt}, ${counts}, ${last.files.length} file(s)`);
    if (last.folder) lines.push(`    ${last.folder}`);
    if (last.failureMessage) lines.push(`    ${last.failureMessage}`);
  }
  const t = s.totals;
  lines.push(`  totals: ${t.completed} cycles, ${t.failed} failed, ${t.changed} changed, ${t.deleted} deleted`);
  return `${lines.join('\n')}\n`;
}

/** Connects, runs `fn` on the sync's handle, closes. */
async function withSync(workflowId: string, fn: (sync: IncrementalSyncHandle) => Promise<void>): Promise<void> {
  const { getIncrementalSync } = await import('../client/incremental-sync.js');
  const client = await connectFromEnv();
  try {
    await fn(getIncrementalSync(client, workflowId));
  } finally {
    await client.connection.close();
  }
}

export function registerSyncCommand(program: Command): void {
  const sync = program
    .command('sync')
    .description('Incremental exports: the changes since the last cycle, on a timetable');

  sync
    .command('export')
    .description('Start an incremental export (a full export first), or show the one running under its id')
    .requiredOption('--object <name>', 'the sObject, e.g. Contact')
    .requiredOption('--fields <list>', 'comma-separated fields; Id, SystemModstamp and IsDeleted are always added')
    .requiredOption('--to <url>', 'where cycles write: s3://bucket/prefix or file:///folder')
    .option('--every <duration>', 'a cycle every 30s, 15m, 1h, 1d…', parseDuration)
    .option('--cron <expression>', 'cycles at these minutes: five fields, UTC, e.g. "0 * * * *"')
    .option('--lookback <duration>', 'read this much before the bookmark again (late commits)', parseDuration)
    .option('--max-rows-per-file <n>', 'rows per output file', positive)
    .option('--workflow-id <id>', 'the sync id (default incremental-export-<object>)')
    .option('--task-queue <name>', 'task queue of the bulkflow workers (default BULKFLOW_TASK_QUEUE or bulkflow)')
    .option('--json', 'machine-readable output')
    .action(async (flags: ExportFlags, command: Command) => {
      if ((flags.every === undefined) === (flags.cron === undefined)) {
        command.error('error: give one of --every or --cron', { exitCode: 2, code: 'bulkflow.usage' });
      }
      const timing: SyncTiming = flags.cron !== undefined ? { cron: flags.cron } : { everyMs: flags.every as number };
      const { createIncrementalSync } = await import('../client/incremental-sync.js');
      const client = await connectFromEnv();
      try {
        const handle = await createIncrementalSync(
          client,
          {
            object: flags.object,
            fields: flags.fields
              .split(',')
              .map((f) => f.trim())
              .filter(Boolean),
            to: flags.to,
            timing,
            ...(flags.lookback ? { lookbackMs: flags.lookback } : {}),
            ...(flags.maxRowsPerFile ? { maxRowsPerFile: flags.maxRowsPerFile } : {}),
          },
          { taskQueue: taskQueueOf(flags), ...(flags.workflowId ? { workflowId: flags.workflowId } : {}) },
        );
        if (flags.json) printJson({ workflowId: handle.workflowId, started: handle.started });
        else {
          const what = handle.started ? 'started' : 'already running (its input is unchanged)';
          process.stdout.write(`${handle.workflowId}: ${what}\n`);
        }
      } finally {
        await client.connection.close();
      }
    });

  sync
    .command('status <workflowId>')
    .description("A sync's bookmark, next cycle, last cycle and its counts")
    .option('--json', 'machine-readable output')
    .action((workflowId: string, flags: { json?: boolean }) =>
      withSync(workflowId, async (s) => {
        const status = await s.status();
        if (flags.json) printJson({ workflowId, ...status });
        else process.stdout.write(formatSyncStatus(workflowId, status));
      }),
    );

  const steer = (name: string, description: string, act: (s: IncrementalSyncHandle) => Promise<unknown>) =>
    sync
      .command(`${name} <workflowId>`)
      .description(description)
      .option('--json', 'machine-readable output')
      .action((workflowId: string, flags: { json?: boolean }) =>
        withSync(workflowId, async (s) => {
          await act(s);
          if (flags.json) printJson({ workflowId, requested: name });
          else process.stdout.write(`${name} requested for ${workflowId}\n`);
        }),
      );
  steer('pause', 'No cycle starts until resume (a cycle in flight finishes)', (s) => s.pause());
  steer('resume', 'Resume a paused sync', (s) => s.resume());
  steer('run', 'Run a cycle now, outside the timetable', (s) => s.runNow());

  sync
    .command('reset <workflowId>')
    .description('Replace the bookmark: a full export next, or --stamp and --id to start after them')
    .option('--stamp <iso>', 'SystemModstamp of the bookmark, e.g. 2026-12-01T00:00:00Z')
    .option('--id <id>', 'Id of the bookmark (records of that stamp after it are exported)')
    .option('--json', 'machine-readable output')
    .action((workflowId: string, flags: { stamp?: string; id?: string; json?: boolean }, command: Command) => {
      if ((flags.stamp === undefined) !== (flags.id === undefined)) {
        command.error('error: --stamp and --id go together', { exitCode: 2, code: 'bulkflow.usage' });
      }
      return withSync(workflowId, async (s) => {
        const bookmark = flags.stamp && flags.id ? { systemModstamp: flags.stamp, id: flags.id } : undefined;
        const { previous } = await s.resetBookmark(bookmark);
        if (flags.json) printJson({ workflowId, previous, bookmark });
        else
          process.stdout.write(
            `${workflowId}: bookmark reset (was ${previous ? `${previous.systemModstamp} ${previous.id}` : 'none'})\n`,
          );
      });
    });
}
