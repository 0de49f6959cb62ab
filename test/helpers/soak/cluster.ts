/**
 * The soak's processes: a Temporal server that can be SIGKILLed and restarted on its database, the moto S3 server
 * shared by the workers for staging, the emulator (in-process, so the ledger can seed and read the org), and a
 * pool of `bulkflow worker` processes that are killed and restarted, with their peak RSS sampled from /proc.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import {
  createSalesforceEmulator,
  type SalesforceEmulator,
  type SalesforceEmulatorOptions,
} from '../../../emulator/index.js';
import { startWorkerProcess, workerEnv, type WorkerProcess } from '../processes.js';
import { startS3Server, type S3TestServer } from '../s3-server.js';
import { startKillableServer, type KillableServer } from '../temporal.js';
import { SOAK_OBJECT } from './ledger.js';

export const INPUT_BUCKET = 'soak-inputs';
export const STAGING_BUCKET = 'soak-staging';

/** Peak and current resident memory of a process, in bytes, from /proc/<pid>/status (Linux). */
export function memoryOf(pid: number): { hwm: number; rss: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
  } catch {
    return undefined; // gone, or not Linux
  }
}

/** One worker slot: the process in it now and what its earlier processes left behind. */
export interface WorkerSlot {
  index: number;
  process: WorkerProcess | undefined;
  pid: number | undefined;
  /** `pid@hostname`, the identity Temporal records for the worker's tasks (the SDK's default). */
  identity: string | undefined;
  starts: number;
  /** Exits the soak did not cause. */
  unexpectedExits: Array<{ at: number; code: number | null; signal: string | null; tail: string }>;
  /** Highest VmHWM seen of any process in this slot. */
  peakRss: number;
  /** Output of processes that are gone, last few KB each. */
  pastOutput: string[];
}

export interface Cluster {
  server: KillableServer;
  s3: S3TestServer;
  emulator: SalesforceEmulator;
  taskQueue: string;
  workers: WorkerSlot[];
  /** The client on the current server (replaced after a server restart). */
  client(): Client;
  /** Starts (or restarts) the worker in a slot and resolves once it polls. */
  startWorker(slot: WorkerSlot): Promise<void>;
  /** {@link startWorker}, tried again (up to 10 times, 3 s apart) while it fails; false if it never started. */
  ensureWorker(slot: WorkerSlot): Promise<boolean>;
  /** SIGKILLs a slot's worker (sampling its memory first) and resolves once it is gone. */
  killWorker(slot: WorkerSlot): Promise<void>;
  /** SIGKILLs the Temporal server, starts it again on the same database, and reconnects the client. */
  restartServer(): Promise<{ downMs: number }>;
  /** Samples every live worker's memory. */
  sampleMemory(): void;
  close(): Promise<void>;
}

export interface ClusterOptions {
  workers: number;
  taskQueue: string;
  emulator: SalesforceEmulatorOptions;
  log: (line: string) => void;
}

