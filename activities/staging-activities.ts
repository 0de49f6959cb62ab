/**
 * Staging an ingest input: read once, checked before any Salesforce job exists, cut into upload units in the
 * staging store. The activity only sequences the layers: storage opens the input, csv reads its header, the
 * pre-flight asks Salesforce for the object's fields, storage stages the rows (csv splits them).
 */
import { fileURLToPath } from 'node:url';
import { log } from '@temporalio/activity';
import { InputError, InputProblem, isBulkflowError, ErrorCode, type BulkflowError } from '../common/errors.js';
import { DELIMITER_CHAR } from '../common/wire-values.js';
import { redact } from '../salesforce/core/redact.js';
import { failureDetails } from './failures.js';
import { peekHeader } from '../csv/csv.js';
import { LoadedRows } from '../csv/result-matching.js';
import { BULK1_BATCH_LIMITS, BULK2_UPLOAD_LIMITS, type UploadLimits } from '../csv/split.js';
import type { SalesforceClient } from '../salesforce/client.js';
import { checkedAgainst, inlineRecordsAsCsv, openSource } from '../storage/input-sources.js';
import { scrubUrls } from '../storage/s3-client.js';
import { stageUnits } from '../storage/stage-units.js';
import type { StagingStore } from '../storage/staging-store.js';
import { stopOnCancel } from './heartbeat-streams.js';
import { heartbeat } from './keep-alive.js';
import { checkIngestColumns, type IngestTarget } from './preflight.js';
import type { InputProblemReport, StagedInput, StageIngestInputRequest } from './types.js';

export interface StagingActivityDeps {
  salesforce: SalesforceClient;
  staging: StagingStore;
  /** Upload unit limits for Bulk 2.0 jobs. @default BULK2_UPLOAD_LIMITS */
  uploadLimits?: UploadLimits;
  /** Batch limits for Bulk v1. @default BULK1_BATCH_LIMITS */
  v1BatchLimits?: UploadLimits;
  /** Check the header against the object's describe before staging (when the request names its target). @default true */
  preflight?: boolean;
}

/**
 * What `stageIngestInput` takes: the input, and the job it is for. The target is optional because workflows
 * started before the pre-flight existed do not pass it; their input is checked for its shape only.
 */
export interface StageIngestRequest extends StageIngestInputRequest {
  /** When given, the header is checked against the object's schema before anything is staged. */
  target?: IngestTarget;
}

/** How a file input reads, from the request's delimiter and line ending. */
function readingOptions({ columnDelimiter, lineEnding }: StageIngestInputRequest) {
  return {
    ...(columnDelimiter ? { delimiter: DELIMITER_CHAR[columnDelimiter] } : {}),
    ...(lineEnding ? { newline: lineEnding === 'CRLF' ? ('\r\n' as const) : ('\n' as const) } : {}),
  };
}

/** A problem as the failure of a real run would carry it: its type, message and details. */
function problemReport(err: BulkflowError): InputProblemReport {
  const { source: _source, ...details } = failureDetails(err);
  return { type: err.failureType, ...details, message: redact(err.message) };
}

/** The input as a person names it in a message: a path for `file://`, the URL without its query otherwise. */
function inputName(url: string): string {
  if (url.startsWith('file:')) {
    try {
      return fileURLToPath(url);
    } catch {
      return url;
    }
  }
  return scrubUrls(url.split('?')[0] ?? url);
}

