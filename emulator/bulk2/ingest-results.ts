/**
 * The three result files of an ingest job as they are written: each processed row goes to the successful or
 * failed results the moment it is written (with its sf__ columns and its cells, every value quoted), and the
 * rows never processed go to the unprocessed records once the job stops. The lines live in {@link LineSpool}s,
 * so a job of millions of rows keeps its results on disk, not in memory.
 */
import type { WorkDir } from '../work-dir.js';
import { csvLine } from './csv.js';
import { LineSpool } from './line-spool.js';

/** The rows of a job's three result files, without their header lines. */
export class IngestResults {
  readonly successful: LineSpool;
  readonly failed: LineSpool;
  readonly unprocessed: LineSpool;

  constructor(
    workDir: WorkDir,
    readonly delimiter: string,
    readonly newline: string,
  ) {
    this.successful = new LineSpool(workDir);
    this.failed = new LineSpool(workDir);
    this.unprocessed = new LineSpool(workDir);
  }

  /** A row written: its id, whether it was created, and its cells. */
  success(id: string, created: boolean, cells: readonly string[]): void {
    this.successful.append(this.#line([id, String(created), ...cells]));
  }

  /** A row that failed: its id (empty unless the row named a record) and the error. */
  failure(id: string, error: string, cells: readonly string[]): void {
    this.failed.append(this.#line([id, error, ...cells]));
  }

  /** A row the job will never process. */
  notProcessed(cells: readonly string[]): void {
    this.unprocessed.append(this.#line(cells));
  }

  /** Removes the files behind the results. */
  close(): void {
    this.successful.close();
    this.failed.close();
    this.unprocessed.close();
  }

  #line(cells: readonly string[]): string {
    return csvLine(cells, this.delimiter) + this.newline;
  }
}
