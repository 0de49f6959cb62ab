/**
 * Runs the Python client scripts of test/third-party/python with the packages that
 * `scripts/install-python-clients.mjs` put into .tools/python (it runs before `npm test`).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const pythonDir = path.resolve(process.env.BULKFLOW_PYTHON_DIR ?? path.join(projectRoot, '.tools', 'python'));
const scriptsDir = path.join(projectRoot, 'test', 'third-party', 'python');

/** Where the clients are installed; an error naming the install script when they are not. */
export function pythonClientsDir(): string {
  if (!existsSync(path.join(pythonDir, 'installed.json'))) {
    throw new Error(`Python clients are not installed in ${pythonDir}: run node scripts/install-python-clients.mjs`);
  }
  return pythonDir;
}

/** What a finished script printed, with its last stdout line parsed as the JSON summary. */
export interface ScriptRun<T> {
  summary: T;
  stderr: string;
}

/**
 * Runs `python <script> ...args` without blocking the event loop (the emulator under test is in this process)
 * and rejects with the script's stderr when it fails.
 */
export function runPythonScript<T>(script: string, args: string[], env: Record<string, string>): Promise<ScriptRun<T>> {
  const python = process.env.PYTHON ?? 'python3';
  const child = spawn(python, [path.join(scriptsDir, script), ...args], {
    env: { ...process.env, ...env, PYTHONPATH: pythonClientsDir(), PYTHONNOUSERSITE: '1', PYTHONUTF8: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`${script} ${args[0] ?? ''} exited with ${code}:\n${stderr.slice(-4000)}`));
        return;
      }
      const last = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve({ summary: JSON.parse(last) as T, stderr });
      } catch {
        reject(new Error(`${script} printed no JSON summary:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`));
      }
    });
  });
}
