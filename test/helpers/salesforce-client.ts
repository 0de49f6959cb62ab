/** Shared set-up for the client tests that run against the in-process emulator over loopback. */
import { Readable, Writable } from 'node:stream';
import { DEV_CREDENTIALS } from '../../emulator/index.js';
import {
  createSalesforceClient,
  OAuthPasswordAuthenticator,
  type Authenticator,
  type ColumnDelimiter,
  type IngestJobInfo,
  type IngestOperation,
  type LineEnding,
  type QueryJobInfo,
  type SalesforceClient,
} from '../../salesforce/index.js';
import { readCsvRows } from '../../csv/csv.js';
import { pollUntil } from '../../salesforce/core/polling.js';

/** Polls fast: the emulator finishes small jobs in milliseconds. */
export const FAST_POLL = { floorMs: 5, initialMs: 5, ceilingMs: 50 };

export function passwordAuth(url: string): Authenticator {
  return new OAuthPasswordAuthenticator({
    loginUrl: url,
    clientId: DEV_CREDENTIALS.clientId,
    clientSecret: DEV_CREDENTIALS.clientSecret,
    username: DEV_CREDENTIALS.username,
    password: DEV_CREDENTIALS.password,
    securityToken: DEV_CREDENTIALS.securityToken,
  });
}

export function clientFor(url: string, auth: Authenticator = passwordAuth(url)): SalesforceClient {
  return createSalesforceClient({ auth });
}

const TERMINAL = new Set(['JobComplete', 'Failed', 'Aborted']);

export interface IngestOptions {
  object?: string;
  operation?: IngestOperation;
  columnDelimiter?: ColumnDelimiter;
  lineEnding?: LineEnding;
  externalIdFieldName?: string;
}

/** Runs one ingest job to its end and returns the final job info. */
export async function ingest(sf: SalesforceClient, csv: string, options: IngestOptions = {}): Promise<IngestJobInfo> {
  const { object = 'Contact', operation = 'insert', ...rest } = options;
  const job = await sf.bulk2Ingest.createJob({ object, operation, ...rest });
  await sf.bulk2Ingest.upload(job.id, () => Readable.from([Buffer.from(csv, 'utf8')]));
  await sf.bulk2Ingest.closeJob(job.id);
  return pollUntil(
    () => sf.bulk2Ingest.getJob(job.id),
    (info) => TERMINAL.has(info.state),
    { policy: FAST_POLL },
  );
}

/** Waits for a query job to end. */
export function waitForQuery(sf: SalesforceClient, jobId: string): Promise<QueryJobInfo> {
  return pollUntil(
    () => sf.bulk2Query.getJob(jobId),
    (info) => TERMINAL.has(info.state),
    { policy: FAST_POLL },
  );
}

/** A writable that keeps what it is given, as text. */
export class MemorySink extends Writable {
  chunks: Buffer[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    callback();
  }

  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** Every row of a CSV text, header first. */
export async function parseCsv(text: string, delimiter = ','): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const row of readCsvRows(Readable.from([text]), { delimiter })) rows.push(row);
  return rows;
}

/** `n` Contact rows: LastName `prefix-i`, Email `prefix-i@example.com`. */
export function contactsCsv(n: number, prefix: string): string {
  let csv = 'LastName,FirstName,Email\n';
  for (let i = 0; i < n; i++) csv += `${prefix}-${i},F${i},${prefix.toLowerCase()}-${i}@example.com\n`;
  return csv;
}
