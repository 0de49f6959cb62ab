/**
 * The topology test's processes: each service a child process in its own process group (so that a kill
 * reaches what it started too), its output in a log file and a tail in memory, and every one of them
 * killed when the test ends, also when it fails or the test process exits early (an `exit` handler), and
 * even when the test process is SIGKILLed (setpriv's parent-death signal, where util-linux is installed).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Service {
  name: string;
  child: ChildProcess;
  /** The last 64 KiB of stdout and stderr, with the run's secrets masked. */
  output(): string;
  /** Settles when the process has exited. */
  exited: Promise<Exit>;
  running(): boolean;
  /** Signals the process group and waits for the exit; SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<Exit>;
}

const TAIL = 64 * 1024;
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((f) => existsSync(f));

export class Processes {
  readonly #live = new Set<Service>();
  readonly #secrets: string[] = [];
  readonly #leaks = new Set<string>();
  readonly #unexpected: string[] = [];
  readonly #logs: WriteStream[] = [];
  readonly #onExit = () => this.killAllNow();

  constructor(readonly logDir: string) {
    process.once('exit', this.#onExit);
  }

  /** Values masked in every output and message (passwords, keys), so that none reaches a log. */
  addSecrets(...values: Array<string | undefined>): void {
    for (const v of values) if (v && v.length >= 6 && !this.#secrets.includes(v)) this.#secrets.push(v);
  }

  mask(text: string): string {
    return this.#secrets.reduce((t, secret) => t.split(secret).join('***'), text);
  }

  /** Which processes wrote which secret (by its number, never its value); empty when none did. */
  leaks(): string[] {
    return [...this.#leaks];
  }

  /** Services that exited without being stopped, with their exit and last output: why a later step failed. */
  unexpectedExits(): string[] {
    return [...this.#unexpected];
  }

  /** {@link unexpectedExits} as a paragraph for an error message; empty when there were none. */
  meanwhile(): string {
    return this.#unexpected.length ? `\nMeanwhile:\n${this.#unexpected.join('\n')}` : '';
  }

  start(
    name: string,
    file: string,
    args: readonly string[],
    options: SpawnOptions & { oneShot?: boolean } = {},
  ): Service {
    // With util-linux's setpriv, a process is also SIGKILLed when the test process dies without cleaning up.
    const [program, argv] =
      SETPRIV && path.basename(file) !== 'setpriv'
        ? [SETPRIV, ['--pdeathsig', 'SIGKILL', '--', file, ...args]]
        : [file, [...args]];
    const child = spawn(program, argv, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(path.join(this.logDir, `${name}.log`), { flags: 'a' });
    this.#logs.push(log);
    let tail = '';
    let carry = '';
    const keep = (chunk: Buffer) => {
      const text = chunk.toString();
      // A secret split across two chunks is still seen: the end of the last one is looked at again.
      const seen = carry + text;
      for (const secret of this.#secrets)
        if (seen.includes(secret)) this.#leaks.add(`${name}: secret #${this.#secrets.indexOf(secret) + 1}`);
      carry = seen.slice(-64);
      tail = (tail + text).slice(-TAIL);
      log.write(this.mask(text));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const exited = new Promise<Exit>((resolve) => {
      child.once('error', (err) => {
        tail += `\n[${name}: ${err.message}]`;
        resolve({ code: null, signal: null });
      });
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    let stopping = false;
    const service: Service = {
      name,
      child,
      exited,
      output: () => this.mask(tail),
      running: () => child.exitCode === null && child.signalCode === null && child.pid !== undefined,
      stop: async (signal = 'SIGTERM', graceMs = 10_000) => {
        stopping = true;
        if (service.running()) signalGroup(child, signal);
        const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
        try {
          return await exited;
        } finally {
          clearTimeout(timer);
          this.#live.delete(service);
        }
      },
    };
    this.#live.add(service);
    void exited.then((exit) => {
      if (!stopping && !options.oneShot) {
        this.#unexpected.push(
          `- ${name} exited (${exit.code ?? exit.signal}); its last output:\n${this.mask(tail).slice(-3000)}`,
        );
      }
      // A group's other members (a shell's children) go with their leader.
      signalGroup(child, 'SIGKILL');
      this.#live.delete(service);
    });
    return service;
  }

  /** Runs a process to its end, failing with its output when it exits otherwise than with 0 or outlives `timeoutMs`. */
  async run(
    name: string,
    file: string,
    args: readonly string[],
    options: SpawnOptions & { timeoutMs: number },
  ): Promise<string> {
    const service = this.start(name, file, args, { ...options, oneShot: true });
    const timedOut = sleep(options.timeoutMs, 'timeout' as const, { ref: false });
    const outcome = await Promise.race([service.exited, timedOut]);
    if (outcome === 'timeout') {
      await service.stop('SIGKILL');
      throw new Error(
        `${name} did not finish within ${options.timeoutMs} ms; its output:\n${service.output()}${this.meanwhile()}`,
      );
    }
    if (outcome.code !== 0) {
      throw new Error(
        `${name} failed (exit ${outcome.code ?? outcome.signal}); its output:\n${service.output() || '(none)'}${this.meanwhile()}`,
      );
    }
    return service.output();
  }

  /** Stops every live process: SIGTERM, then SIGKILL after `graceMs`. */
  async stopAll(graceMs = 10_000): Promise<void> {
    await Promise.all([...this.#live].reverse().map((s) => s.stop('SIGTERM', graceMs)));
    await Promise.all(this.#logs.map((log) => new Promise((resolve) => log.end(resolve))));
    process.off('exit', this.#onExit);
  }

  /** Synchronous last resort (process exit): SIGKILL to every group still alive. */
  killAllNow(): void {
    for (const service of this.#live) signalGroup(service.child, 'SIGKILL');
    this.#live.clear();
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
