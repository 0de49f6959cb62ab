/** Reading the emulated org and result files, for assertions about outcomes. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';

export type OrgRecord = Record<string, unknown> & { Id: string };

export async function orgRecords(emulatorUrl: string, object: string): Promise<OrgRecord[]> {
  const res = await fetch(`${emulatorUrl}/__emulator/sobjects/${object}/records`);
  if (!res.ok) throw new Error(`admin endpoint answered ${res.status}`);
  return (await res.json()) as OrgRecord[];
}

export interface EmulatorStats {
  requests: Record<string, number>;
  jobs: Array<{ id: string; state: string; object: string; operation: string }>;
}

export async function emulatorStats(emulatorUrl: string): Promise<EmulatorStats> {
  const res = await fetch(`${emulatorUrl}/__emulator/stats`);
  return (await res.json()) as EmulatorStats;
}

/** Parses a CSV file (by file:// URL or path) into objects keyed by header. */
export function readCsvFile(urlOrPath: string): Record<string, string>[] {
  const file = urlOrPath.startsWith('file://') ? fileURLToPath(urlOrPath) : urlOrPath;
  const parsed = Papa.parse<Record<string, string>>(readFileSync(file, 'utf8'), {
    header: true,
    skipEmptyLines: true,
  });
  if (parsed.errors.length > 0) throw new Error(`bad CSV in ${file}: ${parsed.errors[0]?.message}`);
  return parsed.data;
}
