/**
 * The org's Bulk API batch allocation: 15,000 batches per rolling 24 hours, shared by Bulk v1 and 2.0. Every
 * v1 batch counts when submitted, even one refused because its job is closed, as Salesforce counts it.
 * `/limits` reports it as `DailyBulkApiBatches`.
 * @see https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_bulkapi.htm
 */

/** Batches allowed per rolling 24 hours. */
export const DAILY_BULK_API_BATCHES_MAX = 15_000;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Counts submitted batches over a rolling day. */
export class DailyBatchCounter {
  #times: number[] = [];

  constructor(
    readonly max = DAILY_BULK_API_BATCHES_MAX,
    readonly now: () => number = Date.now,
  ) {}

  /** Records `n` submitted batches. */
  count(n = 1): void {
    const at = this.now();
    for (let i = 0; i < n; i++) this.#times.push(at);
  }

  /** Batches submitted in the last 24 hours. */
  used(): number {
    const since = this.now() - DAY_MS;
    this.#times = this.#times.filter((t) => t > since);
    return this.#times.length;
  }

  /** `{ Max, Remaining }`, the shape of an entry of `/limits`. */
  snapshot(): { Max: number; Remaining: number } {
    return { Max: this.max, Remaining: Math.max(0, this.max - this.used()) };
  }

  reset(): void {
    this.#times = [];
  }
}