const tail = (text: string, bytes = 4_000) => (text.length > bytes ? `…${text.slice(-bytes)}` : text);

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const started: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const stop of started.reverse()) await stop().catch(() => undefined);
  };
  // The AWS SDK's Node 20 notice, once per S3 client, would bury the soak's own output (see CONTRIBUTING).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  try {
    const s3 = await startS3Server();
    started.push(() => s3.stop());
    await s3.createBucket(INPUT_BUCKET);
    await s3.createBucket(STAGING_BUCKET);
    const server = await startKillableServer();
    started.push(() => server.stop());
    const emulator = await createSalesforceEmulator({
      ...options.emulator,
      customObjects: [SOAK_OBJECT, ...(options.emulator.customObjects ?? [])],
    });
    started.push(() => emulator.close());
    let connection = await Connection.connect({ address: server.current.address });
    let client = new Client({ connection });
    const retired: Connection[] = [];
    started.push(() => connection.close());

    const env = {
      ...workerEnv({
        temporalAddress: server.current.address,
        taskQueue: options.taskQueue,
        emulatorUrl: emulator.url,
        stagingDir: '',
      }),
      ...s3.env,
      BULKFLOW_STAGING_URL: `s3://${STAGING_BUCKET}/bulkflow`,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const host = hostname();
    const workers: WorkerSlot[] = Array.from({ length: options.workers }, (_, index) => ({
      index,
      process: undefined,
      pid: undefined,
      identity: undefined,
      starts: 0,
      unexpectedExits: [],
      peakRss: 0,
      pastOutput: [],
    }));
    const expectedExit = new Set<WorkerProcess>();

    const sample = (slot: WorkerSlot) => {
      if (slot.pid === undefined) return;
      const memory = memoryOf(slot.pid);
      if (memory) slot.peakRss = Math.max(slot.peakRss, memory.hwm);
    };

    const cluster: Cluster = {
      server,
      s3,
      emulator,
      taskQueue: options.taskQueue,
      workers,
      client: () => client,
      async startWorker(slot) {
        const proc = await startWorkerProcess(env, 180_000);
        slot.process = proc;
        slot.pid = proc.child.pid;
        slot.identity = `${proc.child.pid}@${host}`;
        slot.starts += 1;
        proc.child.once('exit', (code, signal) => {
          slot.pastOutput = [...slot.pastOutput.slice(-4), tail(proc.output())];
          if (expectedExit.has(proc)) return;
          // Not ours: note it, and put a new worker in the slot so the soak goes on.
          slot.unexpectedExits.push({ at: Date.now(), code, signal, tail: tail(proc.output()) });
          options.log(`worker ${slot.index} (pid ${proc.child.pid}) exited on its own: code ${code}, signal ${signal}`);
          if (slot.process === proc) {
            slot.process = undefined;
            slot.pid = undefined;
            void cluster.ensureWorker(slot);
          }
        });
      },
      async ensureWorker(slot) {
        // A worker cannot start while the server is down (it checks search attributes first): try a few times.
        for (let attempt = 1; ; attempt++) {
          try {
            await cluster.startWorker(slot);
            return true;
          } catch (err) {
            options.log(`starting worker ${slot.index} (attempt ${attempt}): ${String(err).slice(0, 300)}`);
            if (attempt >= 10) return false;
            await sleep(3_000);
          }
        }
      },
      async killWorker(slot) {
        const proc = slot.process;
        if (!proc) return;
        sample(slot);
        expectedExit.add(proc);
        slot.process = undefined;
        slot.pid = undefined;
        await proc.kill();
      },
      async restartServer() {
        const t0 = Date.now();
        await server.kill();
        await server.restart();
        const downMs = Date.now() - t0;
        // A fresh connection, so calls need not wait out the old channel's reconnect back-off. The old one stays
        // open until the end: closing it under calls that its retry interceptor is still retrying throws.
        retired.push(connection);
        connection = await Connection.connect({ address: server.current.address });
        client = new Client({ connection });
        return { downMs };
      },
      sampleMemory() {
        for (const slot of workers) sample(slot);
      },
      async close() {
        // Workers first (gracefully: SIGTERM), then what they talk to.
        await Promise.all(
          workers.map(async (slot) => {
            const proc = slot.process;
            if (!proc) return;
            sample(slot);
            expectedExit.add(proc);
            slot.process = undefined;
            await proc.stop();
          }),
        );
        started.length = 0;
        for (const c of [...retired, connection]) await c.close().catch(() => undefined);
        await emulator.close().catch(() => undefined);
        await server.stop().catch(() => undefined);
        await s3.stop().catch(() => undefined);
      },
    };
    started.push(async () => {
      await Promise.all(
        workers.map(async (slot) => {
          if (!slot.process) return;
          expectedExit.add(slot.process);
          await slot.process.kill();
        }),
      );
    });
    await Promise.all(workers.map((slot) => cluster.startWorker(slot)));
    return cluster;
  } catch (err) {
    await closeAll();
    throw err;
  }
}
