/**
 * Bulk 2.0 result files do not keep the input's order, but every row echoes the values that were
 * uploaded. `checkResultsCoverInput` proves that the successful, failed and unprocessed files
 * together hold exactly the input's rows: each input row once, no row twice, none invented. Rows
 * that are identical in the input are interchangeable, so a multiset of row fingerprints suffices.
 *
 * Memory: one 20-byte fingerprint (plus map overhead) per row of one upload unit (≤100 MB of CSV).
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/get_job_successful_results.htm
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { readCsvRows } from './csv.js';
import { SalesforceResultMismatchError } from '../core/errors.js';

function fingerprint(values: readonly string[]): string {
  const hash = createHash('sha1');
  for (const v of values) hash.update(`${v.length}:${v}`);
  return hash.digest('base64');
}

export interface ResultFileToCheck {
  /** e.g. `successfulResults`, for messages. */
  name: string;
  body: Readable;
}

/** Throws {@link SalesforceResultMismatchError} unless the result files hold exactly the input's rows. */
export async function checkResultsCoverInput(input: Readable, results: ResultFileToCheck[]): Promise<number> {
  const rows = readCsvRows(input);
  const header = (await rows.next()).value as string[] | undefined;
  if (!header) return 0;
  const pending = new Map<string, number>();
  let total = 0;
  for await (const row of rows) {
    const key = fingerprint(row);
    pending.set(key, (pending.get(key) ?? 0) + 1);
    total += 1;
  }
  for (const file of results) {
    const resultRows = readCsvRows(file.body);
    const resultHeader = (await resultRows.next()).value as string[] | undefined;
    if (!resultHeader) continue;
    const positions = header.map((column) => resultHeader.indexOf(column));
    const missing = header.filter((_, i) => positions[i] === -1);
    if (missing.length > 0) {
      throw new SalesforceResultMismatchError(`${file.name} lacks the input columns ${missing.join(', ')}`);
    }
    let line = 0;
    for await (const row of resultRows) {
      line += 1;
      const key = fingerprint(positions.map((p) => row[p] ?? ''));
      const left = pending.get(key) ?? 0;
      if (left === 0) {
        throw new SalesforceResultMismatchError(
          `${file.name} row ${line} matches no input row that is still unaccounted for (altered, or reported twice)`,
        );
      }
      if (left === 1) pending.delete(key);
      else pending.set(key, left - 1);
    }
  }
  const unaccounted = [...pending.values()].reduce((n, c) => n + c, 0);
  if (unaccounted > 0) {
    throw new SalesforceResultMismatchError(`${unaccounted} of ${total} input rows have no row in any result file`);
  }
  return total;
}
