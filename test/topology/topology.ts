/**
 * docker-compose.yml's services as local processes, each started from the compose file's own definition:
 * its environment (after variable substitution from a project environment, as `.env` would give it), its
 * command, its mounts and its health check, with host names, ports and container paths mapped as
 * `compose-file.ts` describes. Nothing here restates what the compose file says; where a service cannot run
 * as written (an image's own program, MinIO), the comment says what stands in and why.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { requireTemporalCli } from '../../cli/dev/temporal-binaries.js';
import { s3ClientFromEnv } from '../../storage/s3-client.js';
import { freePort } from '../helpers/s3-server.js';
import {
  bindMounts,
  interpolate,
  LOOPBACK,
  mapAddresses,
  mapEnvironment,
  mapPaths,
  REPO,
  serviceCommand,
  serviceEnvironment,
  type ComposeFile,
  type ComposeService,
  type Endpoint,
} from './compose-file.js';
import { freePortBelow, tcpOpen, untilHealthy } from './health.js';
import type { Processes, Service } from './processes.js';
import { startPostgres } from './postgresql.js';

/** What `scripts/build-temporal-server.mjs --json` reports. */
export interface TemporalBuild {
  dir: string;
  serverBin: string;
  sqlToolBin: string;
  schemaDir: string;
  version: string;
  goVersion: string;
  buildSeconds: number;
  cached: boolean;
}

/** The Temporal binaries for the compose file's version: built once per machine, then from the cache. */
export function temporalBuild(): TemporalBuild {
  const r = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'build-temporal-server.mjs'), '--json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`scripts/build-temporal-server.mjs failed (exit ${r.status})`);
  return JSON.parse(r.stdout) as TemporalBuild;
}

/** The ports the images listen on inside their containers (their documentation's defaults). */
export const CONTAINER_PORTS = { postgresql: 5432, temporal: 7233, minio: 9000, emulator: 8080 } as const;

/** Where the Temporal images keep their files; the only container paths the compose file names. */
const TEMPORAL_PREFIXES = ['/etc/temporal'];

/** The temporalio/server image's own listeners besides the published frontend port, each needing a free port here. */
const SERVER_PRIVATE_PORTS = [
  'FRONTEND_HTTP_PORT',
  'FRONTEND_MEMBERSHIP_PORT',
  'HISTORY_GRPC_PORT',
  'HISTORY_MEMBERSHIP_PORT',
  'MATCHING_GRPC_PORT',
  'MATCHING_MEMBERSHIP_PORT',
  'WORKER_GRPC_PORT',
  'WORKER_MEMBERSHIP_PORT',
];

/** How long a one-shot set-up step may take. */
const STEP_TIMEOUT_MS = 120_000;

export class ComposeTopology {
  readonly endpoints: Endpoint[] = [];
  /** `temporal-sql-tool` and `temporal` on the set-up steps' PATH, as in the admin-tools image. */
  readonly #shims: string;
  #temporalEnv: Record<string, string> | undefined;
  #temporalCwd = '';

