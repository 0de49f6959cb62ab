import type { BulkflowErrorInfo } from '../client/errors.js';
import { BulkflowError, ErrorCode, ErrorSource, FailureType } from '../common/errors.js';
import { redact } from '../salesforce/core/redact.js';
import type {
  BulkAdoptResult,
  BulkIngestResult,
  BulkProgress,
  BulkQueryResult,
  DryRunReport,
  PhaseTimings,
} from '../workflows/contract.js';

/** Exit codes: 0 completed, 1 error or failed job, 2 usage, 3 aborted. */
export const ExitCode = { Ok: 0, Failed: 1, Usage: 2, Aborted: 3 } as const;

export function exitCodeFor(result: Pick<BulkIngestResult, 'state'>): number {
  if (result.state === 'Completed') return ExitCode.Ok;
  return result.state === 'Aborted' ? ExitCode.Aborted : ExitCode.Failed;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** "loaded before": this start or run returned an earlier run's result and loaded nothing. */
function completedBeforeLine(result: Pick<BulkIngestResult, 'completedBefore'>, what: string): string[] {
  const before = result.completedBefore;
  return before ? [`  ${what} before, by run ${before.runId} at ${before.completedAt}: nothing was ${what} again`] : [];
}

export function formatIngestSummary(workflowId: string, result: BulkIngestResult): string {
  if (result.dryRun) return formatDryRun(workflowId, result, result.dryRun);
  const { records: r } = result;
  const before = r.loadedBefore ? `, ${r.loadedBefore} loaded by earlier runs` : '';
  const lines = [
    `${result.operation} ${result.object}: ${result.state} (workflow ${workflowId})`,
    ...completedBeforeLine(result, 'loaded'),
    `  rows: ${r.total} total, ${r.successful} successful, ${r.failed} failed, ${r.unprocessed} unprocessed${before}`,
    `  Salesforce jobs: ${result.jobs.map((j) => `${j.id} (${j.state})`).join(', ') || 'none'}`,
  ];
  if (result.retries) {
    lines.push(`  retried: ${result.retries.rows} rows after lock failures, up to ${result.retries.attempts} attempts`);
  }
  if (result.timings) lines.push(`  time: ${formatTimings(result.timings)}`);
  if (result.abortReason) {
    const during = result.abortedDuring ? ` (while ${result.abortedDuring})` : '';
    lines.push(`  aborted${during}: ${result.abortReason}`);
  }
  if (result.failureMessage) lines.push(`  failure: ${result.failureMessage}`);
  for (const [kind, refs] of Object.entries(result.results)) {
    for (const ref of refs) {
      const attempt = ref.attempt ? `, attempt ${ref.attempt}` : '';
      lines.push(`  ${kind} results: ${ref.url} (${ref.rows} rows${attempt})`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** What a dry run found: the work a real run would do, then each problem it would refuse, as its error would read. */
function formatDryRun(workflowId: string, result: BulkIngestResult, report: DryRunReport): string {
  const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  const units = report.units.map((u) => u.rows).join(', ');
  const verdict = report.problems.length
    ? `a real run would fail: ${plural(report.problems.length, 'problem')}`
    : 'a real run would start';
  const lines = [
    `dry run of ${result.operation} ${result.object}: ${verdict}; no Salesforce job was created (workflow ${workflowId})`,
    ...(report.readWhole
      ? [
          `  rows: ${report.rows}`,
          `  Salesforce jobs it would create: ${report.jobs}; upload units: ${report.units.length}${units ? ` (${units} rows)` : ''}`,
          `  daily allowances it would use: ${report.batchesNeeded} Bulk batches, about ${report.apiCallsNeeded} API calls`,
        ]
      : ['  rows, units and jobs: not counted, a problem in the file stopped the reading']),
  ];
  for (const problem of report.problems) {
    const where = problem.file ? `${problem.file}: ` : '';
    lines.push(`  problem ${problem.code}: ${where}${redact(oneLine(problem.message))}`);
  }
  return `${lines.join('\n')}\n`;
}

export function formatQuerySummary(workflowId: string, result: BulkQueryResult): string {
  const { records, files } = result.results;
  const where = records
    ? ` to ${records.url}`
    : files
      ? ` to ${files.length} ${files.length === 1 ? 'file' : 'files'}`
      : '';
  const lines = [
    `${result.state}: ${result.records.total} records${where} (workflow ${workflowId})`,
    ...completedBeforeLine(result, 'run'),
    ...(files ?? []).map((file) => `  ${file.url} (${file.rows} records)`),
  ];
  if (result.timings) lines.push(`  time: ${formatTimings(result.timings)}`);
  if (result.abortReason) lines.push(`  aborted: ${result.abortReason}`);
  if (result.failureMessage) lines.push(`  failure: ${result.failureMessage}`);
  return `${lines.join('\n')}\n`;
}

/** `Completed: ingest of Contact (insert), 1000 rows: 990 successful, 10 failed, 0 unprocessed (workflow …)`. */
export function formatAdoptSummary(workflowId: string, result: BulkAdoptResult): string {
  const { records, results } = result;
  const counts =
    result.kind === 'ingest'
      ? `${records.total} rows: ${records.successful ?? 0} successful, ${records.failed ?? 0} failed, ${records.unprocessed ?? 0} unprocessed`
      : `${records.total} records`;
  const lines = [
    `${result.state}: ${result.kind} of ${result.object} (${result.operation}), ${counts} (workflow ${workflowId})`,
  ];
  for (const [kind, file] of Object.entries(results)) if (file) lines.push(`  ${kind}: ${file.url}`);
  if (result.timings) lines.push(`  time: ${formatTimings(result.timings)}`);
  if (result.abortReason) lines.push(`  aborted: ${result.abortReason}`);
  if (result.failureMessage) lines.push(`  failure: ${result.failureMessage}`);
  return `${lines.join('\n')}\n`;
}

/** `12.6 s in all: staging 2.7 s, upload 0.1 s, Salesforce 8.9 s, download 0.8 s` (phases that took time). */
export function formatTimings(t: PhaseTimings): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const phases: Array<[string, number]> = [
    ['staging', t.stagingMs],
    ['upload', t.uploadMs],
    ['Salesforce', t.processingMs],
    ['download', t.downloadMs],
  ];
  const parts = phases.filter(([, ms]) => ms > 0).map(([name, ms]) => `${name} ${s(ms)}`);
  return `${s(t.totalMs)} in all${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

/** A failure of a command, with the workflow it happened in when there was one, and a hint when there is one. */
export class CommandFailure extends Error {
  constructor(
    override readonly cause: unknown,
    readonly workflowId?: string,
    readonly hint?: string,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'CommandFailure';
  }
}

/** What the command line reports for an error: the root cause and where it happened. */
export type ReportedError = BulkflowErrorInfo & { workflowId?: string; hint?: string };

/**
 * The root cause of what a command threw (see `bulkflowErrorOf`), with its workflow id. It loads the Temporal
 * client only now, on the error path, so commands that never fail that way (`--version`, `--help`) skip it.
 */
export async function reportedErrorOf(err: unknown): Promise<ReportedError> {
  const { bulkflowErrorOf } = await import('../client/errors.js');
  const inner = err instanceof CommandFailure ? err.cause : err;
  const extra =
    err instanceof CommandFailure
      ? { ...(err.workflowId ? { workflowId: err.workflowId } : {}), ...(err.hint ? { hint: err.hint } : {}) }
      : {};
  return { ...bulkflowErrorOf(await refusedAsSuch(inner)), ...extra };
}

/**
 * A call the Temporal server refused after the connection check let it through (a server that asks for no key
 * to answer that check, then refuses every call without one) as the same {@link TemporalRefusedError} a refused
 * connection is: the gRPC error alone names neither the server nor what to check.
 */
async function refusedAsSuch(err: unknown): Promise<unknown> {
  if (err instanceof BulkflowError) return err;
  const { credentialsRefusal, TemporalRefusedError, temporalTargetFromEnv } = await import('../client/connection.js');
  if (!credentialsRefusal(err)) return err;
  try {
    return new TemporalRefusedError(temporalTargetFromEnv(), err, credentialsRefusal(err));
  } catch {
    return err;
  }
}

/** A usage error (bad flags), in the same shape as other errors. */
export function usageError(message: string): ReportedError {
  return {
    type: FailureType.Usage,
    code: ErrorCode.Usage,
    source: ErrorSource.Input,
    message: message.replace(/^error: /, ''),
    retryable: false,
  };
}

/** Exit code for an error: 3 when the workflow was cancelled, 2 for usage, else 1. */
export function exitCodeForError(error: Pick<ReportedError, 'code'>): number {
  if (error.code === 'CANCELLED') return ExitCode.Aborted;
  return error.code === ErrorCode.Usage ? ExitCode.Usage : ExitCode.Failed;
}

/**
 * Salesforce's SOQL errors come in lines: the query, a caret, `ERROR at Row:R:Column:C`, the reason. On one line
 * that reads best as the reason and where.
 */
function oneLine(message: string): string {
  if (!message.includes('\n')) return message;
  const lines = message.split('\n').map((l) => l.trim());
  const at = lines.findIndex((l) => /^ERROR at Row:\d+:Column:\d+$/.test(l));
  if (at >= 0) {
    const [, row, column] = /Row:(\d+):Column:(\d+)/.exec(lines[at] ?? '') ?? [];
    const reason = lines
      .slice(at + 1)
      .filter(Boolean)
      .join(' ');
    return `${lines[0] ?? ''} ${reason} (at row ${row}, column ${column} of the query)`.replace(/\s+/g, ' ').trim();
  }
  return lines.filter((l) => l && !/^\^+$/.test(l)).join(' ');
}

/**
 * An error for a person: the cause (with the file it is in) on one line, then its type, code and workflow, so
 * that it can be looked up in docs/bad-input.md or the Temporal UI. No stack trace.
 */
export function formatError(error: ReportedError): string {
  const where = error.file && !error.message.includes(error.file) ? `${error.file}: ` : '';
  const facts = [
    error.type,
    error.type === `bulkflow.${error.code}` ? '' : error.code,
    error.salesforceErrorCode ? `Salesforce ${error.salesforceErrorCode}` : '',
    error.workflowId ? `workflow ${error.workflowId}` : '',
  ].filter(Boolean);
  const hint = error.hint ? `  ${error.hint}\n` : '';
  return `bulkflow: ${where}${redact(oneLine(error.message))}\n  (${facts.join(', ')})\n${hint}`;
}

/** Keys of the `--json` error object, in the order a reader wants them. */
const ERROR_KEYS: ReadonlyArray<keyof ReportedError> = [
  'type',
  'code',
  'source',
  'message',
  'errorCode',
  'salesforceErrorCode',
  'salesforceMessage',
  'statusCode',
  'file',
  'row',
  'column',
  'field',
  'fields',
  'byteOffset',
  'option',
  'retryable',
  'workflowId',
  'hint',
];

/** Prints an error: `{ "error": { … } }` on stdout with `--json`, else {@link formatError} on stderr. */
export function printError(error: ReportedError, json: boolean): void {
  if (!json) {
    process.stderr.write(formatError(error));
    return;
  }
  const shown: Record<string, unknown> = {};
  for (const key of ERROR_KEYS) if (error[key] !== undefined) shown[key] = error[key];
  shown['message'] = redact(error.message);
  printJson({ error: shown });
}

/** The state and row counts of a progress report; before the input is read its row count is not known yet. */
export function rowsLine(p: Pick<BulkProgress, 'state' | 'records'>): string {
  if (p.records.total === 0 && p.records.processed === 0 && p.state === 'Preparing')
    return `${p.state}: reading and checking the input`;
  return `${p.state}: ${p.records.processed}/${p.records.total} rows processed, ${p.records.failed} failed`;
}
