/**
 * A Bulk 2.0 upload as received: in memory while small, in a file of the emulator's scratch folder past
 * {@link UPLOAD_MEMORY_BYTES}, so that jobs of 100 MB uploaded side by side do not hold their bytes in memory
 * while they are processed. Read back a piece at a time by the upload reader.
 */
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError, decodedBody } from '../http/http-helpers.js';
import type { WorkDir } from '../work-dir.js';

/** Bytes of an upload kept in memory; a larger one goes to a file. */
export const UPLOAD_MEMORY_BYTES = 1024 * 1024;

/** An upload's bytes. */
export interface UploadData {
  readonly length: number;
  /** Bytes [start, end), end past the length reading to the end. */
  read(start: number, end: number): Buffer;
  /** Frees the memory or removes the file. */
  release(): void;
}

/** Bytes held in memory. */
export function bufferData(buffer: Buffer): UploadData {
  return {
    length: buffer.length,
    read: (start, end) => buffer.subarray(start, Math.min(end, buffer.length)),
    release: () => undefined,
  };
}

/** Bytes in a file, read with positioned reads. */
class FileData implements UploadData {
  #fd: number | undefined;

  constructor(
    readonly path: string,
    fd: number,
    readonly length: number,
  ) {
    this.#fd = fd;
  }

  read(start: number, end: number): Buffer {
    const stop = Math.min(end, this.length);
    if (this.#fd === undefined || stop <= start) return Buffer.alloc(0);
    const buffer = Buffer.allocUnsafe(stop - start);
    const read = readSync(this.#fd, buffer, 0, buffer.length, start);
    return read === buffer.length ? buffer : buffer.subarray(0, read);
  }

  release(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
    rmSync(this.path, { force: true });
  }
}

/**
 * Receives a request body (inflated if compressed) as upload data: the first megabyte in memory, and the whole
 * of it in a file once it is larger. Past `limit` it keeps reading, so the client can finish sending, stores
 * nothing more and throws {@link BodyTooLargeError}.
 */
export async function receiveUpload(req: IncomingMessage, limit: number, workDir: WorkDir): Promise<UploadData> {
  const chunks: Buffer[] = [];
  let size = 0;
  let file: { path: string; fd: number } | undefined;
  try {
    for await (const chunk of decodedBody(req)) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > limit) continue;
      if (file) {
        writeSync(file.fd, buffer);
        continue;
      }
      chunks.push(buffer);
      if (size <= UPLOAD_MEMORY_BYTES) continue;
      const path = workDir.newFile('upload.csv');
      file = { path, fd: openSync(path, 'w+') };
      for (const held of chunks.splice(0)) writeSync(file.fd, held);
    }
  } catch (error) {
    if (file) {
      closeSync(file.fd);
      rmSync(file.path, { force: true });
    }
    throw error;
  }
  if (size > limit) {
    if (file) new FileData(file.path, file.fd, 0).release();
    throw new BodyTooLargeError(limit);
  }
  return file ? new FileData(file.path, file.fd, size) : bufferData(Buffer.concat(chunks));
}
