/**
 * Writing one incremental export cycle: the cycle's query result (a CSV in staging, live and deleted records as
 * queryAll returned them) becomes `changes-NNNN.csv` files (live records, every selected field) and
 * `deletes-NNNN.csv` tombstones (`Id,SystemModstamp,IsDeleted`), then `_manifest.json` with the counts and the
 * bookmark, last. Every name follows from the cycle, so a retry overwrites what an interrupted attempt wrote.
 *
 * Rows stamped at or after the second the query job was created are left out (`deferred`): a write in that same
 * second may commit after the query read, so that second is read whole by the next cycle instead.
 */
import type { Readable, Writable } from 'node:stream';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { ResultMismatchError } from '../common/errors.js';
import { CYCLE_MANIFEST, compareBookmarks, cycleFileName, stampMs, type SyncBookmark } from '../common/sync-window.js';
import { formatCsvRow, readCsvRowBatches } from '../csv/csv.js';
import { openDestination } from './destinations.js';

/** One cycle's window and where it goes. */
export interface SyncCycleFiles {
  /** The cycle's folder (`cycleFolder`). */
  folder: string;
  /** Rows per file. */
  maxRowsPerFile: number;
  /** Epoch ms of the query job's creation, on Salesforce's clock: rows from its second on are deferred. */
  cutoffMs: number;
  /** What the manifest records beside the files. */
  manifest: Record<string, unknown>;
}

/** A written file. */
export interface SyncFileRef {
  url: string;
  rows: number;
  kind: 'changes' | 'deletes';
}

/** What a cycle wrote. */
export interface SyncCycleWritten {
  files: SyncFileRef[];
  counts: { changed: number; deleted: number; deferred: number };
  /** The greatest (SystemModstamp, Id) written; absent when nothing was. */
  last?: SyncBookmark;
  manifestUrl: string;
}

const FLUSH_BYTES = 1 << 20;
const TOMBSTONE_HEADER = ['Id', 'SystemModstamp', 'IsDeleted'];

/** A sequence of files of one kind, each at most `maxRows` rows, opened as rows come. */
class RotatingFiles {
  private sink: Writable | undefined;
  private buffered = '';
  private rows = 0;
  readonly files: SyncFileRef[] = [];

  constructor(
    private readonly folder: string,
    private readonly kind: 'changes' | 'deletes',
    private readonly header: readonly string[],
    private readonly maxRows: number,
  ) {}

  async add(row: readonly string[]): Promise<void> {
    if (!this.sink || this.rows >= this.maxRows) {
      await this.close();
      const url = `${this.folder}/${cycleFileName(this.kind, this.files.length)}`;
      this.sink = openDestination(url);
      this.rows = 0;
      this.files.push({ url, rows: 0, kind: this.kind });
      this.buffered = formatCsvRow(this.header);
    }
    this.buffered += formatCsvRow(row);
    this.rows++;
    (this.files[this.files.length - 1] as SyncFileRef).rows = this.rows;
    if (this.buffered.length >= FLUSH_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    const sink = this.sink;
    if (!sink || this.buffered.length === 0) return;
    const more = sink.write(this.buffered);
    this.buffered = '';
    if (!more) await once(sink, 'drain');
  }

  async close(): Promise<void> {
    const sink = this.sink;
    if (!sink) return;
    await this.flush();
    sink.end();
    await finished(sink);
    this.sink = undefined;
  }
}

/** Splits the cycle's query result into its files and writes the manifest last. */
export async function writeSyncCycle(records: Readable, cycle: SyncCycleFiles): Promise<SyncCycleWritten> {
  let header: string[] | undefined;
  let columns = { id: -1, stamp: -1, deleted: -1 };
  let changes: RotatingFiles | undefined;
  const deletes = new RotatingFiles(cycle.folder, 'deletes', TOMBSTONE_HEADER, cycle.maxRowsPerFile);
  const counts = { changed: 0, deleted: 0, deferred: 0 };
  const cutoff = Math.floor(cycle.cutoffMs / 1000) * 1000;
  let last: SyncBookmark | undefined;
  try {
    for await (const batch of readCsvRowBatches(records)) {
      for (const row of batch) {
        if (!header) {
          header = row;
          columns = { id: row.indexOf('Id'), stamp: row.indexOf('SystemModstamp'), deleted: row.indexOf('IsDeleted') };
          if (Object.values(columns).includes(-1)) {
            throw new ResultMismatchError(
              `The cycle's query result lacks Id, SystemModstamp or IsDeleted: ${row.join(',')}`,
            );
          }
          changes = new RotatingFiles(cycle.folder, 'changes', header, cycle.maxRowsPerFile);
          continue;
        }
        const id = row[columns.id] ?? '';
        const stamp = row[columns.stamp] ?? '';
        const ms = stampMs(stamp);
        if (ms >= cutoff) {
          counts.deferred++;
          continue;
        }
        const mark = { systemModstamp: new Date(ms).toISOString(), id };
        if (!last || compareBookmarks(mark, last) > 0) last = mark;
        if ((row[columns.deleted] ?? '').toLowerCase() === 'true') {
          counts.deleted++;
          await deletes.add([id, stamp, 'true']);
        } else {
          counts.changed++;
          await (changes as RotatingFiles).add(row);
        }
      }
    }
  } finally {
    await changes?.close();
    await deletes.close();
  }
  const files = [...(changes?.files ?? []), ...deletes.files];
  const manifestUrl = `${cycle.folder}/${CYCLE_MANIFEST}`;
  const manifest = openDestination(manifestUrl);
  const names = files.map((f) => ({ name: f.url.slice(cycle.folder.length + 1), rows: f.rows, kind: f.kind }));
  manifest.end(`${JSON.stringify({ ...cycle.manifest, counts, last, files: names }, null, 2)}\n`);
  await finished(manifest);
  return { files, counts, ...(last ? { last } : {}), manifestUrl };
}
