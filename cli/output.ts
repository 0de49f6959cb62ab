import type { BulkIngestResult } from '../workflows/contract.js';

/** Exit codes: 0 completed, 1 error or failed job, 2 usage, 3 aborted. */
export const ExitCode = { Ok: 0, Failed: 1, Usage: 2, Aborted: 3 } as const;

export function exitCodeFor(result: Pick<BulkIngestResult, 'state'>): number {
  if (result.state === 'Completed') return ExitCode.Ok;
  return result.state === 'Aborted' ? ExitCode.Aborted : ExitCode.Failed;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function formatIngestSummary(workflowId: string, result: BulkIngestResult): string {
  const { records: r } = result;
  const lines = [
    `${result.operation} ${result.object}: ${result.state} (workflow ${workflowId})`,
    `  rows: ${r.total} total, ${r.successful} successful, ${r.failed} failed, ${r.unprocessed} unprocessed`,
    `  Salesforce jobs: ${result.jobs.map((j) => `${j.id} (${j.state})`).join(', ') || 'none'}`,
  ];
  if (result.abortReason) lines.push(`  aborted: ${result.abortReason}`);
  if (result.failureMessage) lines.push(`  failure: ${result.failureMessage}`);
  for (const [kind, refs] of Object.entries(result.results)) {
    for (const ref of refs) lines.push(`  ${kind} results: ${ref.url} (${ref.rows} rows)`);
  }
  return `${lines.join('\n')}\n`;
}
