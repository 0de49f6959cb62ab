/**
 * Keeps the org in a file: loaded at start, saved shortly after changes (at most every `debounceMs`) and on
 * close. Writes go to a temporary file that is then renamed over the old one, so a crash never leaves half a
 * file behind.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { IngestJob } from '../bulk2/ingest-jobs.js';
import { restoreSnapshot, takeSnapshot } from './org-snapshot.js';
import type { OrgSnapshot, SnapshotParts } from './org-snapshot.js';

/** Saving delay after a change, in milliseconds. */
export const DEFAULT_SAVE_DELAY_MS = 50;

/** Saves and loads one org to and from one file. */
export class OrgPersistence {
  readonly #path: string;
  readonly #parts: SnapshotParts;
  readonly #delayMs: number;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #saves = 0;

  constructor(path: string, parts: SnapshotParts, delayMs = DEFAULT_SAVE_DELAY_MS) {
    this.#path = path;
    this.#parts = parts;
    this.#delayMs = delayMs;
  }

  /** Loads the file if it exists and returns the restored ingest jobs; a missing file is an empty org. */
  load(): IngestJob[] {
    if (!existsSync(this.#path)) return [];
    let snapshot: OrgSnapshot;
    try {
      snapshot = JSON.parse(readFileSync(this.#path, 'utf8')) as OrgSnapshot;
      return restoreSnapshot(this.#parts, snapshot);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new Error(`options.persistPath: cannot load ${this.#path}: ${detail}`, { cause: error });
    }
  }

  /** Something changed: saves soon. */
  changed(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.save().catch(() => undefined);
    }, this.#delayMs);
  }

  /** Saves now (after any save in progress); resolves when the file is in place. */
  save(): Promise<void> {
    const snapshot = takeSnapshot(this.#parts);
    this.#writing = this.#writing.catch(() => undefined).then(() => this.#write(snapshot));
    return this.#writing;
  }

  /** How many times the file was written. */
  get saves(): number {
    return this.#saves;
  }

  /** Stops the timer and writes a last time. */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.save();
  }

  async #write(snapshot: OrgSnapshot): Promise<void> {
    await mkdir(dirname(this.#path), { recursive: true });
    const temporary = `${this.#path}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(snapshot));
    await rename(temporary, this.#path);
    this.#saves += 1;
  }
}
