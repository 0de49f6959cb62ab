/**
 * Salesforce Bulk API wire values that workflows, clients and the Salesforce client all name. Pure data, so it
 * is safe in the workflow sandbox; `salesforce/bulk2/types.ts` re-exports it for the HTTP layer.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/get_job_info.htm
 */

/** Ingest operations, spelled as the Bulk API spells them (v1 and 2.0 alike). */
export const IngestOperation = {
  Insert: 'insert',
  Update: 'update',
  Upsert: 'upsert',
  Delete: 'delete',
  HardDelete: 'hardDelete',
} as const;
export type IngestOperation = (typeof IngestOperation)[keyof typeof IngestOperation];

/** Bulk 2.0 job states. */
export const Bulk2JobState = {
  Open: 'Open',
  UploadComplete: 'UploadComplete',
  InProgress: 'InProgress',
  JobComplete: 'JobComplete',
  Failed: 'Failed',
  Aborted: 'Aborted',
} as const;
export type Bulk2JobState = (typeof Bulk2JobState)[keyof typeof Bulk2JobState];

/** Bulk 2.0 states after which a job changes no more. */
export const TERMINAL_BULK2_STATES: readonly Bulk2JobState[] = ['JobComplete', 'Failed', 'Aborted'];

/** Whether a Bulk 2.0 job (ingest or query) in this state changes no more. */
export function isBulk2Terminal(state: string): boolean {
  return (TERMINAL_BULK2_STATES as readonly string[]).includes(state);
}

/** Rows per Bulk batch: a v1 batch holds at most this many, and `DailyBulkApiBatches` counts 2.0 jobs by it. */
export const ROWS_PER_BULK_BATCH = 10_000;

/**
 * The Bulk API generations, as the `api` option and `--api` name them: `'2.0'` (Bulk API 2.0) and `'1.0'`
 * (Bulk API v1, called `bulk1` in file and type names).
 */
export const BulkApi = { Bulk2: '2.0', Bulk1: '1.0' } as const;
export type BulkApi = (typeof BulkApi)[keyof typeof BulkApi];

/** The column delimiters Bulk API 2.0 accepts, by their wire names. */
export const ColumnDelimiter = {
  Comma: 'COMMA',
  Backquote: 'BACKQUOTE',
  Caret: 'CARET',
  Pipe: 'PIPE',
  Semicolon: 'SEMICOLON',
  Tab: 'TAB',
} as const;
export type ColumnDelimiter = (typeof ColumnDelimiter)[keyof typeof ColumnDelimiter];

/** The character each `columnDelimiter` value stands for. */
export const DELIMITER_CHAR: Record<ColumnDelimiter, string> = {
  COMMA: ',',
  BACKQUOTE: '`',
  CARET: '^',
  PIPE: '|',
  SEMICOLON: ';',
  TAB: '\t',
};

/** The line endings Bulk API 2.0 accepts. */
export const LineEnding = { LF: 'LF', CRLF: 'CRLF' } as const;
export type LineEnding = (typeof LineEnding)[keyof typeof LineEnding];
