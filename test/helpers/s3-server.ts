/**
 * A real S3-compatible server for tests: moto's server mode (installed by
 * `scripts/install-s3-server.mjs`) on a free loopback port, one per test file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { s3ClientFromEnv } from '../../storage/s3-client.js';
import { eventually } from './eventually.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const serverDir = path.resolve(process.env.BULKFLOW_S3_SERVER_DIR ?? path.join(projectRoot, '.tools', 's3-server'));

export interface S3TestServer {
  endpoint: string;
  /** The environment a worker needs to reach this server (endpoint, region, test credentials). */
  env: Record<string, string>;
  client: S3Client;
  createBucket(bucket: string): Promise<void>;
  put(bucket: string, key: string, body: string | Buffer): Promise<void>;
  getText(bucket: string, key: string): Promise<string>;
  keys(bucket: string, prefix?: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** A port nothing listens on right now (the OS picks it; the server binds it a moment later). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitUntilUp(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  let outcome: 'up' | 'exited';
  try {
    outcome = await eventually(
      async () => (child.exitCode !== null ? 'exited' : (await fetch(`${endpoint}/moto-api/`)).ok && 'up'),
      { timeoutMs: 30_000, intervalMs: 100, what: `moto_server to answer on ${endpoint}` },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}:\n${output()}`, { cause: err });
  }
  if (outcome === 'exited') throw new Error(`moto_server exited with ${child.exitCode}:\n${output()}`);
}

export async function startS3Server(): Promise<S3TestServer> {
  if (!existsSync(path.join(serverDir, 'moto'))) {
    throw new Error(`moto is not installed in ${serverDir}: run node scripts/install-s3-server.mjs`);
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(process.env.PYTHON ?? 'python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, PYTHONPATH: serverDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitUntilUp(endpoint, child, () => log);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const env = {
    BULKFLOW_S3_ENDPOINT: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIATESTBULKFLOW0001',
    AWS_SECRET_ACCESS_KEY: 'test-secret-access-key-never-printed',
  };
  const client = s3ClientFromEnv(env);
  return {
    endpoint,
    env,
    client,
    async createBucket(bucket) {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
    },
    async put(bucket, key, body) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    async getText(bucket, key) {
      const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return (await res.Body?.transformToString('utf8')) ?? '';
    },
    async keys(bucket, prefix) {
      const res = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, ...(prefix ? { Prefix: prefix } : {}) }),
      );
      return (res.Contents ?? []).map((o) => o.Key ?? '').sort();
    },
    async stop() {
      client.destroy();
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
