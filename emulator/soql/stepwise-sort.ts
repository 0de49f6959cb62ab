/**
 * A stable sort done in bounded steps: runs of a few thousand items are sorted with `Array.prototype.sort`, then
 * merged pairwise (bottom-up), a bounded number of items per step. Stable like `Array.prototype.sort`, so with a
 * consistent comparator the order is exactly the one a single `sort` call gives.
 */

/** Items sorted per run, and items moved per merging step. */
export const SORT_RUN_ITEMS = 2000;
export const SORT_MERGE_ITEMS = 8000;

/** Sorts `items` (in place of a copy) one `step()` at a time. */
export class StepwiseSort<T> {
  readonly #compare: (a: T, b: T) => number;
  readonly #runItems: number;
  readonly #mergeItems: number;
  #source: T[];
  #target: T[];
  #sortedRuns = 0;
  #width: number;
  /** The pair being merged: left run [low, middle), right run [middle, high); i, j read, k writes. */
  #low = 0;
  #middle = 0;
  #high = 0;
  #i = 0;
  #j = 0;
  #k = 0;
  #merging = false;
  #done = false;

  constructor(items: T[], compare: (a: T, b: T) => number, runItems = SORT_RUN_ITEMS, mergeItems = SORT_MERGE_ITEMS) {
    this.#compare = compare;
    this.#runItems = Math.max(1, runItems);
    this.#mergeItems = Math.max(1, mergeItems);
    this.#source = items;
    this.#target = new Array<T>(items.length);
    this.#width = this.#runItems;
  }

  /** Does a bounded piece of sorting; true once sorted. */
  step(): boolean {
    if (this.#done) return true;
    const length = this.#source.length;
    if (this.#sortedRuns * this.#runItems < length) {
      const start = this.#sortedRuns * this.#runItems;
      const run = this.#source.slice(start, start + this.#runItems).sort(this.#compare);
      for (let index = 0; index < run.length; index++) this.#source[start + index] = run[index] as T;
      this.#sortedRuns += 1;
      return false;
    }
    let budget = this.#mergeItems;
    while (budget > 0) {
      if (this.#width >= length) {
        this.#done = true;
        return true;
      }
      if (!this.#merging) this.#startPair(length);
      budget -= this.#merge(budget);
    }
    return false;
  }

  /** The sorted items; complete once `step()` has answered true. */
  get sorted(): T[] {
    return this.#source;
  }

  #startPair(length: number): void {
    if (this.#k >= length) {
      // A pass is over: what was written is the input of the next, with runs twice as long.
      [this.#source, this.#target] = [this.#target, this.#source];
      this.#width *= 2;
      this.#k = 0;
      if (this.#width >= length) return;
    }
    this.#low = this.#k;
    this.#middle = Math.min(this.#low + this.#width, length);
    this.#high = Math.min(this.#low + 2 * this.#width, length);
    this.#i = this.#low;
    this.#j = this.#middle;
    this.#merging = true;
  }

  /** Merges up to `budget` items of the current pair; returns how many it moved (at least one). */
  #merge(budget: number): number {
    if (!this.#merging) return 1;
    const source = this.#source;
    const target = this.#target;
    let moved = 0;
    while (moved < budget && this.#k < this.#high) {
      const left = source[this.#i] as T;
      const right = source[this.#j] as T;
      const takeLeft = this.#j >= this.#high || (this.#i < this.#middle && this.#compare(left, right) <= 0);
      target[this.#k++] = takeLeft ? (source[this.#i++] as T) : (source[this.#j++] as T);
      moved += 1;
    }
    if (this.#k >= this.#high) this.#merging = false;
    return Math.max(1, moved);
  }
}
