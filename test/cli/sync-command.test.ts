import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommanderError } from 'commander';
import { buildProgram } from '../../cli/main.js';
import { parseDuration } from '../../cli/sync-command.js';

/** Parses a command line without running past its checks; answers the usage error, if any. */
async function usageOf(args: string[]): Promise<CommanderError | undefined> {
  const program = buildProgram();
  program.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  for (const command of program.commands) command.exitOverride().configureOutput({ writeErr: () => undefined });
  const sync = program.commands.find((c) => c.name() === 'sync');
  for (const command of sync?.commands ?? []) command.exitOverride().configureOutput({ writeErr: () => undefined });
  try {
    await program.parseAsync(['node', 'bulkflow', ...args]);
    return undefined;
  } catch (err) {
    if (err instanceof CommanderError) return err;
    throw err;
  }
}

describe('bulkflow sync', () => {
  it('reads durations as operators write them', () => {
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration('15m'), 900_000);
    assert.equal(parseDuration('1h'), 3_600_000);
    assert.equal(parseDuration('2d'), 172_800_000);
    assert.throws(() => parseDuration('1 hour'), /a duration like/);
  });

  it('needs exactly one of --every and --cron', async () => {
    const base = ['sync', 'export', '--object', 'Contact', '--fields', 'LastName', '--to', 's3://b/p'];
    assert.match((await usageOf(base))?.message ?? '', /one of --every or --cron/);
    assert.match((await usageOf([...base, '--every', '1h', '--cron', '0 * * * *']))?.message ?? '', /one of/);
    assert.match((await usageOf([...base, '--every', 'hourly']))?.message ?? '', /a duration like/);
  });

  it('takes a reset bookmark whole or not at all', async () => {
    const error = await usageOf(['sync', 'reset', 'sync-1', '--stamp', '2026-12-01T00:00:00Z']);
    assert.match(error?.message ?? '', /--stamp and --id go together/);
  });
});
