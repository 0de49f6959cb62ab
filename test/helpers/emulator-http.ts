/** Shared steps for emulator tests: log in, drive a Bulk 2.0 ingest job over HTTP, read results. */
import assert from 'node:assert/strict';
import Papa from 'papaparse';
import { DEV_CREDENTIALS } from '../../emulator/index.js';
import { eventually } from './eventually.js';

export const API = 'v62.0';

/** Logs in with the OAuth password flow and returns the access token. */
export async function login(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: DEV_CREDENTIALS.clientId,
      client_secret: DEV_CREDENTIALS.clientSecret,
      username: DEV_CREDENTIALS.username,
      password: DEV_CREDENTIALS.password + DEV_CREDENTIALS.securityToken,
    }),
  });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}

/** A fetch against the ingest API with a bearer token. */
export function ingestClient(baseUrl: string, token: string) {
  const base = `${baseUrl}/services/data/${API}/jobs/ingest`;
  return (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, ...init.headers } });
}

export type Ingest = ReturnType<typeof ingestClient>;

export type JobInfo = Record<string, unknown> & { id: string; state: string };

/** Creates a job and returns its info. */
export async function createJob(ingest: Ingest, body: Record<string, unknown>): Promise<JobInfo> {
  const res = await ingest('', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ contentType: 'CSV', ...body }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as JobInfo;
}

export async function uploadCsv(ingest: Ingest, jobId: string, csv: string | Buffer): Promise<Response> {
  return ingest(`/${jobId}/batches`, { method: 'PUT', headers: { 'Content-Type': 'text/csv' }, body: csv });
}

export async function setState(ingest: Ingest, jobId: string, state: string): Promise<Response> {
  return ingest(`/${jobId}`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ state }),
  });
}

export async function getJob(ingest: Ingest, jobId: string): Promise<JobInfo> {
  const res = await ingest(`/${jobId}`);
  assert.equal(res.status, 200);
  return (await res.json()) as JobInfo;
}

/** Polls job info until the predicate holds (or the deadline passes). */
export function pollJob(
  ingest: Ingest,
  jobId: string,
  predicate: (job: JobInfo) => boolean,
  timeoutMs = 10_000,
): Promise<JobInfo> {
  return eventually(() => getJob(ingest, jobId), {
    until: predicate,
    timeoutMs,
    what: `job ${jobId} to reach the condition`,
  });
}

const FINAL = ['JobComplete', 'Failed', 'Aborted'];

/** Create → upload → UploadComplete → poll to a final state. */
export async function runJob(ingest: Ingest, body: Record<string, unknown>, csv: string | Buffer): Promise<JobInfo> {
  const job = await createJob(ingest, body);
  assert.equal((await uploadCsv(ingest, job.id, csv)).status, 201);
  assert.equal((await setState(ingest, job.id, 'UploadComplete')).status, 200);
  return pollJob(ingest, job.id, (j) => FINAL.includes(j.state));
}

/** A result file: its raw text and its rows keyed by header. */
export async function results(ingest: Ingest, jobId: string, kind: string) {
  const res = await ingest(`/${jobId}/${kind}`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
  const text = await res.text();
  const rows = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
  return { text, rows };
}

/** Records of an object through the admin API. */
export async function adminRecords(baseUrl: string, objectName: string, includeDeleted = false) {
  const query = includeDeleted ? '?includeDeleted=true' : '';
  const res = await fetch(`${baseUrl}/__emulator/sobjects/${objectName}/records${query}`);
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, unknown>[];
}
