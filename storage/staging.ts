/**
 * The staging store: where inputs are cut into upload units and where results land (claim check).
 * Workflow history holds only the URLs this store hands out, never the data.
 *
 * This file is the `file://` store; `s3-staging.ts` the `s3://` one; `staging-from-env.ts` picks one.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { link, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { StagingStore } from './staging-store.js';

const READ_CHUNK_BYTES = 1 << 20;
/** Files being written end in this until they are whole; `list` never shows them. */
const PARTIAL = '.partial';

/** A staging store on the local filesystem (or a shared volume), under `root`. */
export class FileStagingStore implements StagingStore {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  urlFor(key: string): string {
    return pathToFileURL(this.pathOf(key)).href;
  }

  /**
   * Writes to a temporary file beside `key` and renames it into place when the stream finishes, so the file is
   * there only once it is whole: a worker that dies mid-write leaves a `.partial` file, never a short one.
   */
  openWrite(key: string): Writable {
    const file = this.pathOf(key);
    mkdirSync(path.dirname(file), { recursive: true });
    const partial = `${file}.${randomBytes(6).toString('hex')}${PARTIAL}`;
    const sink = createWriteStream(partial);
    const out = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        if (sink.write(chunk)) callback();
        else sink.once('drain', () => callback());
      },
      final(callback) {
        sink.end(() => {
          rename(partial, file).then(() => callback(), callback);
        });
      },
      destroy(err, callback) {
        // The temporary file goes once its stream has closed (it may not even be open yet).
        sink.once('close', () => void unlink(partial).catch(() => undefined));
        sink.destroy();
        callback(err);
      },
    });
    sink.on('error', (err) => out.destroy(err));
    return out;
  }

  /** Reads in 1 MiB chunks: staged files are large and read whole, and each chunk costs a turn of the loop. */
  openRead(url: string): Readable {
    return createReadStream(fileURLToPath(url), { highWaterMark: READ_CHUNK_BYTES });
  }

  async exists(url: string): Promise<boolean> {
    try {
      await stat(fileURLToPath(url));
      return true;
    } catch {
      return false;
    }
  }

  /** A hard link of a whole temporary file: `link` fails when the name is taken, so one writer wins. */
  async createIfAbsent(key: string, text: string): Promise<boolean> {
    const file = this.pathOf(key);
    mkdirSync(path.dirname(file), { recursive: true });
    const partial = `${file}.${randomBytes(6).toString('hex')}${PARTIAL}`;
    await writeFile(partial, text);
    try {
      await link(partial, file);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    } finally {
      await unlink(partial).catch(() => undefined);
    }
  }

  async list(prefix: string): Promise<string[]> {
    const wanted = this.keyOf(prefix);
    // Walk only the folder the prefix names (`a/b/` or the folder of `a/b/c`), then filter by the prefix.
    const start = wanted.endsWith('/') || wanted === '' ? wanted : path.posix.dirname(wanted);
    const keys: string[] = [];
    const walk = async (folder: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(path.join(this.root, ...folder.split('/').filter(Boolean)), { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      for (const entry of entries) {
        const key = folder ? `${folder.replace(/\/$/, '')}/${entry.name}` : entry.name;
        if (entry.isDirectory()) await walk(key);
        else if (entry.isFile() && !entry.name.endsWith(PARTIAL) && key.startsWith(wanted)) keys.push(key);
      }
    };
    await walk(start === '.' ? '' : start);
    return keys.sort();
  }

  private keyOf(key: string): string {
    const parts = key.split('/').filter((p) => p && p !== '.' && p !== '..');
    return parts.join('/') + (key.endsWith('/') && parts.length ? '/' : '');
  }

  private pathOf(key: string): string {
    const parts = key.split('/').filter((p) => p && p !== '.' && p !== '..');
    return path.join(this.root, ...parts);
  }
}
