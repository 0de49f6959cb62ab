/**
 * An id factory whose counters can be saved and restored, so that a restarted emulator never hands out an id
 * it handed out before (hard-deleted records included).
 */
import { IdFactory, makeId } from '../org/ids.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Key prefix (3), instance (2) and the reserved character come before the 9-character sequence. */
const SEQUENCE_START = 6;
const SEQUENCE_END = 15;

/** The sequence number inside an id made by {@link makeId}. */
export function sequenceOf(id: string): number {
  let value = 0;
  for (const ch of id.slice(SEQUENCE_START, SEQUENCE_END)) value = value * 62 + BASE62.indexOf(ch);
  return value;
}

/** {@link IdFactory} with saveable counters: the next sequence per key prefix. */
export class RestorableIdFactory extends IdFactory {
  readonly #next = new Map<string, number>();

  override next(prefix: string): string {
    const sequence = this.#next.get(prefix);
    if (sequence === undefined) {
      const id = super.next(prefix);
      this.#next.set(prefix, sequenceOf(id) + 1);
      return id;
    }
    this.#next.set(prefix, sequence + 1);
    return makeId(prefix, sequence);
  }

  /** Next sequence per key prefix, for saving. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.#next);
  }

  /** Continues from saved counters; never moves a counter backwards. */
  restore(saved: Readonly<Record<string, number>>): void {
    for (const [prefix, sequence] of Object.entries(saved)) {
      if (Number.isInteger(sequence)) this.#next.set(prefix, Math.max(sequence, this.#next.get(prefix) ?? 0));
    }
  }
}
