/**
 * What the comparison's processes tell each other: the report a candidate child prints as its last stdout line,
 * and how the orchestrator runs such a child. Shared by `bench/compare.ts` and the candidate children.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'undici';
import { DEV_CREDENTIALS } from '../../emulator/auth/credentials.js';

/** The query every candidate runs. */
export const SOQL = 'SELECT Id, FirstName, LastName, Email FROM Contact';
/** How often the raw and jsforce candidates poll (bulkflow polls by its own policy). */
export const POLL_MS = 250;
export const API_VERSION = '62.0';

export type Direction = 'ingest' | 'query';

/** What a raw or jsforce child prints (JSON, its last stdout line). */
export interface ChildReport {
  /** Login to results on disk (or in memory, for jsforce ingest), milliseconds. */
  workMs: number;
  /** Ingest: successful + failed + unprocessed; query: rows written. */
  rows: number;
  failed: number;
  /** `process.resourceUsage().maxRSS`, kilobytes. */
  maxRssKb: number;
  /** Raw only: milliseconds per step of the job (`upload`, `waiting`, `download`), in order. */
  stepsMs?: Record<string, number>;
  /** Raw only: the job's `totalProcessingTime` as Salesforce reported it (the longest, with several jobs), ms. */
  processingMs?: number;
  /** Raw ingest: the Bulk 2.0 jobs the input was split into. */
  jobs?: number;
}

/** Prints a child's report as its last line, or the error and a non-zero exit code. */
export function reportFromChild(run: () => Promise<ChildReport>): void {
  run().then(
    (report) => process.stdout.write(`${JSON.stringify(report)}\n`),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}

/** A finished child process: its wall time (spawn to exit) and stdout. */
export interface ChildRun {
  wallMs: number;
  stdout: string;
}

/** Runs `node <args>` to completion; rejects with its output on a non-zero exit. */
export function runNode(args: string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const wallMs = performance.now() - start;
      if (code === 0) resolve({ wallMs, stdout });
      else reject(new Error(`${args.join(' ')} exited ${code ?? signal}:\n${stdout}\n${stderr}`));
    });
  });
}

/** The last non-empty line of a child's stdout, parsed as JSON. */
export function lastJsonLine<T>(stdout: string): T {
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as T;
}

function procStatusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match?.[1]) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]);
}

/** Peak resident set size of a live process (`VmHWM`), kilobytes. */
export function peakRssKb(pid: number): number {
  return procStatusKb(pid, 'VmHWM');
}

/** Resident set size of a live process now (`VmRSS`), kilobytes. */
export function rssKb(pid: number): number {
  return procStatusKb(pid, 'VmRSS');
}

/** Resets a live process's peak RSS to its current RSS (Linux `clear_refs` 5), so the next peak is one run's. */
export function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** The emulator's OAuth password flow with its dev credentials: the token and instance URL. */
export async function passwordLogin(url: string): Promise<{ instanceUrl: string; token: string }> {
  const form = new URLSearchParams({
    grant_type: 'password',
    client_id: DEV_CREDENTIALS.clientId,
    client_secret: DEV_CREDENTIALS.clientSecret,
    username: DEV_CREDENTIALS.username,
    password: DEV_CREDENTIALS.password + DEV_CREDENTIALS.securityToken,
  });
  const res = await request(`${url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  const body = (await res.body.json()) as { access_token: string; instance_url: string };
  return { instanceUrl: body.instance_url, token: body.access_token };
}
