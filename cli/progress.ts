/**
 * Shows a bulk workflow's progress while a command waits for it: a bar on a terminal, one line per
 * change otherwise (CI logs, pipes). Reads the workflow's `progress` query.
 */
import { SingleBar, Presets } from 'cli-progress';
import type { BulkProgress } from '../workflows/contract.js';

export interface ProgressView {
  update(p: BulkProgress): void;
  stop(): void;
}

export function createProgressView(stream: NodeJS.WriteStream = process.stdout): ProgressView {
  if (stream.isTTY) {
    const bar = new SingleBar(
      { format: '{state} |{bar}| {value}/{total} rows processed, {failed} failed', stream, hideCursor: true },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        const payload = { state: p.state.padEnd(11), failed: p.records.failed };
        if (!started) {
          bar.start(Math.max(p.records.total, 1), p.records.processed, payload);
          started = true;
        } else {
          bar.setTotal(Math.max(p.records.total, 1));
          bar.update(p.records.processed, payload);
        }
      },
      stop: () => bar.stop(),
    };
  }
  let last = '';
  return {
    update(p) {
      const jobs = p.jobs.map((j) => `${j.id} ${j.state}`).join(', ');
      const line = `${p.state}: ${p.records.processed}/${p.records.total} rows processed, ${p.records.failed} failed${jobs ? ` [${jobs}]` : ''}`;
      if (line !== last) stream.write(`${line}\n`);
      last = line;
    },
    stop: () => undefined,
  };
}
