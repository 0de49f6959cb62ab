/**
 * History events per 1,000,000 rows: inserts 1M generated Contacts through bulkIngestWorkflow on a
 * local Temporal server and the emulator, then sums the events of every run of the parent and its
 * children (continue-as-new runs included). Also reports the polls, since on a real org a job's
 * duration (and so its polls) is set by Salesforce, not by bulkflow.
 *
 *   node --import tsx bench/history-events.ts [rows] [recordsPerSecond]
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startBulkIngest } from '../client/starters.js';
import { startLocalStack } from '../cli/dev/local-stack.js';
import { writeDemoContacts } from '../cli/dev/demo.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const rate = process.argv[3] ? Number(process.argv[3]) : undefined;
const file = path.resolve('.bulkflow', 'bench', `contacts-${rows}.csv`);
await writeDemoContacts(file, rows);
const stack = await startLocalStack(rate ? { recordsPerSecond: rate } : {});
try {
  const started = Date.now();
  const workflowId = `history-bench-${rows}-${Date.now()}`;
  const handle = await startBulkIngest(
    stack.client,
    { object: 'Contact', operation: 'insert', source: { url: pathToFileURL(file).href } },
    { taskQueue: stack.taskQueue, workflowId },
  );
  const result = await handle.result();
  const seconds = (Date.now() - started) / 1000;
  const runs: Array<{ id: string; events: number }> = [];
  for await (const wf of stack.client.workflow.list({ query: `WorkflowId STARTS_WITH '${workflowId}'` })) {
    runs.push({ id: wf.workflowId, events: wf.historyLength });
  }
  const total = runs.reduce((n, r) => n + r.events, 0);
  const largest = Math.max(...runs.map((r) => r.events));
  process.stdout.write(
    [
      `rows: ${rows}, state ${result.state}, successful ${result.records.successful}, jobs ${result.jobs.length}, ${seconds.toFixed(1)} s`,
      `workflow runs: ${runs.length} (${runs.map((r) => `${r.id.replace(workflowId, '') || 'parent'}=${r.events}`).join(', ')})`,
      `history events: ${total} in all, ${largest} in the largest run, ${((total / rows) * 1_000_000).toFixed(0)} per 1,000,000 rows`,
      '',
    ].join('\n'),
  );
} finally {
  await stack.close();
}
