/**
 * Files the command line names, for workers that may run elsewhere. An input given as a URL (`s3://`, `https://`)
 * goes to the workers as it is; a local file is uploaded into the staging store first when one is configured
 * (`BULKFLOW_STAGING_URL`: the store the workers share), with its checksum, so a laptop can feed remote workers;
 * without one it is passed as a `file://` path, which only workers on this machine (or a shared volume) can read.
 * Query output likewise: an `s3://` destination as it is; a local path is written by the workers when they share
 * this machine, else fetched from the staging store once the query has run.
 */
import { accessSync, constants, createWriteStream, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { InputError, InputProblem } from '../common/errors.js';

/** `s3://…`, `https://…` (or loopback `http://…`): a location the workers open themselves. */
export function isUrl(value: string): boolean {
  return /^(s3|https?):\/\//i.test(value);
}

/** Whether the command line has a staging store the workers share (`BULKFLOW_STAGING_URL`). */
export function sharedStaging(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.BULKFLOW_STAGING_URL);
}

/** Refuses a local file that is missing, a folder or unreadable, with the error a workflow would give. */
export function checkReadable(file: string): void {
  const refuse = (message: string) => {
    throw new InputError(message, { problem: InputProblem.NotFound, location: { file } });
  };
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch {
    return refuse(`Input file not found: ${file}`);
  }
  if (!isFile) refuse(`Input is not a file: ${file}`);
  try {
    accessSync(file, constants.R_OK);
  } catch {
    refuse(`Input file cannot be read (permissions): ${file}`);
  }
}

/**
 * The source a job reads `file` from: the URL as it is; an uploaded copy in the shared staging store (progress
 * on stderr unless `quiet`); or, with no store configured, the local path.
 */
export async function inputSource(file: string, quiet: boolean): Promise<{ url: string; sha256?: string }> {
  if (isUrl(file)) return { url: file };
  const local = path.resolve(file);
  checkReadable(local);
  if (!sharedStaging()) return { url: pathToFileURL(local).href };
  const [{ stagingStoreFromEnv }, { uploadInput }, { createByteProgress }] = await Promise.all([
    import('../storage/staging-from-env.js'),
    import('../storage/uploads.js'),
    import('./progress.js'),
  ]);
  const progress = quiet ? undefined : createByteProgress(`uploading ${path.basename(local)}`);
  try {
    const uploaded = await uploadInput(local, stagingStoreFromEnv(), (sent, total) => progress?.update(sent, total));
    return { url: uploaded.url, sha256: uploaded.sha256 };
  } finally {
    progress?.stop();
  }
}

/** A hint for an input the workers could not find at a local path: they do not share this machine. */
export function unreachableInputHint(file: string): string {
  return (
    `The workers could not read ${file}: they do not run on this machine or share its disk. Set ` +
    'BULKFLOW_STAGING_URL to the staging store the workers use (s3://bucket/prefix) so the file is uploaded ' +
    'there first, or pass an s3:// or https:// URL the workers can read.'
  );
}

/** Where a query's records go: an `s3://` URL as it is; a local path here, or (with shared staging) fetched after. */
export function queryDestination(out: string): { destinationUrl?: string; fetchTo?: string } {
  if (isUrl(out)) return { destinationUrl: out };
  const local = path.resolve(out);
  return sharedStaging() ? { fetchTo: local } : { destinationUrl: pathToFileURL(local).href };
}

/** Copies a staged result file to a local path (its folder is made). */
export async function fetchToLocal(url: string, file: string): Promise<void> {
  const { openSource } = await import('../storage/input-sources.js');
  mkdirSync(path.dirname(file), { recursive: true });
  await pipeline(await openSource(url), createWriteStream(file));
}
