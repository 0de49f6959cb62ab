/**
 * The job options of a load or a query, checked in one place before anything else happens: the workflows call
 * these first (so a start through `temporal workflow start` is checked too), and the command line calls them with
 * its own spelling of the options before it connects. A bad option is an {@link InputError} naming the option and
 * the value it got (`SF_INVALID_OPTION`), never a Salesforce job that fails later.
 *
 * Pure: workflows import it.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/create_job.htm
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_jobs_create.htm
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/async_api_headers_enable_pk_chunking.htm
 */
import { InputError, InputProblem } from './errors.js';
import { BulkApi, ColumnDelimiter, DELIMITER_CHAR, LineEnding, ROWS_PER_BULK_BATCH } from './wire-values.js';

/** The options of a load that shape its jobs and how its input is read. */
export interface IngestJobOptions {
  api?: BulkApi;
  /** The input's column delimiter, by Bulk API 2.0's name for it. @default 'COMMA' */
  columnDelimiter?: ColumnDelimiter;
  /** The input's line ending. @default whichever the header row ends with */
  lineEnding?: LineEnding;
  /** A Case or Lead assignment rule to run for each record (its 15- or 18-character id). */
  assignmentRuleId?: string;
  /** Bulk v1: `Serial` processes one batch at a time. @default 'Parallel' */
  concurrencyMode?: 'Parallel' | 'Serial';
  /** Bulk v1: rows per batch, at most 10,000. @default 10000 */
  batchSize?: number;
}

/** The options of a query that shape its job. */
export interface QueryJobOptions {
  api?: BulkApi;
  /** Bulk v1 only: the query split by Id ranges. */
  pkChunking?: { chunkSize?: number; startRow?: string };
}

/**
 * How a caller spells an option in messages: the input's field (`columnDelimiter`) by default, a command line
 * its flag (`--delimiter`).
 */
export type OptionNames = (option: string) => string;

const asIs: OptionNames = (option) => option;

/** PK chunking's largest chunk, and the one Salesforce uses when none is given. */
export const MAX_PK_CHUNK_SIZE = 250_000;

const SALESFORCE_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

const shown = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : String(value));

function refuse(option: string, names: OptionNames, message: string): never {
  throw new InputError(message, { problem: InputProblem.InvalidOption, location: { option: names(option) } });
}

function checkApi(api: unknown, names: OptionNames): BulkApi {
  if (api === undefined) return BulkApi.Bulk2;
  if (api === BulkApi.Bulk2 || api === BulkApi.Bulk1) return api;
  return refuse('api', names, `${names('api')} must be '2.0' or '1.0', got ${shown(api)}.`);
}

/** The delimiter's name for a character someone gave instead (`;` → `SEMICOLON`). */
function delimiterNamed(value: unknown): string | undefined {
  return Object.entries(DELIMITER_CHAR).find(([, char]) => char === value)?.[0];
}

function checkV1Only(option: string, given: boolean, api: BulkApi, names: OptionNames, why: string): void {
  if (given && api !== BulkApi.Bulk1) refuse(option, names, `${names(option)} needs ${names('api')} 1.0: ${why}`);
}

function checkWholeNumber(option: string, value: unknown, max: number, names: OptionNames, what: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    refuse(
      option,
      names,
      `${names(option)} must be a whole number from 1 to ${max.toLocaleString('en-US')} (${what}), got ${shown(value)}.`,
    );
  }
}

/**
 * Checks a load's job options; throws an `InputError` (`SF_INVALID_OPTION`) naming the first bad one and its
 * value. Delimiters and line endings are how the input is read, so they hold for both APIs: staging writes the
 * rows Salesforce gets with commas and LF either way.
 */
export function checkIngestOptions(options: IngestJobOptions, names: OptionNames = asIs): void {
  const api = checkApi(options.api, names);
  const { columnDelimiter, lineEnding, assignmentRuleId, concurrencyMode, batchSize } = options;
  if (columnDelimiter !== undefined && !Object.values(ColumnDelimiter).includes(columnDelimiter)) {
    const named = delimiterNamed(columnDelimiter);
    refuse(
      'columnDelimiter',
      names,
      `${names('columnDelimiter')} must be one of ${Object.values(ColumnDelimiter).join(', ')}, got ` +
        `${shown(columnDelimiter)}${named ? ` (that character is ${named})` : ''}.`,
    );
  }
  if (lineEnding !== undefined && !Object.values(LineEnding).includes(lineEnding)) {
    refuse('lineEnding', names, `${names('lineEnding')} must be LF or CRLF, got ${shown(lineEnding)}.`);
  }
  if (
    assignmentRuleId !== undefined &&
    (typeof assignmentRuleId !== 'string' || !SALESFORCE_ID.test(assignmentRuleId))
  ) {
    refuse(
      'assignmentRuleId',
      names,
      `${names('assignmentRuleId')} must be the 15- or 18-character id of an assignment rule, got ${shown(assignmentRuleId)}.`,
    );
  }
  if (concurrencyMode !== undefined && concurrencyMode !== 'Parallel' && concurrencyMode !== 'Serial') {
    refuse(
      'concurrencyMode',
      names,
      `${names('concurrencyMode')} must be 'Parallel' or 'Serial', got ${shown(concurrencyMode)}.`,
    );
  }
  checkV1Only(
    'concurrencyMode',
    concurrencyMode === 'Serial',
    api,
    names,
    'Bulk API 2.0 has no concurrency mode (it decides how to split a job itself).',
  );
  if (batchSize !== undefined) {
    checkWholeNumber('batchSize', batchSize, ROWS_PER_BULK_BATCH, names, 'rows per Bulk v1 batch');
    checkV1Only('batchSize', true, api, names, 'Bulk API 2.0 cuts a job into batches itself.');
  }
}

/** Checks a query's job options; throws an `InputError` (`SF_INVALID_OPTION`) naming the first bad one. */
export function checkQueryOptions(options: QueryJobOptions, names: OptionNames = asIs): void {
  const api = checkApi(options.api, names);
  const { pkChunking } = options;
  if (pkChunking === undefined) return;
  checkV1Only('pkChunking', true, api, names, 'Bulk 2.0 chunks queries itself');
  if (pkChunking.chunkSize !== undefined) {
    checkWholeNumber('pkChunking.chunkSize', pkChunking.chunkSize, MAX_PK_CHUNK_SIZE, names, 'records per chunk');
  }
  const { startRow } = pkChunking;
  if (startRow !== undefined && (typeof startRow !== 'string' || !SALESFORCE_ID.test(startRow))) {
    refuse(
      'pkChunking.startRow',
      names,
      `${names('pkChunking.startRow')} must be a 15- or 18-character record id, got ${shown(startRow)}.`,
    );
  }
}
