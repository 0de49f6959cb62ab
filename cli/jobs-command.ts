import { InvalidArgumentError, type Command } from 'commander';
import { printJson } from './output.js';

function minutes(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('a number of minutes, 0 or more');
  return n;
}

export function registerJobsCommand(program: Command): void {
  const jobs = program
    .command('jobs')
    .description('Salesforce-side maintenance (SF_* credentials from the environment)');
  jobs
    .command('sweep')
    .description('Abort Bulk 2.0 ingest jobs still Open (so holding no processed data) long after creation')
    .option('--older-than <minutes>', 'only jobs created more than this many minutes ago', minutes, 60)
    .option('--dry-run', 'list them without aborting')
    .option('--json', 'machine-readable output')
    .action(async (flags: { olderThan: number; dryRun?: boolean; json?: boolean }) => {
      const { createSalesforceClient, salesforceOptionsFromEnv, sweepOrphanedIngestJobs } =
        await import('../salesforce/index.js');
      const sf = createSalesforceClient(salesforceOptionsFromEnv());
      const swept = await sweepOrphanedIngestJobs(sf, {
        olderThanMs: flags.olderThan * 60_000,
        ...(flags.dryRun ? { dryRun: true } : {}),
      });
      if (flags.json) printJson({ swept });
      else if (swept.length === 0) process.stdout.write('no orphaned Open jobs\n');
      else {
        for (const j of swept) {
          process.stdout.write(
            `${j.aborted ? 'aborted' : 'would abort'} ${j.id} (${j.operation} ${j.object}, created ${j.createdDate})\n`,
          );
        }
      }
    });
}
