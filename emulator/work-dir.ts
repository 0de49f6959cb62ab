/**
 * The emulator's scratch folder: the disk record store and result files too large to keep in memory live
 * there. Made at first use, as a fresh folder inside `dataDir` (or the system's temporary folder), and removed
 * with everything in it when the emulator closes, so a small org never touches the disk.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A lazily made scratch folder. */
export class WorkDir {
  readonly #base: string;
  #path: string | undefined;
  #files = 0;

  constructor(base: string = tmpdir()) {
    this.#base = base;
  }

  /** The folder, made now if it does not exist yet. */
  get path(): string {
    if (this.#path === undefined) {
      mkdirSync(this.#base, { recursive: true });
      this.#path = mkdtempSync(join(this.#base, 'bulkflow-emulator-'));
    }
    return this.#path;
  }

  /** A new file name in the folder (the file is not made). */
  newFile(suffix: string): string {
    this.#files += 1;
    return join(this.path, `${this.#files}-${suffix}`);
  }

  /** Removes the folder and everything in it. */
  remove(): void {
    if (this.#path !== undefined) rmSync(this.#path, { recursive: true, force: true });
    this.#path = undefined;
  }
}
