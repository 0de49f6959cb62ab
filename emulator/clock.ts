/**
 * The emulator's clock: real time by default, moved forward on demand so that tests can reach Salesforce's
 * lifespans (a v1 job's 24-hour batch window, the 7 days after which job data is deleted) without waiting, and
 * so that record timestamps (CreatedDate, LastModifiedDate, SystemModstamp) and job timestamps (createdDate,
 * systemModstamp) can be placed on either side of a bookmark. It only ever moves forward, like time.
 *
 * Sessions, refresh tokens, query cursors, limits and processing durations keep to real time: moving the
 * clock a week ahead does not log clients out (`expireSessions` does that on purpose).
 */

/** Where the emulator reads the time. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** A clock that can be moved forward. */
export class EmulatorClock implements Clock {
  #offsetMs = 0;

  /** Epoch milliseconds: real time plus every advance so far. */
  now(): number {
    return Date.now() + this.#offsetMs;
  }

  /** The current time as a Date. */
  date(): Date {
    return new Date(this.now());
  }

  /** Moves the clock forward by `ms` milliseconds (a finite number, 0 or more). */
  advance(ms: number): void {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`clock.advance() takes a finite number of milliseconds, 0 or more; got ${String(ms)}`);
    }
    this.#offsetMs += ms;
  }

  /** How far the clock is ahead of real time, in milliseconds. */
  get offsetMs(): number {
    return this.#offsetMs;
  }
}

/** Real time, for parts built without an emulator around them. */
export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

/**
 * The moment as Salesforce stamps audit fields: whole seconds (system timestamps always read `.000`), so many
 * writes of one second share a SystemModstamp, as they do on a real org.
 */
export function auditTimestamp(clock: Clock): Date {
  const now = clock.now();
  return new Date(now - (((now % 1000) + 1000) % 1000));
}
