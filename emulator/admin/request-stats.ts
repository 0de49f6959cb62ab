/** Counts requests by route label (`PUT /services/data/vXX.X/jobs/ingest/{jobId}/batches`). */
export class RequestStats {
  readonly #counts = new Map<string, number>();

  count(label: string): void {
    this.#counts.set(label, (this.#counts.get(label) ?? 0) + 1);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }

  reset(): void {
    this.#counts.clear();
  }
}
