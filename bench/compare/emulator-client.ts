/**
 * The orchestrator's handle on the emulator process (`emulator-process.ts`): its URL, reset, and a snapshot of
 * what the candidates have cost so far, requests (the emulator's `GET /__emulator/stats`) and bytes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { WireBytes } from './emulator-process.js';

const ENTRY = fileURLToPath(new URL('./emulator-process.ts', import.meta.url));

/** Requests and bytes at one moment; subtract two to get one run's. */
export interface WireSnapshot extends WireBytes {
  /** API requests (admin calls excluded), summed over the emulator's routes. */
  requests: number;
  /** Per route, for the breakdown of one run. */
  byRoute: Record<string, number>;
}

export class EmulatorProcess {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(): Promise<EmulatorProcess> {
    const child = fork(ENTRY, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const [message] = (await Promise.race([
      once(child, 'message'),
      once(child, 'exit').then(() => {
        throw new Error('the emulator process exited before listening');
      }),
    ])) as [{ url: string }];
    return new EmulatorProcess(message.url, child);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Clears records, jobs and request counts (the byte counters keep running: runs use differences). */
  async reset(): Promise<void> {
    const res = await fetch(`${this.url}/__emulator/reset`, { method: 'POST' });
    if (res.status !== 204) throw new Error(`emulator reset answered ${res.status}`);
  }

  async snapshot(): Promise<WireSnapshot> {
    const stats = (await (await fetch(`${this.url}/__emulator/stats`)).json()) as {
      requests: Record<string, number>;
    };
    const bytes = await this.bytes();
    const requests = Object.values(stats.requests).reduce((n, c) => n + c, 0);
    return { requests, byRoute: stats.requests, ...bytes };
  }

  private async bytes(): Promise<WireBytes> {
    const reply = once(this.child, 'message') as Promise<[{ bytes: WireBytes }]>;
    this.child.send('bytes');
    return (await reply)[0].bytes;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.send('close');
    await exited;
  }
}

/** What happened between two snapshots. */
export function diff(before: WireSnapshot, after: WireSnapshot): WireSnapshot {
  const byRoute: Record<string, number> = {};
  for (const [route, count] of Object.entries(after.byRoute)) {
    const d = count - (before.byRoute[route] ?? 0);
    if (d !== 0) byRoute[route] = d;
  }
  return {
    requests: after.requests - before.requests,
    byRoute,
    requestBytes: after.requestBytes - before.requestBytes,
    responseBytes: after.responseBytes - before.responseBytes,
  };
}
