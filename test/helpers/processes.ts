/**
 * Real bulkflow processes for tests: workers that can be killed with SIGKILL, and the command line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { DEV_CREDENTIALS } from '../../emulator/index.js';

export const BIN = fileURLToPath(new URL('../../bin/bulkflow.js', import.meta.url));

export interface WorkerEnv {
  temporalAddress: string;
  taskQueue: string;
  emulatorUrl: string;
  stagingDir: string;
}

/** The environment a worker needs to reach Temporal and the emulator with its dev credentials. */
export function workerEnv(e: WorkerEnv): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TEMPORAL_ADDRESS: e.temporalAddress,
    BULKFLOW_TASK_QUEUE: e.taskQueue,
    BULKFLOW_STAGING_URL: `file://${e.stagingDir}`,
    SF_LOGIN_URL: e.emulatorUrl,
    SF_USERNAME: DEV_CREDENTIALS.username,
    SF_PASSWORD: DEV_CREDENTIALS.password,
    SF_SECURITY_TOKEN: DEV_CREDENTIALS.securityToken,
    SF_CLIENT_ID: DEV_CREDENTIALS.clientId,
    SF_CLIENT_SECRET: DEV_CREDENTIALS.clientSecret,
  };
}

export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `bulkflow worker` and resolves once it polls its task queue. */
export async function startWorkerProcess(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [BIN, 'worker'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = once(child, 'exit');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`worker did not start within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const check = () => {
      if (output.includes('bulkflow worker polling')) {
        clearTimeout(timer);
        child.stdout.off('data', check);
        resolve();
      }
    };
    child.stdout.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`worker exited during start-up:\n${output}`));
    });
  });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { child, output: () => output, kill: () => end('SIGKILL'), stop: () => end('SIGTERM') };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `bulkflow <args>` to completion. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}
