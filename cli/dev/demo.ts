/**
 * `bulkflow demo`: one real bulk job, end to end, on a machine with nothing running. Starts a local
 * Temporal server, the emulator and a worker; inserts generated Contacts through
 * `bulkIngestWorkflow`; shows progress; checks the org; prints a summary.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatCsvRow } from '../../csv/csv.js';
import { exitCodeFor, formatIngestSummary, printJson } from '../output.js';
import { waitWithProgress } from '../wait.js';
import { startBulkIngest } from '../../client/starters.js';
import { startLocalStack } from './local-stack.js';

export interface DemoOptions {
  rows: number;
  /** Emulator processing speed, so that progress is visible. */
  recordsPerSecond?: number;
  json?: boolean;
  workDir?: string;
}

const FIRST = ['Ada', 'Grace', 'Linus', 'Zoë', 'José', 'Björn', 'Amélie', 'Chidi', 'Mei', 'Søren'];
const LAST = [
  'Lovelace',
  'Hopper',
  'Torvalds',
  "O'Brien",
  'Nuñez',
  'Müller',
  'Dubois',
  'Okafor',
  'Chen',
  'Kierkegaard',
];

/** Writes `rows` Contacts with the awkward data real files have: quotes, commas, newlines, accents. */
export async function writeDemoContacts(file: string, rows: number): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const out = createWriteStream(file);
  out.write(formatCsvRow(['FirstName', 'LastName', 'Email', 'Title', 'Description']));
  for (let i = 0; i < rows; i++) {
    const first = FIRST[i % FIRST.length] ?? 'Ada';
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length] ?? 'Lovelace';
    const line = formatCsvRow([
      first,
      `${last} ${i}`,
      `contact${i}@example.com`,
      i % 3 === 0 ? 'VP, Engineering' : 'Engineer',
      i % 7 === 0 ? `Row ${i}: said "hello",\nthen left` : `Row ${i}`,
    ]);
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export async function runDemo(options: DemoOptions): Promise<number> {
  const workDir = path.resolve(options.workDir ?? path.join('.bulkflow', 'demo'));
  const say = (line: string) => {
    if (!options.json) process.stdout.write(`${line}\n`);
  };
  const file = path.join(workDir, `contacts-${options.rows}.csv`);
  await writeDemoContacts(file, options.rows);
  say(`wrote ${options.rows} generated Contacts to ${file}`);
  const stack = await startLocalStack({
    ...(options.recordsPerSecond ? { recordsPerSecond: options.recordsPerSecond } : {}),
  });
  try {
    say(
      `Temporal dev server at ${stack.temporal.address}; Salesforce emulator at ${stack.emulator.url}; worker on "${stack.taskQueue}"`,
    );
    const handle = await startBulkIngest(
      stack.client,
      { object: 'Contact', operation: 'insert', source: { url: pathToFileURL(file).href } },
      { taskQueue: stack.taskQueue, workflowId: `demo-contacts-${Date.now()}` },
    );
    say(`started workflow ${handle.workflowId}`);
    const result = await waitWithProgress(handle, { quiet: Boolean(options.json) });
    const res = await fetch(`${stack.emulator.url}/__emulator/sobjects/Contact/records`);
    const inOrg = ((await res.json()) as unknown[]).length;
    if (options.json) printJson({ workflowId: handle.workflowId, contactsInOrg: inOrg, ...result });
    else {
      process.stdout.write(formatIngestSummary(handle.workflowId, result));
      say(`the emulated org now holds ${inOrg} Contacts`);
    }
    const complete = result.records.successful === options.rows && inOrg === options.rows;
    return complete ? exitCodeFor(result) : 1;
  } finally {
    await stack.close();
  }
}
