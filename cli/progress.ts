/**
 * Shows a bulk workflow's progress while a command waits for it: a bar on a terminal, one line per
 * change otherwise (CI logs, pipes). Reads the workflow's `progress` query.
 */
import { SingleBar, Presets } from 'cli-progress';
import type { BulkProgress } from '../workflows/contract.js';
import { rowsLine } from './output.js';

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
      const line = `${rowsLine(p)}${jobs ? ` [${jobs}]` : ''}`;
      if (line !== last) stream.write(`${line}\n`);
      last = line;
    },
    stop: () => undefined,
  };
}

/** A byte count going up to a total (an upload), as a bar on a terminal's stderr, else a line at the end. */
export function createByteProgress(label: string, stream: NodeJS.WriteStream = process.stderr) {
  const size = (bytes: number) => (bytes < 1e6 ? `${Math.ceil(bytes / 1e3)} kB` : `${(bytes / 1e6).toFixed(1)} MB`);
  if (stream.isTTY) {
    const bar = new SingleBar(
      { format: `${label} |{bar}| {sent} of {total}`, stream, hideCursor: true },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update(sent: number, total: number) {
        const payload = { sent: size(sent), total: size(total) };
        if (!started) bar.start(Math.max(total, 1), sent, payload);
        else bar.update(sent, payload);
        started = true;
      },
      stop: () => bar.stop(),
    };
  }
  let last = { sent: 0, total: 0 };
  return {
    update(sent: number, total: number) {
      last = { sent, total };
    },
    stop: () => void stream.write(`${label}: ${size(last.sent)} of ${size(last.total)}\n`),
  };
}
