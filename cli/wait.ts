import type { WorkflowHandle } from '@temporalio/client';
import { progressQuery } from '../workflows/contract.js';
import { createProgressView } from './progress.js';

/** How often a waiting command checks that a worker is still there while the workflow shows no progress. */
const WORKER_CHECK_MS = 15_000;

/**
 * Waits for a bulk workflow's result, showing its progress every `intervalMs` unless `quiet`. The result promise
 * decides when to stop; the query loop only reports. While the workflow does not answer its progress query,
 * `workerGone` is asked now and then, and a line on stderr says when no worker is there to run it.
 */
export async function waitWithProgress<T>(
  handle: Pick<WorkflowHandle, 'query'> & { result(): Promise<T> },
  options: { quiet: boolean; intervalMs?: number; workerGone?: () => Promise<string | undefined> },
): Promise<T> {
  const result = handle.result();
  const view = options.quiet ? undefined : createProgressView();
  let done = false;
  const settled = result.finally(() => (done = true));
  let lastAnswer = Date.now();
  let lastCheck = Date.now();
  let warned = false;
  try {
    while (!done) {
      if (view) {
        try {
          view.update(await handle.query(progressQuery));
          lastAnswer = Date.now();
          warned = false;
        } catch {
          // The workflow may not have run its first task yet, or may have just closed.
        }
      }
      const now = Date.now();
      if (options.workerGone && now - lastCheck >= WORKER_CHECK_MS && (!view || now - lastAnswer >= WORKER_CHECK_MS)) {
        lastCheck = now;
        const why = await options.workerGone().catch(() => undefined);
        if (why && !warned) process.stderr.write(`bulkflow: ${why}\n`);
        warned = Boolean(why);
      }
      await Promise.race([
        settled.catch(() => undefined),
        new Promise((r) => setTimeout(r, options.intervalMs ?? 500)),
      ]);
    }
    return await result;
  } finally {
    view?.stop();
  }
}
