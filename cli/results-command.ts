import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { BulkflowError, ErrorCode } from '../common/errors.js';
import type { BulkIngestResult, BulkQueryResult } from '../workflows/contract.js';
import { printJson } from './output.js';
import { connectFromEnv } from './temporal.js';

interface Copied {
  kind: string;
  from: string;
  to: string;
  rows: number;
}

/** The result files of an ingest (successful/failed/unprocessed per job) or a query (records, or split files). */
function resultFiles(result: BulkIngestResult | BulkQueryResult): Array<{ name: string; url: string; rows: number }> {
  const files: Array<{ name: string; url: string; rows: number }> = [];
  for (const [kind, refs] of Object.entries(result.results) as Array<[string, unknown]>) {
    const list = Array.isArray(refs)
      ? (refs as Array<{ url: string; rows: number }>)
      : refs
        ? [refs as { url: string; rows: number }]
        : [];
    list.forEach((ref, i) => {
      // A query's records may be JSON lines: the copy keeps the file's extension.
      const ext = path.extname(new URL(ref.url).pathname) || '.csv';
      files.push({ name: list.length > 1 ? `${kind}-${i + 1}${ext}` : `${kind}${ext}`, ...ref });
    });
  }
  return files;
}

export function registerResultsCommand(program: Command): void {
  program
    .command('results <workflowId>')
    .description("Copy a finished bulk workflow's result files (from file:// or s3:// staging) into a folder")
    .requiredOption('--out-dir <dir>', 'folder to write the CSV files to')
    .option('--json', 'machine-readable output')
    .action(async (workflowId: string, flags: { outDir: string; json?: boolean }) => {
      const { openSource } = await import('../storage/input-sources.js');
      const client = await connectFromEnv();
      try {
        const handle = client.workflow.getHandle(workflowId);
        // A running workflow has no results yet: say so rather than wait for it in silence.
        if ((await handle.describe()).status.name === 'RUNNING') {
          throw new BulkflowError(
            ErrorCode.NotFinished,
            `Workflow ${workflowId} is still running, so it has no results yet. Follow it with ` +
              `\`bulkflow status ${workflowId}\`, then run this again when it has ended.`,
          );
        }
        const result = (await handle.result()) as BulkIngestResult | BulkQueryResult;
        mkdirSync(flags.outDir, { recursive: true });
        const copied: Copied[] = [];
        for (const file of resultFiles(result)) {
          const to = path.join(flags.outDir, file.name);
          await pipeline(await openSource(file.url), createWriteStream(to));
          copied.push({ kind: file.name.replace(/(-\d+)?\.[a-z]+$/, ''), from: file.url, to, rows: file.rows });
        }
        if (flags.json) printJson({ workflowId, state: result.state, files: copied });
        else for (const c of copied) process.stdout.write(`${c.to}: ${c.rows} rows\n`);
      } finally {
        await client.connection.close();
      }
    });
}
