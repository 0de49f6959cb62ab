/**
 * Bulk API 2.0 wire values and shapes.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/get_job_info.htm
 */

import { Bulk2JobState, IngestOperation, TERMINAL_BULK2_STATES } from '../../common/wire-values.js';

export { Bulk2JobState, IngestOperation, TERMINAL_BULK2_STATES };

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
export type LineEnding = 'LF' | 'CRLF';

/** The body of a Bulk 2.0 ingest job's create. */
export interface CreateIngestJobRequest {
  object: string;
  operation: IngestOperation;
  externalIdFieldName?: string;
  columnDelimiter?: ColumnDelimiter;
  lineEnding?: LineEnding;
  assignmentRuleId?: string;
}

/** A Bulk 2.0 ingest job, as Salesforce describes it. */
export interface IngestJobInfo {
  id: string;
  object: string;
  operation: IngestOperation;
  state: Bulk2JobState;
  createdDate: string;
  systemModstamp?: string;
  apiVersion?: number;
  contentUrl?: string;
  externalIdFieldName?: string;
  columnDelimiter?: ColumnDelimiter;
  lineEnding?: LineEnding;
  numberRecordsProcessed?: number;
  numberRecordsFailed?: number;
  retries?: number;
  totalProcessingTime?: number;
  errorMessage?: string;
}

/** The three result sets of an ingest job, as the URL path segments Salesforce uses. */
export const IngestResultKind = {
  Successful: 'successfulResults',
  Failed: 'failedResults',
  Unprocessed: 'unprocessedrecords',
} as const;
export type IngestResultKind = (typeof IngestResultKind)[keyof typeof IngestResultKind];
