/**
 * A local Temporal server (`temporal server start-dev`) as a child process that the caller owns:
 * the demo runs one, and durability tests kill it or restart it on the same SQLite file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Connection } from '@temporalio/client';
import { searchAttributeFlags } from '../../worker/search-attributes.js';

export interface DevServerOptions {
  /** Path of the `temporal` CLI. */
  binary: string;
  /** Frontend port. @default a free port */
  port?: number;
  /** SQLite file, so that state survives a restart. @default in memory */
  dbFilename?: string;
  /** Serve the web UI on this port (otherwise headless). */
  uiPort?: number;
  /** How long to wait for the frontend to answer. @default 30000 */
  startTimeoutMs?: number;
  /** Register bulkflow's search attributes at start. @default true */
  searchAttributes?: boolean;
  /** Where the server's own output goes. @default 'ignore' */
  stdio?: 'ignore' | 'inherit';
}

export interface DevServer {
  /** `127.0.0.1:<port>`. */
  address: string;
  port: number;
  process: ChildProcess;
  /** SIGTERM, and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL, and wait for exit: a crash, for durability tests. */
  kill(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('could not allocate a port');
  return address.port;
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const port = options.port ?? (await freePort());
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn'];
  args.push(...(options.uiPort ? ['--ui-port', String(options.uiPort)] : ['--headless']));
  if (options.dbFilename) args.push('--db-filename', options.dbFilename);
  if (options.searchAttributes ?? true) {
    for (const flag of searchAttributeFlags()) args.push('--search-attribute', flag);
  }
  const child = spawn(options.binary, args, { stdio: options.stdio ?? 'ignore' });
  const exited = once(child, 'exit').then(([code, signal]: unknown[]) => ({ code: code as number | null, signal }));
  const address = `127.0.0.1:${port}`;
  try {
    await waitForFrontend(address, options.startTimeoutMs ?? 30_000, exited);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const stopWith = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { address, port, process: child, stop: () => stopWith('SIGTERM'), kill: () => stopWith('SIGKILL') };
}

async function waitForFrontend(
  address: string,
  timeoutMs: number,
  exited: Promise<{ code: number | null; signal: unknown }>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone: { code: number | null; signal: unknown } | undefined;
  void exited.then((e) => (gone = e));
  for (;;) {
    if (gone)
      throw new Error(`temporal server exited during start-up (code ${gone.code}, signal ${String(gone.signal)})`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return;
    } catch (err) {
      if (Date.now() > deadline) {
        throw new Error(`temporal server at ${address} did not answer within ${timeoutMs} ms`, { cause: err });
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
