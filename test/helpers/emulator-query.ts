/** Queries against the emulator over HTTP: REST query (all pages) and Bulk 2.0 query jobs (all result pages). */
import assert from 'node:assert/strict';
import Papa from 'papaparse';
import { API } from './emulator-http.js';
import { eventually } from './eventually.js';

/** A fetch under `/services/data/vXX.X` with a bearer token. */
export type DataCall = (path: string, init?: RequestInit) => Promise<Response>;

export function dataClient(baseUrl: string, token: string, version = API): DataCall {
  const base = `${baseUrl}/services/data/${version}`;
  return (path, init = {}) =>
    fetch(`${base}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, ...init.headers } });
}

/** Every record of a REST query (`query` or `queryAll`), following nextRecordsUrl. */
export async function restQueryAll(
  baseUrl: string,
  token: string,
  soql: string,
  resource = 'query',
): Promise<Array<Record<string, unknown>>> {
  const records: Array<Record<string, unknown>> = [];
  let next: string | undefined = `/services/data/${API}/${resource}?q=${encodeURIComponent(soql)}`;
  while (next !== undefined) {
    const res = await fetch(`${baseUrl}${next}`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200, await res.clone().text());
    const page = (await res.json()) as { records: Array<Record<string, unknown>>; nextRecordsUrl?: string };
    records.push(...page.records);
    next = page.nextRecordsUrl;
  }
  return records;
}

export type QueryJobInfo = Record<string, unknown> & { id: string; state: string };

/** Creates a Bulk 2.0 query job and waits until it ends; returns its final info. */
export async function runBulkQuery(data: DataCall, soql: string, operation = 'query'): Promise<QueryJobInfo> {
  const res = await data('/jobs/query', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ operation, query: soql }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const { id } = (await res.json()) as QueryJobInfo;
  return eventually(async () => (await (await data(`/jobs/query/${id}`)).json()) as QueryJobInfo, {
    until: (job) => ['JobComplete', 'Failed', 'Aborted'].includes(job.state),
    timeoutMs: 10_000,
    what: `query job ${id} to end`,
  });
}

/** Every row of a completed Bulk 2.0 query job, following Sforce-Locator. */
export async function bulkQueryRows(data: DataCall, jobId: string): Promise<Record<string, string>[]> {
  const rows: Record<string, string>[] = [];
  let locator = '';
  for (;;) {
    const res = await data(`/jobs/query/${jobId}/results${locator === '' ? '' : `?locator=${locator}`}`);
    assert.equal(res.status, 200, await res.clone().text());
    rows.push(...Papa.parse<Record<string, string>>(await res.text(), { header: true, skipEmptyLines: true }).data);
    locator = res.headers.get('sforce-locator') ?? 'null';
    if (locator === 'null') return rows;
  }
}
