/**
 * Opening a job's input by URL. Only `file://` for now; `s3://` and `https://` come with the
 * orchestration work.
 */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { SalesforceInputError } from '../salesforce/index.js';

export async function openSource(url: string): Promise<Readable> {
  if (!url.startsWith('file://')) {
    throw new SalesforceInputError(`Unsupported input URL scheme in ${url.split(':')[0]}:…; use file://`);
  }
  const file = fileURLToPath(url);
  try {
    await access(file);
  } catch {
    throw new SalesforceInputError(`Input file not found: ${file}`);
  }
  return createReadStream(file);
}
