/**
 * The three result files of an ingest job. Each has a header line even when empty; sf__ columns come first,
 * then the original columns as uploaded; every value is double-quoted.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/get_job_successful_results.htm
 */
import { DELIMITER_CHARACTERS, newlineOf, quoteCsv, writeCsv } from './csv.js';
import { TERMINAL_STATES } from './ingest-jobs.js';
import type { IngestJob } from './ingest-jobs.js';

/** Which result file. */
export const ResultKind = {
  Successful: 'successful',
  Failed: 'failed',
  Unprocessed: 'unprocessed',
} as const;
export type ResultKind = (typeof ResultKind)[keyof typeof ResultKind];

function headerLine(job: IngestJob, sfColumns: readonly string[]): string {
  const delimiter = DELIMITER_CHARACTERS[job.columnDelimiter];
  const original = job.upload?.headerLine ?? '';
  return [...sfColumns.map(quoteCsv), ...(original === '' ? [] : [original])].join(delimiter);
}

function* successfulRows(job: IngestJob): Generator<string[]> {
  for (const [index, outcome] of job.outcomes.entries()) {
    if (outcome?.success) yield [outcome.id, String(outcome.created), ...(job.upload?.rows[index] ?? [])];
  }
}

function* failedRows(job: IngestJob): Generator<string[]> {
  for (const [index, outcome] of job.outcomes.entries()) {
    if (outcome && !outcome.success) yield [outcome.id, outcome.error, ...(job.upload?.rows[index] ?? [])];
  }
}

/** Rows that will never be processed: only known once the job has stopped. */
function* unprocessedRows(job: IngestJob): Generator<string[]> {
  if (!TERMINAL_STATES.includes(job.state)) return;
  for (const [index, row] of (job.upload?.rows ?? []).entries()) {
    if (job.outcomes[index] === undefined) yield row;
  }
}

/** The CSV text of one result file. */
export function resultCsv(job: IngestJob, kind: ResultKind): string {
  const delimiter = DELIMITER_CHARACTERS[job.columnDelimiter];
  const newline = newlineOf(job.lineEnding);
  switch (kind) {
    case ResultKind.Successful:
      return writeCsv(headerLine(job, ['sf__Id', 'sf__Created']), successfulRows(job), delimiter, newline);
    case ResultKind.Failed:
      return writeCsv(headerLine(job, ['sf__Id', 'sf__Error']), failedRows(job), delimiter, newline);
    case ResultKind.Unprocessed:
      if (!job.upload) return '';
      return writeCsv(headerLine(job, []), unprocessedRows(job), delimiter, newline);
  }
}
