/**
 * Transient row failures. Salesforce fails single rows with `UNABLE_TO_LOCK_ROW` when another transaction
 * holds the record (or its parent) at the same moment; its guidance is to send them again. This activity
 * reads a job's failed-results file once and splits it: the transient rows become a new upload unit for a
 * follow-up job, the rest stay failed for good. Both outputs are written under new keys, so a retried
 * attempt rewrites them whole and the input file is never changed.
 *
 * @see https://help.salesforce.com/s/articleView?id=000383573&type=1 (UNABLE_TO_LOCK_ROW)
 */
import { heartbeat } from './keep-alive.js';
import { readCsvRows } from '../csv/csv.js';
import { StagingKeys } from '../common/staging-keys.js';
import type { StagingStore } from '../storage/staging-store.js';
import { openCsvSink } from './csv-sink.js';
import type { SplitTransientFailuresRequest, TransientSplit } from './types.js';

/** Columns Salesforce puts before the input's own in a failed-results file. */
const RESULT_COLUMNS = 2;
const HEARTBEAT_EVERY_ROWS = 10_000;

/** Whether an `sf__Error` value (`CODE:message:fields`) starts with one of `codes`. */
export function isTransientError(error: string, codes: readonly string[]): boolean {
  const colon = error.indexOf(':');
  return codes.includes(colon === -1 ? error : error.slice(0, colon));
}

export function createRetryActivities({ staging }: { staging: StagingStore }) {
  return {
    /** Splits a failed-results file into rows to retry (a new unit) and rows failed for good. */
    async splitTransientFailures(request: SplitTransientFailuresRequest): Promise<TransientSplit> {
      const rows = readCsvRows(staging.openRead(request.failedUrl));
      const header = (await rows.next()).value as string[] | undefined;
      if (!header || header[0] !== 'sf__Id' || header[1] !== 'sf__Error') {
        throw new Error(`${request.failedUrl} is not a failed-results file (its header starts ${String(header?.[0])})`);
      }
      const retry = openCsvSink(
        staging,
        StagingKeys.retryUnit(request.stagingPrefix, request.unitIndex),
        header.slice(RESULT_COLUMNS),
      );
      const failed = openCsvSink(staging, StagingKeys.retryFailed(request.stagingPrefix, request.unitIndex), header);
      let seen = 0;
      for await (const row of rows) {
        if (isTransientError(row[1] ?? '', request.codes)) await retry.write(row.slice(RESULT_COLUMNS));
        else await failed.write(row);
        if (++seen % HEARTBEAT_EVERY_ROWS === 0) heartbeat({ rows: seen });
      }
      const unit = await retry.close();
      const rest = await failed.close();
      return {
        failed: { url: rest.url, rows: rest.rows },
        ...(unit.rows > 0
          ? {
              retry: {
                index: request.unitIndex,
                url: unit.url,
                rows: unit.rows,
                bytes: unit.bytes,
                sha256: unit.sha256,
              },
            }
          : {}),
      };
    },
  };
}

export type RetryActivities = ReturnType<typeof createRetryActivities>;
