/** Jobs by id, found by their 18- or 15-character id as Salesforce accepts both. */
export class JobMap<T extends { id: string }> {
  readonly #jobs = new Map<string, T>();

  set(job: T): void {
    this.#jobs.set(job.id, job);
  }

  get(id: string): T | undefined {
    return this.#jobs.get(id) ?? [...this.#jobs.values()].find((job) => job.id.slice(0, 15) === id);
  }

  delete(id: string): void {
    this.#jobs.delete(id);
  }

  list(): T[] {
    return [...this.#jobs.values()];
  }

  clear(): void {
    this.#jobs.clear();
  }
}
