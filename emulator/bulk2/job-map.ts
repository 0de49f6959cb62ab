/**
 * Jobs by id, found by their 18- or 15-character id as Salesforce accepts both. Jobs past their lifespan (see
 * `lifespans.ts`) are dropped the moment they are looked for, so they are unknown from then on.
 */
export class JobMap<T extends { id: string }> {
  readonly #jobs = new Map<string, T>();

  /** `isExpired` says whether a job's data has been deleted by now; `release` frees a job's files when it goes. */
  constructor(
    readonly isExpired: (job: T) => boolean = () => false,
    readonly release: (job: T) => void = () => undefined,
  ) {}

  set(job: T): void {
    this.#jobs.set(job.id, job);
  }

  get(id: string): T | undefined {
    const job = this.#jobs.get(id) ?? [...this.#jobs.values()].find((candidate) => candidate.id.slice(0, 15) === id);
    if (job === undefined || !this.isExpired(job)) return job;
    this.delete(job.id);
    return undefined;
  }

  delete(id: string): void {
    const job = this.#jobs.get(id);
    this.#jobs.delete(id);
    if (job) this.release(job);
  }

  /** The live jobs, in creation order. */
  list(): T[] {
    const live: T[] = [];
    for (const job of this.#jobs.values()) {
      if (this.isExpired(job)) this.delete(job.id);
      else live.push(job);
    }
    return live;
  }

  clear(): void {
    for (const job of this.#jobs.values()) this.release(job);
    this.#jobs.clear();
  }
}
