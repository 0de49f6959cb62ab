/**
 * Health checks of the topology's services: waiting for one (failing at once when its process exits
 * first), a TCP probe (the compose file's `nc -z`), and free ports in the range the SQL schema accepts.
 */
import { AssertionError } from 'node:assert';
import { connect, createServer } from 'node:net';
import { eventually } from '../helpers/eventually.js';
import { LOOPBACK } from './compose-file.js';
import type { Processes, Service } from './processes.js';

/**
 * A free port below `limit`: the SQL schemas keep membership ports in a smallint column, and the OS's
 * ephemeral ports (32768 and up) overflow it ("value … is out of range for type smallint").
 */
export async function freePortBelow(limit: number): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * (limit - 20_000));
    const server = createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, LOOPBACK, () => resolve(true));
    });
    if (free) {
      await new Promise((resolve) => server.close(resolve));
      return port;
    }
  }
}

/**
 * Waits for a service's health check; fails at once, with the service's output, when its process exits first
 * (an `AssertionError` ends `eventually` at once).
 */
export async function untilHealthy<T>(
  processes: Processes,
  name: string,
  service: Service,
  check: () => T | Promise<T>,
  timeoutMs = 90_000,
): Promise<Exclude<Awaited<T>, false | 0 | 0n | '' | null | undefined>> {
  try {
    return await eventually(
      async () => {
        if (!service.running()) {
          const exit = await service.exited;
          throw new AssertionError({
            message: `the ${name} service exited during start-up (${exit.code !== null ? `exit code ${exit.code}` : exit.signal}); its output:\n${service.output().slice(-6000) || '(none)'}`,
          });
        }
        return check();
      },
      { timeoutMs, intervalMs: 200, what: `the ${name} service to become healthy` },
    );
  } catch (err) {
    if (err instanceof AssertionError) throw err;
    throw new Error(
      `${(err as Error).message}; its output:\n${service.output().slice(-6000)}${processes.meanwhile()}`,
      {
        cause: err,
      },
    );
  }
}

export function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(2_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