export function createStagingActivities({
  salesforce,
  staging,
  uploadLimits = BULK2_UPLOAD_LIMITS,
  v1BatchLimits = BULK1_BATCH_LIMITS,
  preflight = true,
}: StagingActivityDeps) {
  /** The rows in earlier runs' successful results, by the input's columns. */
  async function loadedRowsOf(urls: string[], columns: string[]): Promise<LoadedRows> {
    try {
      return await LoadedRows.fromSuccessfulResults(
        urls.map((url, i) => ({
          name: `an earlier run's successful results (file ${i + 1} of ${urls.length})`,
          body: staging.openRead(url),
        })),
        columns,
      );
    } catch (err) {
      if (!isBulkflowError(err) || err.code !== ErrorCode.ResultMismatch) throw err;
      throw new InputError(
        `This input's columns differ from what earlier runs of this workflow id loaded: ${err.message}. Its rows ` +
          'cannot be matched to theirs; load it under a new workflow id, or with ignoreEarlierRuns to load every row again.',
        { problem: InputProblem.RerunColumnsChanged },
      );
    }
  }

  return {
    /**
     * Reads the input once, checks its shape and (with a target) its header against the object's schema, and
     * writes upload units to the staging store. Nothing reaches Salesforce but describe calls: what it would
     * refuse is refused here, with the file, row and columns in the error. A rerun leaves out the rows earlier
     * runs of the business id loaded (`loadedBefore`).
     */
    async stageIngestInput(request: StageIngestRequest): Promise<StagedInput> {
      const { source: input, stagingPrefix, api, target, loadedBefore = [], dryRun = false } = request;
      const file = 'url' in input ? inputName(input.url) : undefined;
      // A dry run notes each problem and goes on checking where it can; a real run fails at the first.
      const problems: InputProblemReport[] = [];
      const note = (err: unknown) => {
        if (!dryRun || !isBulkflowError(err) || err.code !== ErrorCode.InvalidInput) throw err;
        problems.push(problemReport(file ? err.at({ file }) : err));
      };
      try {
        const opened = 'url' in input ? stopOnCancel(await openSource(input.url)) : inlineRecordsAsCsv(input.records);
        // An uploaded input carries its checksum: other bytes (replaced, cut short) are refused once read.
        const checked =
          'url' in input && input.sha256 ? checkedAgainst(opened, input.sha256, file ?? input.url) : undefined;
        const source = checked?.input ?? opened;
        // Delimiter and line ending say how a file reads; inline records are made into CSV here, with commas.
        const reading = 'url' in input ? readingOptions(request) : {};
        const columns = await peekHeader(source, reading);
        if (target && preflight) {
          await checkIngestColumns(target, columns, (name) => salesforce.describe.describeSObject(name)).catch(note);
        }
        const loaded = loadedBefore.length ? await loadedRowsOf(loadedBefore, columns) : undefined;
        const v1Limits = request.batchSize ? { ...v1BatchLimits, maxRows: request.batchSize } : v1BatchLimits;
        const staged = await stageUnits(source, staging, {
          stagingPrefix,
          limits: api === '1.0' ? v1Limits : uploadLimits,
          onProgress: (rows) => heartbeat({ rows }),
          write: !dryRun,
          ...reading,
          ...(loaded ? { loaded } : {}),
        });
        checked?.verify();
        if (staged.totalRows === 0) {
          note(
            new InputError(`The CSV input has a header (${staged.columns.join(', ')}) but no rows: nothing to load.`, {
              problem: InputProblem.NothingToLoad,
            }),
          );
        }
        log.info(dryRun ? 'checked ingest input (dry run)' : 'staged ingest input', {
          rows: staged.totalRows,
          units: staged.units.length,
          loadedBefore: staged.skippedRows,
        });
        return {
          columns: staged.columns,
          totalRows: staged.totalRows,
          units: staged.units,
          ...(loaded
            ? {
                loadedBefore: {
                  rows: staged.skippedRows,
                  files: loadedBefore.map((url, i) => ({ url, rows: loaded.fileRows[i] ?? 0 })),
                },
              }
            : {}),
          ...(dryRun ? { problems } : {}),
        };
      } catch (err) {
        if (file && isBulkflowError(err) && err.code === ErrorCode.InvalidInput) err.at({ file });
        // A problem that stops the reading (the header, a row): what was found so far, and no units.
        note(err);
        return { columns: [], totalRows: 0, units: [], problems, readWhole: false };
      }
    },
  };
}
