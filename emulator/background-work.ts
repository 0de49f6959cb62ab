/**
 * Background work keyed by job or batch id, as the processors schedule it: at most one pending step
 * per key, each a timer or an immediate, and every one cancellable (abort, delete, reset, close).
 */
export class BackgroundWork {
  readonly #pending = new Map<string, () => void>();

  /** Runs `work` after `delayMs` (0: on the next turn of the event loop), replacing nothing. */
  schedule(key: string, delayMs: number, work: () => void): void {
    const run = () => {
      this.#pending.delete(key);
      work();
    };
    if (delayMs > 0) {
      const timer = setTimeout(run, delayMs);
      this.#pending.set(key, () => clearTimeout(timer));
    } else {
      const immediate = setImmediate(run);
      this.#pending.set(key, () => clearImmediate(immediate));
    }
  }

  has(key: string): boolean {
    return this.#pending.has(key);
  }

  cancel(key: string): void {
    this.#pending.get(key)?.();
    this.#pending.delete(key);
  }

  keys(): string[] {
    return [...this.#pending.keys()];
  }
}