  constructor(
    readonly compose: ComposeFile,
    readonly projectEnv: Record<string, string>,
    readonly processes: Processes,
    readonly root: string,
    readonly build: TemporalBuild,
  ) {
    this.#shims = path.join(root, 'admin-tools-bin');
    mkdirSync(this.#shims);
    symlinkSync(build.sqlToolBin, path.join(this.#shims, 'temporal-sql-tool'));
    symlinkSync(requireTemporalCli().path, path.join(this.#shims, 'temporal'));
  }

  service(name: string): ComposeService {
    const service = this.compose.services[name];
    if (!service) throw new Error(`docker-compose.yml has no service ${name}`);
    return service;
  }

  /** A service's environment from the compose file, substituted and mapped. */
  environment(name: string): Record<string, string> {
    return mapEnvironment(serviceEnvironment(this.service(name), this.projectEnv), this.endpoints);
  }

  address(service: keyof typeof CONTAINER_PORTS): string {
    const endpoint = this.endpoints.find((e) => e.service === service);
    if (!endpoint) throw new Error(`${service} has not started`);
    return `${LOOPBACK}:${endpoint.localPort}`;
  }

  /** A container's filesystem: a folder where the image's files and the service's bind mounts are linked in. */
  #containerRoot(name: string, imageFiles: Record<string, string> = {}): string {
    const root = path.join(this.root, 'containers', name);
    const links = {
      ...imageFiles,
      ...Object.fromEntries(bindMounts(this.service(name)).map((m) => [m.target, m.source])),
    };
    for (const [target, source] of Object.entries(links)) {
      const local = path.join(root, target);
      mkdirSync(path.dirname(local), { recursive: true });
      symlinkSync(source, local);
    }
    mkdirSync(root, { recursive: true });
    return root;
  }

  /** The PATH of a process here: the test's own, so that system tools (sh, sleep, grep) are found. */
  #basicEnv(extraPath: string[] = []): Record<string, string> {
    return {
      PATH: [...extraPath, process.env.PATH ?? '/usr/bin:/bin'].join(path.delimiter),
      HOME: path.join(this.root, 'home'),
      LANG: 'C.UTF-8',
    };
  }

  /** `postgresql`: PostgreSQL with the service's user and password; healthy when its health check passes. */
  async startPostgresql(): Promise<void> {
    const env = this.environment('postgresql');
    const port = await freePort();
    const pg = await startPostgres(this.processes, {
      dir: path.join(this.root, 'postgresql'),
      port,
      user: required(env, 'POSTGRES_USER', 'postgresql'),
      password: required(env, 'POSTGRES_PASSWORD', 'postgresql'),
    });
    this.endpoints.push({ service: 'postgresql', containerPort: CONTAINER_PORTS.postgresql, localPort: port });
    // The compose health check as written (`pg_isready -U "$$POSTGRES_USER"`); libpq's PGHOST/PGPORT
    // point it at this server as the container's default socket would.
    const [kind, check] = this.service('postgresql').healthcheck?.test ?? [];
    if (kind !== 'CMD-SHELL' || !check) throw new Error('postgresql: expected a CMD-SHELL health check');
    const healthEnv = {
      ...this.#basicEnv([pg.binDir]),
      ...env,
      PGHOST: LOOPBACK,
      PGPORT: String(port),
      PGCONNECT_TIMEOUT: '3',
    };
    await untilHealthy(this.processes, 'postgresql', pg.service, () => {
      const r = spawnSync('/bin/sh', ['-c', interpolate(check, this.projectEnv)], { env: healthEnv, timeout: 10_000 });
      return r.status === 0;
    });
  }

  /** A one-shot service (`entrypoint` + `command`) run to completion, as `service_completed_successfully` needs. */
  async runSetupStep(name: string, imageFiles: Record<string, string> = {}): Promise<string> {
    const service = this.service(name);
    const root = this.#containerRoot(name, imageFiles);
    const entrypoint = Array.isArray(service.entrypoint) ? service.entrypoint : [];
    const command = serviceCommand(service, this.projectEnv).map((part) => mapPaths(part, root, TEMPORAL_PREFIXES));
    if (entrypoint[0] !== '/bin/sh')
      throw new Error(`${name}: expected a /bin/sh entrypoint, got ${String(service.entrypoint)}`);
    return this.processes.run(name, entrypoint[0], [...entrypoint.slice(1), ...command], {
      env: { ...this.#basicEnv([this.#shims]), ...this.environment(name) },
      cwd: root,
      timeoutMs: STEP_TIMEOUT_MS,
    });
  }

  /** `temporal-setup-schema`, with admin-tools' schema folder (`/etc/temporal/schema`) from the Go module. */
  setupSchema(): Promise<string> {
    return this.runSetupStep('temporal-setup-schema', { '/etc/temporal/schema': this.build.schemaDir });
  }

  /**
   * `temporal`: what the temporalio/server image's entrypoint does (docker/scripts/sh/entrypoint.sh in the
   * module: `exec temporal-server start`, which renders the embedded config template from the environment)
   * in its working directory /etc/temporal, with the service's mounts. Healthy when the frontend port takes
   * connections (the compose health check is `nc -z localhost 7233`).
   */
  async startTemporal(): Promise<Service> {
    if (!this.#temporalEnv) {
      const frontend = await freePort();
      this.endpoints.push({ service: 'temporal', containerPort: CONTAINER_PORTS.temporal, localPort: frontend });
      const root = this.#containerRoot('temporal');
      this.#temporalCwd = path.join(root, 'etc', 'temporal');
      mkdirSync(this.#temporalCwd, { recursive: true });
      const own: Record<string, string> = { FRONTEND_GRPC_PORT: String(frontend) };
      for (const name of SERVER_PRIVATE_PORTS) own[name] = String(await freePortBelow(32_768));
      const env = Object.fromEntries(
        Object.entries(this.environment('temporal')).map(([k, v]) => [k, mapPaths(v, root, TEMPORAL_PREFIXES)]),
      );
      this.#temporalEnv = { ...this.#basicEnv(), ...env, ...own };
    }
    const server = this.processes.start('temporal', this.build.serverBin, ['start'], {
      env: this.#temporalEnv,
      cwd: this.#temporalCwd,
    });
    const [host, port] = this.address('temporal').split(':');
    await untilHealthy(this.processes, 'temporal', server, () => tcpOpen(host!, Number(port)));
    return server;
  }

  /** The temporal service's dynamic config file, checked by the server's own validator. */
  validateDynamicConfig(): string {
    const file = this.#temporalEnv?.DYNAMIC_CONFIG_FILE_PATH;
    if (!file) throw new Error('temporal: DYNAMIC_CONFIG_FILE_PATH is not set');
    const r = spawnSync(this.build.serverBin, ['validate-dynamic-config', file], {
      cwd: this.#temporalCwd,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`the dynamic config ${file} does not validate:\n${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  /**
   * `minio` + `minio-setup`: moto's S3 server stands in for MinIO (no MinIO binary here; the project already
   * installs moto for its S3 tests, `scripts/install-s3-server.mjs`). The set-up step's effect, the bucket,
   * is created through the S3 API at the address and with the credentials and name its command uses.
   */
  async startMinio(): Promise<string> {
    const port = await freePort();
    const moto = this.processes.start(
      'minio',
      process.env.PYTHON ?? 'python3',
      ['-m', 'moto.server', '-H', LOOPBACK, '-p', String(port)],
      { env: { ...this.#basicEnv(), PYTHONPATH: path.join(REPO, '.tools', 's3-server') } },
    );
    await untilHealthy(
      this.processes,
      'minio (moto)',
      moto,
      async () => (await fetch(`http://${LOOPBACK}:${port}/moto-api/`)).ok,
    );
    this.endpoints.push({ service: 'minio', containerPort: CONTAINER_PORTS.minio, localPort: port });

    const setup = this.environment('minio-setup');
    const command = serviceCommand(this.service('minio-setup'), this.projectEnv).join('\n');
    const alias = /mc alias set (\S+) (\S+) "\$MINIO_ROOT_USER" "\$MINIO_ROOT_PASSWORD"/.exec(command);
    const made = /mc mb --ignore-existing "([^/"]+)\/\$STAGING_BUCKET"/.exec(command);
    if (!alias || !made || made[1] !== alias[1]) {
      throw new Error(`minio-setup: its command is not the alias + mc mb this test reproduces:\n${command}`);
    }
    const bucket = required(setup, 'STAGING_BUCKET', 'minio-setup');
    const s3 = s3ClientFromEnv({
      BULKFLOW_S3_ENDPOINT: mapAddresses(alias[2]!, this.endpoints),
      BULKFLOW_S3_FORCE_PATH_STYLE: 'true',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: required(setup, 'MINIO_ROOT_USER', 'minio-setup'),
      AWS_SECRET_ACCESS_KEY: required(setup, 'MINIO_ROOT_PASSWORD', 'minio-setup'),
    });
    try {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    } finally {
      s3.destroy();
    }
    return bucket;
  }

  /**
   * `emulator`: `bulkflow emulator` (the compose service's inline script imports the built package and binds
   * the container's address; the command does the same on a free port here). Its URL stands for `emulator:8080`.
   */
  async startEmulator(recordsPerSecond: number): Promise<string> {
    const emulator = this.processes.start(
      'emulator',
      process.execPath,
      [
        path.join(REPO, 'bin', 'bulkflow.js'),
        'emulator',
        '--port',
        '0',
        '--records-per-second',
        String(recordsPerSecond),
      ],
      { env: this.#basicEnv(), cwd: this.#ownFolder('emulator') },
    );
    const url = await untilHealthy(
      this.processes,
      'emulator',
      emulator,
      () => /^(https?:\/\/\S+)$/m.exec(emulator.output())?.[1],
    );
    this.endpoints.push({
      service: 'emulator',
      containerPort: CONTAINER_PORTS.emulator,
      localPort: Number(new URL(url).port),
    });
    return url;
  }

  /** The bulkflow image's entrypoint (Dockerfile `ENTRYPOINT`) and environment (`ENV`), `/app` being the checkout. */
  image(): { entrypoint: string[]; env: Record<string, string> } {
    const dockerfile = readFileSync(path.join(REPO, 'Dockerfile'), 'utf8');
    const runtime = dockerfile.split(/^FROM /m).at(-1) ?? '';
    const entry = /^ENTRYPOINT (\[.*\])$/m.exec(runtime);
    if (!entry) throw new Error('Dockerfile: no ENTRYPOINT in the runtime stage');
    const [program, ...args] = (JSON.parse(entry[1]!) as string[]).map((a) =>
      a.replace(/^\/app(?=\/)/, REPO.replace(/\/$/, '')),
    );
    const env = Object.fromEntries([...runtime.matchAll(/^ENV (\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
    return { entrypoint: [program === 'node' ? process.execPath : program!, ...args], env };
  }

  /** A bulkflow container (`worker-1`, …) with `args` instead of its command, e.g. `list --json`. */
  bulkflowProcess(
    name: string,
    args?: string[],
  ): { file: string; args: string[]; env: Record<string, string>; cwd: string } {
    const image = this.image();
    return {
      file: image.entrypoint[0]!,
      args: [...image.entrypoint.slice(1), ...(args ?? serviceCommand(this.service(name), this.projectEnv))],
      env: { ...this.#basicEnv(), ...image.env, ...this.environment(name) },
      cwd: this.#ownFolder(name),
    };
  }

  /** A worker service: its command from the compose file; up once it says it polls its task queue. */
  async startWorker(name: string, label = name): Promise<Service> {
    const p = this.bulkflowProcess(name);
    const worker = this.processes.start(label, p.file, p.args, { env: p.env, cwd: p.cwd });
    await untilHealthy(
      this.processes,
      label,
      worker,
      () => worker.output().includes('bulkflow worker polling'),
      120_000,
    );
    return worker;
  }

  /** A folder of a container's own (its working directory): nothing on a local disk is shared between services. */
  #ownFolder(name: string): string {
    const dir = path.join(this.root, 'containers', name, 'app');
    mkdirSync(dir, { recursive: true });
    return dir;
  }
}

function required(env: Record<string, string>, name: string, service: string): string {
  const value = env[name];
  if (!value) throw new Error(`${service}: ${name} is not set`);
  return value;
}
