/**
 * A CSV file written row by row into the staging store, with backpressure, counting its rows and (for
 * files that become upload units) its bytes and SHA-256, which v1 batch adoption matches on.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { formatCsvRow } from '../csv/csv.js';
import type { StagingStore } from '../storage/staging-store.js';
import type { ResultFileRef } from './types.js';

/** What {@link openCsvSink} hands back when closed. */
export interface ClosedCsv extends ResultFileRef {
  bytes: number;
  sha256: string;
}

/** Opens `key` in the store and writes `header` first; `close()` resolves once the store has the file. */
export function openCsvSink(staging: StagingStore, key: string, header: readonly string[]) {
  const sink: Writable = staging.openWrite(key);
  const hash = createHash('sha256');
  let rows = 0;
  let bytes = 0;
  const put = async (line: string) => {
    const chunk = Buffer.from(line, 'utf8');
    hash.update(chunk);
    bytes += chunk.length;
    if (!sink.write(chunk)) await once(sink, 'drain');
  };
  const ready = put(formatCsvRow(header));
  return {
    async write(values: readonly string[]): Promise<void> {
      await ready;
      await put(formatCsvRow(values));
      rows += 1;
    },
    async close(): Promise<ClosedCsv> {
      await ready;
      sink.end();
      await once(sink, 'finish');
      return { url: staging.urlFor(key), rows, bytes, sha256: hash.digest('hex') };
    },
  };
}
