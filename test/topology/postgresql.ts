/**
 * The compose file's `postgresql` service without its image: the distribution's PostgreSQL binaries,
 * a cluster initialised the way the postgres image's entrypoint does it (POSTGRES_USER as the superuser
 * with POSTGRES_PASSWORD, password authentication over TCP), in a private folder, on a free loopback port.
 *
 * PostgreSQL refuses to run as root. When the test runs as root, initdb and postgres run as an unprivileged
 * user instead (`postgres` when the distribution made one, else `nobody`) through util-linux's `setpriv`,
 * which changes user and exec()s, so the server is still the test's own child; `--pdeathsig SIGKILL` ends
 * it should the test process die without cleaning up.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Processes, Service } from './processes.js';

/** The newest `/usr/lib/postgresql/<major>/bin` (Debian, Ubuntu), `BULKFLOW_PG_BIN`, or the PATH's `initdb`. */
export function postgresBinDir(): string {
  if (process.env.BULKFLOW_PG_BIN) return process.env.BULKFLOW_PG_BIN;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v) && existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors[0]) return path.join(root, majors[0], 'bin');
  try {
    return path.dirname(execFileSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).trim());
  } catch {
    throw new Error(
      'PostgreSQL server binaries (initdb, postgres) were not found: install the distribution package ' +
        '(Debian: apt-get install postgresql) or set BULKFLOW_PG_BIN to their folder',
    );
  }
}

interface RunAs {
  uid: number;
  gid: number;
  /** How to run a program as that user: a command prefix. */
  prefix: string[];
}

/** Root cannot run PostgreSQL: an unprivileged user to run it as, or none when the test is not root. */
function unprivilegedUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      return {
        uid,
        gid,
        prefix: [
          '/usr/bin/setpriv',
          `--reuid=${uid}`,
          `--regid=${gid}`,
          '--clear-groups',
          '--pdeathsig',
          'SIGKILL',
          '--',
        ],
      };
    } catch {
      // No such user; try the next.
    }
  }
  throw new Error('running as root, and neither a postgres nor a nobody user exists to run PostgreSQL as');
}

export interface PostgresServer {
  service: Service;
  port: number;
  binDir: string;
}

/**
 * initdb + postgres in `dir` (created), listening on 127.0.0.1:`port` only; resolves once `pg_isready`
 * (the compose file's health check) says it accepts connections.
 */
export async function startPostgres(
  processes: Processes,
  options: { dir: string; port: number; user: string; password: string },
): Promise<PostgresServer> {
  const binDir = postgresBinDir();
  const runAs = unprivilegedUser();
  const data = path.join(options.dir, 'data');
  mkdirSync(options.dir, { recursive: true });
  if (runAs) chownSync(options.dir, runAs.uid, runAs.gid);
  chmodSync(options.dir, 0o700);
  const command = (program: string, args: string[]): [string, string[]] => {
    const file = path.join(binDir, program);
    return runAs ? [runAs.prefix[0]!, [...runAs.prefix.slice(1), file, ...args]] : [file, args];
  };
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC' };

  // The password reaches initdb through a file only the server's user can read, removed right after.
  const pwfile = path.join(options.dir, 'pwfile');
  writeFileSync(pwfile, `${options.password}\n`, { mode: 0o600 });
  if (runAs) chownSync(pwfile, runAs.uid, runAs.gid);
  try {
    const [file, args] = command('initdb', [
      `--pgdata=${data}`,
      `--username=${options.user}`,
      `--pwfile=${pwfile}`,
      '--auth-host=scram-sha-256',
      '--auth-local=trust',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    await processes.run('postgresql-initdb', file, args, { env, timeoutMs: 120_000 });
  } finally {
    rmSync(pwfile, { force: true });
  }

  const [file, args] = command('postgres', [
    '-D',
    data,
    '-p',
    String(options.port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${options.dir}`,
    '-c',
    'fsync=off',
  ]);
  const service = processes.start('postgresql', file, args, { env });
  return { service, port: options.port, binDir };
}
