/**
 * The org's daily API allowances, as `GET /services/data/vXX.X/limits` reports them: every authenticated API
 * request uses one DailyApiRequests; Bulk ingest uses DailyBulkApiBatches (a 2.0 job one per 10,000 rows, a v1
 * batch one each); each Bulk 2.0 query job uses one DailyBulkV2QueryJobs. DailyBulkV2QueryFileStorageMB (the
 * megabytes of query results stored a day) is reported and can be set, but the emulator's results use none of it.
 * Salesforce counts over a rolling 24 hours; here usage only goes back to zero on reset.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm
 */

/** Limit names, as the limits resource spells them. */
export const LimitName = {
  DailyApiRequests: 'DailyApiRequests',
  DailyBulkApiBatches: 'DailyBulkApiBatches',
  DailyBulkV2QueryJobs: 'DailyBulkV2QueryJobs',
  DailyBulkV2QueryFileStorageMB: 'DailyBulkV2QueryFileStorageMB',
} as const;
export type LimitName = (typeof LimitName)[keyof typeof LimitName];

/** Maxima per limit. */
export type LimitMaxima = Readonly<Record<LimitName, number>>;

/**
 * Developer Edition figures: 15,000 API requests and Bulk batches a day, 10,000 Bulk 2.0 query jobs, and 1 TB of
 * query results (976,562 MB, as a real org reports it).
 */
export const DEFAULT_LIMIT_MAXIMA: LimitMaxima = Object.freeze({
  DailyApiRequests: 15_000,
  DailyBulkApiBatches: 15_000,
  DailyBulkV2QueryJobs: 10_000,
  DailyBulkV2QueryFileStorageMB: 976_562,
});

/** Rows per internal Bulk batch: a 2.0 ingest job uses one batch per 10,000 rows. */
export const ROWS_PER_BULK_BATCH = 10_000;

/** One limit as the limits resource writes it. */
export interface LimitUsage {
  Max: number;
  Remaining: number;
}

/** A usage counter kept elsewhere (e.g. the Bulk v1 rolling-day batch counter) that a limit reads and feeds. */
export interface UsageCounter {
  used(): number;
  count(n?: number): void;
  reset(): void;
}

/** Usage counters against configured maxima. */
export class ApiLimits {
  readonly #maxima: LimitMaxima;
  readonly #used = new Map<LimitName, number>();
  readonly #counters: Partial<Record<LimitName, UsageCounter>>;

  /** `counters` lets a limit be counted by an existing counter instead of here. */
  constructor(maxima: Partial<LimitMaxima> = {}, counters: Partial<Record<LimitName, UsageCounter>> = {}) {
    this.#maxima = { ...DEFAULT_LIMIT_MAXIMA, ...maxima };
    this.#counters = counters;
    for (const [name, max] of Object.entries(this.#maxima)) {
      if (!Number.isInteger(max) || max < 0) {
        throw new RangeError(`options.limits.${name} must be a non-negative integer, got ${String(max)}`);
      }
    }
  }

  /** Uses `amount` of a limit (Remaining never shows below zero). */
  consume(name: LimitName, amount = 1): void {
    const counter = this.#counters[name];
    if (counter) counter.count(amount);
    else this.#used.set(name, this.used(name) + amount);
  }

  used(name: LimitName): number {
    return this.#counters[name]?.used() ?? this.#used.get(name) ?? 0;
  }

  max(name: LimitName): number {
    return this.#maxima[name];
  }

  remaining(name: LimitName): number {
    return Math.max(0, this.max(name) - this.used(name));
  }

  /** True when nothing is left of a limit. */
  exhausted(name: LimitName): boolean {
    return this.remaining(name) === 0;
  }

  /** Counts Bulk batches for a 2.0 ingest job of `rows` rows: one per 10,000, at least one. */
  countIngestJob(rows: number): void {
    this.consume(LimitName.DailyBulkApiBatches, Math.max(1, Math.ceil(rows / ROWS_PER_BULK_BATCH)));
  }

  /** The `Sforce-Limit-Info` header value, e.g. `api-usage=18/15000`. */
  usageHeader(): string {
    return `api-usage=${this.used(LimitName.DailyApiRequests)}/${this.max(LimitName.DailyApiRequests)}`;
  }

  /** Every limit as `{ Max, Remaining }`. */
  snapshot(): Record<LimitName, LimitUsage> {
    const entries = Object.values(LimitName).map((name) => [
      name,
      { Max: this.max(name), Remaining: this.remaining(name) },
    ]);
    return Object.fromEntries(entries) as Record<LimitName, LimitUsage>;
  }

  /** Forgets all usage. */
  reset(): void {
    this.#used.clear();
    for (const counter of Object.values(this.#counters)) counter.reset();
  }
}
