/**
 * Evaluates a bound query in bounded steps, so that a query over a large org never holds the event loop: the
 * object's records are scanned as they stand when the cursor is made (see `Org.openScan`), a batch per `step()`:
 * each batch is filtered (deleted records, PK-chunk range, WHERE) and, without ORDER BY, projected at once into
 * rows in SELECT order; with ORDER BY the matches are kept with their sort keys, sorted a bounded piece per step,
 * then projected a slice per step. LIMIT stops the scan early when there is no ORDER BY. Running every step
 * gives exactly what a single pass would. A consumer that takes the rows as they come (`takeRows`) holds none.
 */
import type { FieldValue } from '../org/field-values.js';
import type { Org } from '../org/org.js';
import { ParentCache, inRange, matches, orderComparator, orderKeys, readField } from './evaluate.js';
import type { EvaluateOptions, Keyed, Reader, Row } from './evaluate.js';
import type { BoundQuery } from './resolve.js';
import { StepwiseSort } from './stepwise-sort.js';
import type { RecordScan } from '../org/record-table.js';

/** Records filtered, or rows projected, per step. */
export const SOQL_STEP_ROWS = 2000;

type Phase = 'scan' | 'sort' | 'project' | 'done';

/** One query's evaluation; `step()` until it answers true, then read `rows` (or take them as they come, `takeRows`). */
export class SoqlCursor {
  readonly #query: BoundQuery;
  readonly #options: EvaluateOptions;
  readonly #stepRows: number;
  readonly #read: Reader;
  readonly #scan: RecordScan;
  readonly #inRange: ((record: Row) => boolean) | undefined;
  /** Sorting a large object on disk keeps only ids and sort keys; records are read again when projected. */
  readonly #reload: ((id: string) => Row | undefined) | undefined;
  #phase: Phase = 'scan';
  #position = 0;
  #matched: Keyed[] = [];
  #sort: StepwiseSort<Keyed> | undefined;
  #end = 0;
  #projected = 0;
  #rows: FieldValue[][] = [];

  constructor(org: Org, query: BoundQuery, options: EvaluateOptions, stepRows = SOQL_STEP_ROWS) {
    this.#query = query;
    this.#options = options;
    this.#stepRows = Math.max(1, stepRows);
    const parents = new ParentCache(org);
    this.#read = (record, field) => readField(record, field, parents);
    const objectName = query.object.name;
    this.#scan = org.openScan(objectName);
    if (!org.inMemory(objectName)) this.#reload = (id) => org.getRecord(objectName, id);
    this.#inRange = options.idRange ? inRange(options.idRange) : undefined;
  }

  /** Does one bounded piece of the evaluation; true once every row is there. */
  step(): boolean {
    switch (this.#phase) {
      case 'scan':
        this.#scanStep();
        break;
      case 'sort':
        if (this.#sort?.step() !== false) this.#startProjecting(this.#sort?.sorted ?? this.#matched);
        break;
      case 'project':
        this.#project();
        break;
      case 'done':
        break;
    }
    return this.#phase === 'done';
  }

  /** The rows in SELECT order (those not taken yet); complete once `step()` has answered true. */
  get rows(): FieldValue[][] {
    return this.#rows;
  }

  /** The rows projected since the last call, in order: a consumer that takes them each step holds none. */
  takeRows(): FieldValue[][] {
    const rows = this.#rows;
    this.#rows = [];
    return rows;
  }

  /** Stops early (an aborted job): lets go of the scan. */
  close(): void {
    this.#scan.close();
    this.#matched = [];
    this.#phase = 'done';
  }

  #scanStep(): void {
    const { where, orderBy, limit } = this.#query;
    // Without ORDER BY the first LIMIT matches are the answer, projected as they are found.
    const enough = orderBy.length === 0 && limit !== undefined ? limit : Number.POSITIVE_INFINITY;
    const batch = this.#projected < enough ? this.#scan.next(this.#stepRows) : [];
    for (const record of batch) {
      if (this.#projected >= enough) break;
      if (!this.#options.includeDeleted && record['IsDeleted'] === true) continue;
      if (this.#inRange && !this.#inRange(record)) continue;
      if (where && !matches(where, record, this.#read)) continue;
      if (orderBy.length === 0) this.#emit(record);
      else this.#matched.push(this.#keyed(record));
    }
    if (batch.length > 0 && this.#projected < enough) return;
    this.#scan.close();
    if (orderBy.length === 0) {
      this.#phase = 'done';
      return;
    }
    this.#sort = new StepwiseSort(this.#matched, orderComparator(this.#query));
    this.#phase = 'sort';
  }

  #keyed(record: Row): Keyed {
    const keyed = orderKeys(this.#query, record, this.#read);
    return this.#reload ? { record: { Id: record['Id'] ?? null }, keys: keyed.keys } : keyed;
  }

  #emit(record: Row): void {
    const select = this.#query.select;
    this.#rows.push(select.map((field) => this.#read(record, field)));
    this.#projected += 1;
  }

  #startProjecting(sorted: Keyed[]): void {
    this.#matched = sorted;
    this.#sort = undefined;
    this.#position = 0;
    this.#end = Math.min(sorted.length, this.#query.limit ?? Number.POSITIVE_INFINITY);
    this.#phase = 'project';
    if (this.#end === 0) this.#phase = 'done';
  }

  #project(): void {
    const stop = Math.min(this.#end, this.#position + this.#stepRows);
    for (; this.#position < stop; this.#position++) {
      const { record } = this.#matched[this.#position] as Keyed;
      // A record removed for good since the scan (hard delete) is left out.
      const current = this.#reload ? this.#reload(String(record['Id'])) : record;
      if (current) this.#emit(current);
    }
    if (this.#position >= this.#end) {
      this.#matched = [];
      this.#phase = 'done';
    }
  }
}

/** The selected rows of a bound query, all at once (executeSoql, Bulk v1 tests). */
export function evaluate(org: Org, query: BoundQuery, options: EvaluateOptions): FieldValue[][] {
  const cursor = new SoqlCursor(org, query, options);
  while (!cursor.step());
  return cursor.rows;
}
