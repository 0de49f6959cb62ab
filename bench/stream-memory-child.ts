/**
 * One measured run of the memory benchmark, in its own process: the client alone (the emulator runs
 * elsewhere). `idle` only loads the client and logs in; `run` ingests a generated file and queries it back.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { DEV_CREDENTIALS } from '../emulator/auth/credentials.js';
import {
  createSalesforceClient,
  IngestResultKind,
  isRetryable,
  OAuthPasswordAuthenticator,
  type SalesforceClient,
} from '../salesforce/index.js';
import { BULK2_UPLOAD_LIMITS, splitCsv } from '../csv/split.js';
import { openResultFile } from '../salesforce/bulk2/query-pages.js';
import { pollUntil } from '../salesforce/core/polling.js';

export interface ChildReport {
  mode: 'idle' | 'run';
  rows: number;
  inputBytes: number;
  ingestMs: number;
  queryMs: number;
  successRows: number;
  queryRows: number;
  /** Status checks repeated after a connection reset. */
  pollRetries: number;
  /** `process.resourceUsage().maxRSS`, kilobytes. */
  maxRssKb: number;
}

const POLL = { floorMs: 200, initialMs: 200, ceilingMs: 2000 };

/** Connection resets seen while polling (the emulator may block its event loop on a large job). */
let pollRetries = 0;

/** A status check that survives a retryable failure, as the workflow's activity retry policy would. */
function retrying<T>(check: () => Promise<T>): () => Promise<T> {
  return async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await check();
      } catch (err) {
        if (!isRetryable(err) || attempt >= 5) throw err;
        pollRetries += 1;
      }
    }
  };
}
const TERMINAL = new Set(['JobComplete', 'Failed', 'Aborted']);

function client(url: string): SalesforceClient {
  const auth = new OAuthPasswordAuthenticator({
    loginUrl: url,
    clientId: DEV_CREDENTIALS.clientId,
    clientSecret: DEV_CREDENTIALS.clientSecret,
    username: DEV_CREDENTIALS.username,
    password: DEV_CREDENTIALS.password,
    securityToken: DEV_CREDENTIALS.securityToken,
  });
  return createSalesforceClient({ auth });
}

/** split → one Bulk 2.0 job per unit → results streamed to files. Returns the successful row count. */
async function ingest(sf: SalesforceClient, input: string, dir: string): Promise<number> {
  const split = await splitCsv(createReadStream(input), {
    limits: BULK2_UPLOAD_LIMITS,
    openUnit: (index) => createWriteStream(join(dir, `unit-${index}.csv`)),
  });
  let successful = 0;
  for (const unit of split.units) {
    const file = join(dir, `unit-${unit.index}.csv`);
    const job = await sf.bulk2Ingest.createJob({ object: 'Contact', operation: 'insert' });
    await sf.bulk2Ingest.upload(job.id, () => createReadStream(file));
    await sf.bulk2Ingest.closeJob(job.id);
    const done = await pollUntil(
      retrying(() => sf.bulk2Ingest.getJob(job.id)),
      (info) => TERMINAL.has(info.state),
      { policy: POLL },
    );
    if (done.state !== 'JobComplete') throw new Error(`ingest job ended ${done.state}: ${done.errorMessage ?? ''}`);
    for (const kind of Object.values(IngestResultKind)) {
      await sf.bulk2Ingest.downloadResults(job.id, kind, createWriteStream(join(dir, `${job.id}-${kind}.csv`)));
    }
    successful += (done.numberRecordsProcessed ?? 0) - (done.numberRecordsFailed ?? 0);
  }
  return successful;
}

/** A Bulk 2.0 query of every Contact, streamed page by page into one file. */
async function query(sf: SalesforceClient, dir: string): Promise<number> {
  const job = await sf.bulk2Query.createJob({
    query: 'SELECT Id, FirstName, LastName, Email, Phone, Title, Description FROM Contact',
  });
  const done = await pollUntil(
    retrying(() => sf.bulk2Query.getJob(job.id)),
    (info) => TERMINAL.has(info.state),
    { policy: POLL },
  );
  if (done.state !== 'JobComplete') throw new Error(`query job ended ${done.state}`);
  const result = await sf.bulk2Query.streamResults({
    jobId: job.id,
    sink: openResultFile(join(dir, `query-${job.id}.csv`)),
    maxRecords: 50_000,
  });
  return result.records;
}

export async function runChild(mode: 'idle' | 'run', url: string, dir: string, rows: number): Promise<ChildReport> {
  const sf = client(url);
  const report: ChildReport = {
    mode,
    rows,
    inputBytes: 0,
    ingestMs: 0,
    queryMs: 0,
    successRows: 0,
    queryRows: 0,
    pollRetries: 0,
    maxRssKb: 0,
  };
  await sf.limits.getLimits();
  if (mode === 'run') {
    const input = join(dir, `contacts-${rows}.csv`);
    let start = performance.now();
    report.successRows = await ingest(sf, input, dir);
    report.ingestMs = performance.now() - start;
    if (report.successRows !== rows) throw new Error(`${report.successRows} of ${rows} rows were inserted`);
    start = performance.now();
    report.queryRows = await query(sf, dir);
    report.queryMs = performance.now() - start;
    if (report.queryRows !== rows) throw new Error(`the query returned ${report.queryRows} of ${rows} rows`);
  }
  report.pollRetries = pollRetries;
  report.maxRssKb = process.resourceUsage().maxRSS;
  return report;
}
