/**
 * Bulk API 2.0 wire values and shapes.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/get_job_info.htm
 */

import {
  Bulk2JobState,
  ColumnDelimiter,
  DELIMITER_CHAR,
  IngestOperation,
  TERMINAL_BULK2_STATES,
  type LineEnding,
} from '../../common/wire-values.js';

export { Bulk2JobState, ColumnDelimiter, DELIMITER_CHAR, IngestOperation, TERMINAL_BULK2_STATES, type LineEnding };

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
