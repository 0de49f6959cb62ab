/**
 * The three result files of an ingest job. Each has a header line even when empty; sf__ columns come first,
 * then the original columns as uploaded; every value is double-quoted. The rows are those the job had written
 * when the file was asked for (`ingest-results.ts` keeps them as the job works), read from memory or disk as
 * they are sent.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/get_job_successful_results.htm
 */
import { DELIMITER_CHARACTERS, quoteCsv, newlineOf } from './csv.js';
import type { IngestJob } from './ingest-jobs.js';
import type { LineSpool } from './line-spool.js';

/** Which result file. */
export const ResultKind = {
  Successful: 'successful',
  Failed: 'failed',
  Unprocessed: 'unprocessed',
} as const;
export type ResultKind = (typeof ResultKind)[keyof typeof ResultKind];

function headerLine(job: IngestJob, sfColumns: readonly string[]): string {
  const original = job.headerLine ?? '';
  const delimiter = DELIMITER_CHARACTERS[job.columnDelimiter];
  return (
    [...sfColumns.map(quoteCsv), ...(original === '' ? [] : [original])].join(delimiter) + newlineOf(job.lineEnding)
  );
}

/** The header line, then the rows the spool holds now (a running job gains rows; the file holds those it had). */
function* file(header: string, spool: LineSpool | undefined): Generator<string | Buffer, void, undefined> {
  const rows = spool?.rows ?? 0;
  yield header;
  if (spool && rows > 0) yield* spool.blocks(0, rows);
}

/**
 * The CSV text of one result file in blocks, to be sent as they are read. `unprocessedrecords` of a job whose
 * upload was never read is empty; before the job stops it is the header line alone.
 */
export function resultBlocks(job: IngestJob, kind: ResultKind): Iterable<string | Buffer> {
  switch (kind) {
    case ResultKind.Successful:
      return file(headerLine(job, ['sf__Id', 'sf__Created']), job.results?.successful);
    case ResultKind.Failed:
      return file(headerLine(job, ['sf__Id', 'sf__Error']), job.results?.failed);
    case ResultKind.Unprocessed:
      if (job.headerLine === undefined) return [];
      return file(headerLine(job, []), job.results?.unprocessed);
  }
}
