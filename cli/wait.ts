import type { WorkflowHandle } from '@temporalio/client';
import { progressQuery } from '../workflows/contract.js';
import { createProgressView } from './progress.js';

/**
 * Waits for a bulk workflow's result, showing its progress every `intervalMs` unless `quiet`.
 * The result promise decides when to stop; the query loop only reports.
 */
export async function waitWithProgress<T>(
  handle: Pick<WorkflowHandle, 'query'> & { result(): Promise<T> },
  options: { quiet: boolean; intervalMs?: number },
): Promise<T> {
  const result = handle.result();
  if (options.quiet) return result;
  const view = createProgressView();
  let done = false;
  const settled = result.finally(() => (done = true));
  try {
    while (!done) {
      try {
        view.update(await handle.query(progressQuery));
      } catch {
        // The workflow may not have run its first task yet, or may have just closed.
      }
      await Promise.race([
        settled.catch(() => undefined),
        new Promise((r) => setTimeout(r, options.intervalMs ?? 500)),
      ]);
    }
    return await result;
  } finally {
    view.stop();
  }
}
