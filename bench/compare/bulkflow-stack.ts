/**
 * bulkflow as its users run it: a Temporal dev server, a `bulkflow worker` process (optionally under
 * `node --cpu-prof`), and the `bulkflow ingest` / `bulkflow query` command line, each run timed from spawn to
 * exit. The workflow's own duration (start to close, from Temporal) is reported beside it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Client, Connection } from '@temporalio/client';
import { startDevServer, type DevServer } from '../../cli/dev/dev-server.js';
import { requireTemporalCli } from '../../cli/dev/temporal-binaries.js';
import { BIN, workerEnv } from '../../test/helpers/processes.js';
import { runNode, SOQL } from './protocol.js';

export interface BulkflowStackOptions {
  emulatorUrl: string;
  stagingDir: string;
  /** Write the worker's CPU profile here when it stops (`node --cpu-prof --cpu-prof-dir`). */
  cpuProfileDir?: string;
}

export interface BulkflowRun {
  workflowId: string;
  /** `bulkflow ingest|query` from spawn to exit. */
  wallMs: number;
  /** The workflow's start to close, as Temporal recorded it. */
  workflowMs: number;
  rows: number;
  failed: number;
}

interface IngestOutput {
  workflowId: string;
  state: string;
  records: { total: number; successful: number; failed: number; unprocessed: number };
}

interface QueryOutput {
  workflowId: string;
  state: string;
  records: { total: number };
}

export class BulkflowStack {
  private constructor(
    private readonly temporal: DevServer,
    private readonly connection: Connection,
    readonly client: Client,
    readonly worker: ChildProcess,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** Starts the server and the worker; resolves once the worker has bundled its workflows and polls. */
  static async start(options: BulkflowStackOptions): Promise<BulkflowStack> {
    const temporal = await startDevServer({ binary: requireTemporalCli().path });
    const taskQueue = 'bench-compare';
    const env = workerEnv({
      temporalAddress: temporal.address,
      taskQueue,
      emulatorUrl: options.emulatorUrl,
      stagingDir: options.stagingDir,
    });
    const nodeFlags = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
    const worker = spawn(process.execPath, [...nodeFlags, BIN, 'worker'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await polling(worker);
    } catch (err) {
      await temporal.stop();
      throw err;
    }
    const connection = await Connection.connect({ address: temporal.address });
    return new BulkflowStack(temporal, connection, new Client({ connection }), worker, env);
  }

  /** `bulkflow ingest --object Contact --operation insert --file <file> --json`. */
  async ingest(file: string): Promise<BulkflowRun> {
    const { wallMs, stdout } = await runNode(
      [BIN, 'ingest', '--object', 'Contact', '--operation', 'insert', '--file', file, '--json'],
      this.env,
    );
    const out = JSON.parse(stdout) as IngestOutput;
    if (out.state !== 'Completed') throw new Error(`bulkflow ingest ended ${out.state}: ${stdout}`);
    const { successful, failed, unprocessed } = out.records;
    const workflowMs = await this.duration(out.workflowId);
    return { workflowId: out.workflowId, wallMs, workflowMs, rows: successful + failed + unprocessed, failed };
  }

  /** `bulkflow query --soql <SOQL> --out <file> --json`. */
  async query(outFile: string): Promise<BulkflowRun> {
    const { wallMs, stdout } = await runNode([BIN, 'query', '--soql', SOQL, '--out', outFile, '--json'], this.env);
    const out = JSON.parse(stdout) as QueryOutput;
    if (out.state !== 'Completed') throw new Error(`bulkflow query ended ${out.state}: ${stdout}`);
    const workflowMs = await this.duration(out.workflowId);
    return { workflowId: out.workflowId, wallMs, workflowMs, rows: out.records.total, failed: 0 };
  }

  private async duration(workflowId: string): Promise<number> {
    const info = await this.client.workflow.getHandle(workflowId).describe();
    if (!info.closeTime) throw new Error(`workflow ${workflowId} has not closed`);
    return info.closeTime.getTime() - info.startTime.getTime();
  }

  /** Stops the worker (SIGTERM: it finishes, and writes its CPU profile), then the server. */
  async stop(): Promise<void> {
    await this.connection.close().catch(() => undefined);
    if (this.worker.exitCode === null && this.worker.signalCode === null) {
      const exited = once(this.worker, 'exit');
      this.worker.kill('SIGTERM');
      await exited;
    }
    await this.temporal.stop();
  }
}

async function polling(worker: ChildProcess, timeoutMs = 120_000): Promise<void> {
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the worker did not start in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (d: Buffer) => {
      output += d.toString('utf8');
      if (output.includes('bulkflow worker polling')) {
        clearTimeout(timer);
        worker.stdout?.off('data', onData);
        worker.stderr?.off('data', onData);
        resolve();
      }
    };
    worker.stdout?.on('data', onData);
    worker.stderr?.on('data', onData);
    worker.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the worker exited (${code}) during start-up:\n${output}`));
    });
  });
  // Keep draining its output so that a chatty worker never blocks on a full pipe.
  worker.stdout?.resume();
  worker.stderr?.resume();
}
