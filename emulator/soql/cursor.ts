/**
 * Evaluates a bound query in bounded steps, so that a query over a large org never holds the event loop: the
 * object's records are taken as they stand when the cursor is made (a snapshot of references, no copies), then
 * each `step()` filters a slice of them (deleted records, PK-chunk range, WHERE), sorts a bounded piece when the
 * query has ORDER BY, or projects a slice of the result into rows in SELECT order. LIMIT stops the scan early when
 * there is no ORDER BY. Running every step gives exactly what a single pass would.
 */
import type { FieldValue } from '../org/field-values.js';
import type { Org } from '../org/org.js';
import { ParentCache, inRange, matches, orderComparator, orderKeys, readField } from './evaluate.js';
import type { EvaluateOptions, Keyed, Reader, Row } from './evaluate.js';
import type { BoundQuery } from './resolve.js';
import { StepwiseSort } from './stepwise-sort.js';

/** Records filtered, or rows projected, per step. */
export const SOQL_STEP_ROWS = 2000;

type Phase = 'scan' | 'sort' | 'project' | 'done';

/** One query's evaluation; `step()` until it answers true, then read `rows`. */
export class SoqlCursor {
  readonly #query: BoundQuery;
  readonly #options: EvaluateOptions;
  readonly #stepRows: number;
  readonly #read: Reader;
  readonly #records: readonly Row[];
  readonly #inRange: ((record: Row) => boolean) | undefined;
  #phase: Phase = 'scan';
  #position = 0;
  #matched: Keyed[] = [];
  #sort: StepwiseSort<Keyed> | undefined;
  #end = 0;
  readonly #rows: FieldValue[][] = [];

  constructor(org: Org, query: BoundQuery, options: EvaluateOptions, stepRows = SOQL_STEP_ROWS) {
    this.#query = query;
    this.#options = options;
    this.#stepRows = Math.max(1, stepRows);
    const parents = new ParentCache(org);
    this.#read = (record, field) => readField(record, field, parents);
    this.#records = org.scanRecords(query.object.name);
    this.#inRange = options.idRange ? inRange(options.idRange) : undefined;
  }

  /** Does one bounded piece of the evaluation; true once every row is there. */
  step(): boolean {
    switch (this.#phase) {
      case 'scan':
        this.#scan();
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

  /** The rows in SELECT order; complete once `step()` has answered true. */
  get rows(): FieldValue[][] {
    return this.#rows;
  }

  #scan(): void {
    const { where, orderBy, limit } = this.#query;
    const stop = Math.min(this.#records.length, this.#position + this.#stepRows);
    // Without ORDER BY the first LIMIT matches are the answer; with it, every match has to be sorted first.
    const enough = orderBy.length === 0 && limit !== undefined ? limit : Number.POSITIVE_INFINITY;
    for (; this.#position < stop && this.#matched.length < enough; this.#position++) {
      const record = this.#records[this.#position] as Row;
      if (!this.#options.includeDeleted && record['IsDeleted'] === true) continue;
      if (this.#inRange && !this.#inRange(record)) continue;
      if (where && !matches(where, record, this.#read)) continue;
      this.#matched.push(orderBy.length > 0 ? orderKeys(this.#query, record, this.#read) : { record, keys: [] });
    }
    if (this.#position < this.#records.length && this.#matched.length < enough) return;
    if (orderBy.length === 0) return this.#startProjecting(this.#matched);
    this.#sort = new StepwiseSort(this.#matched, orderComparator(this.#query));
    this.#phase = 'sort';
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
    const select = this.#query.select;
    for (; this.#position < stop; this.#position++) {
      const { record } = this.#matched[this.#position] as Keyed;
      this.#rows.push(select.map((field) => this.#read(record, field)));
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
