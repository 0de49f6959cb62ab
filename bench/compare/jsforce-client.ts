/**
 * jsforce 3.10 as its users call it: OAuth password login, `bulk2.loadAndWaitForResults` (results parsed into
 * arrays, jsforce's only form of them) and `bulk2.query` with its CSV data stream piped to a file. Polls every
 * 250 ms, like the raw baseline.
 *
 * Run by `bench/compare.ts`: `node --import tsx bench/compare/jsforce-client.ts ingest|query <url> <file> <outDir>`.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Connection } from 'jsforce';
import { DEV_CREDENTIALS } from '../../emulator/auth/credentials.js';
import { API_VERSION, POLL_MS, reportFromChild, SOQL, type ChildReport } from './protocol.js';

const POLL = { pollInterval: POLL_MS, pollTimeout: 3_600_000 };

async function run(mode: string, url: string, file: string, outDir: string): Promise<ChildReport> {
  const start = performance.now();
  const conn = new Connection({
    oauth2: { loginUrl: url, clientId: DEV_CREDENTIALS.clientId, clientSecret: DEV_CREDENTIALS.clientSecret },
    version: API_VERSION,
  });
  await conn.login(DEV_CREDENTIALS.username, DEV_CREDENTIALS.password + DEV_CREDENTIALS.securityToken);
  if (mode === 'query') {
    const out = join(outDir, `jsforce-query-${Date.now()}.csv`);
    const records = await conn.bulk2.query(SOQL, POLL);
    let lines = 0;
    const data = records.stream('csv');
    data.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines += 1;
    });
    await pipeline(data, createWriteStream(out));
    return { workMs: performance.now() - start, rows: lines - 1, failed: 0, maxRssKb: 0 };
  }
  const results = await conn.bulk2.loadAndWaitForResults({
    object: 'Contact',
    operation: 'insert',
    input: createReadStream(file),
    ...POLL,
  });
  const { successfulResults, failedResults, unprocessedRecords } = results;
  return {
    workMs: performance.now() - start,
    rows: successfulResults.length + failedResults.length + unprocessedRecords.length,
    failed: failedResults.length,
    maxRssKb: 0,
  };
}

const [, , mode = '', url = '', file = '', outDir = ''] = process.argv;
reportFromChild(async () => ({ ...(await run(mode, url, file, outDir)), maxRssKb: process.resourceUsage().maxRSS }));
