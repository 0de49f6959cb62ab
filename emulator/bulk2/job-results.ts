/**
 * The three result files of an ingest job. Each has a header line even when empty; sf__ columns come first,
 * then the original columns as uploaded; every value is double-quoted.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/get_job_successful_results.htm
 */
import { DELIMITER_CHARACTERS, csvBlocks, newlineOf, quoteCsv } from './csv.js';
import { TERMINAL_STATES } from './ingest-jobs.js';
import type { IngestJob } from './ingest-jobs.js';

/** Which result file. */
export const ResultKind = {
  Successful: 'successful',
  Failed: 'failed',
  Unprocessed: 'unprocessed',
} as const;
export type ResultKind = (typeof ResultKind)[keyof typeof ResultKind];

/** What a result file is made of, read when the request arrives: later processing does not change it. */
interface ResultSource {
  delimiter: string;
  newline: string;
  upload: IngestJob['upload'];
  outcomes: IngestJob['outcomes'];
  terminal: boolean;
}

function sourceOf(job: IngestJob): ResultSource {
  return {
    delimiter: DELIMITER_CHARACTERS[job.columnDelimiter],
    newline: newlineOf(job.lineEnding),
    upload: job.upload,
    // A running job gains outcomes as it works; the file holds those it had when asked.
    outcomes: job.outcomes.slice(),
    terminal: TERMINAL_STATES.includes(job.state),
  };
}

function headerLine(source: ResultSource, sfColumns: readonly string[]): string {
  const original = source.upload?.headerLine ?? '';
  return [...sfColumns.map(quoteCsv), ...(original === '' ? [] : [original])].join(source.delimiter);
}

function* successfulRows({ outcomes, upload }: ResultSource): Generator<string[]> {
  for (const [index, outcome] of outcomes.entries()) {
    if (outcome?.success) yield [outcome.id, String(outcome.created), ...(upload?.rows[index] ?? [])];
  }
}

function* failedRows({ outcomes, upload }: ResultSource): Generator<string[]> {
  for (const [index, outcome] of outcomes.entries()) {
    if (outcome && !outcome.success) yield [outcome.id, outcome.error, ...(upload?.rows[index] ?? [])];
  }
}

/** Rows that will never be processed: only known once the job has stopped. */
function* unprocessedRows({ outcomes, upload, terminal }: ResultSource): Generator<string[]> {
  if (!terminal) return;
  for (const [index, row] of (upload?.rows ?? []).entries()) {
    if (outcomes[index] === undefined) yield row;
  }
}

/**
 * The CSV text of one result file in blocks (see `csvBlocks`), to be sent as they are made. The job is read
 * now; the blocks are written as they are asked for. `unprocessedrecords` of a job without upload is empty.
 */
export function resultBlocks(job: IngestJob, kind: ResultKind): Iterable<string> {
  const source = sourceOf(job);
  const { delimiter, newline } = source;
  switch (kind) {
    case ResultKind.Successful: {
      const header = headerLine(source, ['sf__Id', 'sf__Created']);
      return csvBlocks(header, successfulRows(source), delimiter, newline);
    }
    case ResultKind.Failed:
      return csvBlocks(headerLine(source, ['sf__Id', 'sf__Error']), failedRows(source), delimiter, newline);
    case ResultKind.Unprocessed:
      if (!source.upload) return [];
      return csvBlocks(headerLine(source, []), unprocessedRows(source), delimiter, newline);
  }
}
