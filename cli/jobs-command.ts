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
    .description(
      "Abort bulkflow's ingest jobs still Open long after creation (2.0 jobs, which hold no processed data, and v1 " +
        'jobs without batches); jobs bulkflow did not create (per the job index in BULKFLOW_STAGING_URL) are left alone',
    )
    .option('--older-than <minutes>', 'only jobs created more than this many minutes ago', minutes, 60)
    .option('--dry-run', 'list them without aborting')
    .option('--json', 'machine-readable output')
    .action(async (flags: { olderThan: number; dryRun?: boolean; json?: boolean }) => {
      const [{ createSalesforceClient, salesforceOptionsFromEnv, sweepOrphanedIngestJobs }, storage, ledger] =
        await Promise.all([
          import('../salesforce/index.js'),
          import('../storage/index.js'),
          import('../storage/run-ledger.js'),
        ]);
      const sf = createSalesforceClient(salesforceOptionsFromEnv());
      // bulkflow's jobs are those its workers recorded when Salesforce answered their create.
      const ownJobs = await ledger.recordedJobIndex(storage.stagingStoreFromEnv());
      const swept = await sweepOrphanedIngestJobs(sf, {
        olderThanMs: flags.olderThan * 60_000,
        ownJobs,
        ...(flags.dryRun ? { dryRun: true } : {}),
      });
      if (flags.json) printJson({ swept });
      else if (swept.length === 0) process.stdout.write(`no orphaned Open jobs among bulkflow's ${ownJobs.size}\n`);
      else {
        for (const j of swept) {
          process.stdout.write(
            `${j.aborted ? 'aborted' : 'would abort'} ${j.id} (Bulk ${j.api} ${j.operation} ${j.object}, created ${j.createdDate})\n`,
          );
        }
      }
    });
}
