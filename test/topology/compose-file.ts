/**
 * docker-compose.yml read the way `docker compose` reads it, for the topology test: variable
 * substitution from a project environment (what `.env` would hold), each service's environment and
 * command after substitution, and the one translation a process outside a container needs: the
 * compose network's host names and ports, and container paths, mapped to local ones.
 *
 * The mapping (documented in CONTRIBUTING.md, "The compose topology without containers"):
 * - `service:port` anywhere (`temporal:7233`, `http://minio:9000`) becomes `127.0.0.1:<the local port>`;
 * - a service's name in a variable holding a host (`POSTGRES_SEEDS=postgresql`) becomes `127.0.0.1`;
 * - a port in a `…_PORT` variable (`DB_PORT=5432`) becomes the local port of the one service listening on it;
 * - the wildcard address in a `…_IP` variable (`BIND_ON_IP=0.0.0.0`) becomes `127.0.0.1`: a container's own
 *   interfaces are loopback here;
 * - container paths under a service's mapped prefixes (`/etc/temporal/...`) get the service's local root
 *   in front, where its volumes and the image's files are linked in.
 * Nothing else of a command or value is changed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface ComposeService {
  image?: string;
  build?: unknown;
  entrypoint?: string[] | string;
  command?: string[] | string;
  environment?: string[] | Record<string, string | number | boolean | null>;
  volumes?: Array<string | { type?: string; source?: string; target?: string; read_only?: boolean }>;
  ports?: Array<string | number>;
  healthcheck?: { test?: string[] | string };
  profiles?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

export function readComposeFile(file = path.join(REPO, 'docker-compose.yml')): ComposeFile {
  return parse(readFileSync(file, 'utf8')) as ComposeFile;
}

/** `NAME=value` lines of an env file; with `commentedAfter`, the commented `# NAME=value` lines after that heading. */
export function readEnvFile(file: string, options: { commentedAfter?: string } = {}): Record<string, string> {
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = options.commentedAfter ? lines.findIndex((l) => l.includes(options.commentedAfter!)) : 0;
  if (start < 0) throw new Error(`${file} has no line with "${options.commentedAfter}"`);
  const pattern = options.commentedAfter ? /^#\s*([A-Z][A-Z0-9_]*)=(.*)$/ : /^([A-Z][A-Z0-9_]*)=(.*)$/;
  const values: Record<string, string> = {};
  for (const line of lines.slice(start)) {
    const m = pattern.exec(line.trim());
    if (m) values[m[1]!] = m[2]!;
  }
  return values;
}

/**
 * Compose's variable substitution: `$$` is a literal `$`; `${NAME}`, `$NAME`, `${NAME:-default}` (unset or
 * empty), `${NAME-default}` (unset), `${NAME:?message}` / `${NAME?message}` (fails), `${NAME:+other}`.
 * @see https://docs.docker.com/reference/compose-file/interpolation/
 */
export function interpolate(text: string, vars: Record<string, string | undefined>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])((?:[^}])*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced?: string, colon?: string, op?: string, arg?: string, bare?: string) => {
      if (whole === '$$') return '$';
      const name = (braced ?? bare)!;
      const value = vars[name];
      const missing = value === undefined || (colon === ':' && value === '');
      if (op === '-') return missing ? interpolate(arg ?? '', vars) : (value ?? '');
      if (op === '?') {
        if (missing) throw new Error(`required variable ${name} is missing a value: ${arg ?? ''}`);
        return value ?? '';
      }
      if (op === '+') return missing ? '' : interpolate(arg ?? '', vars);
      return value ?? '';
    },
  );
}

/** A compose service's network address and where it listens locally instead. */
export interface Endpoint {
  service: string;
  containerPort: number;
  localPort: number;
}

export const LOOPBACK = '127.0.0.1';

/** `service:port` anywhere in a text (`temporal:7233`, `http://minio:9000`) as `127.0.0.1:<local port>`. */
export function mapAddresses(text: string, endpoints: readonly Endpoint[]): string {
  let mapped = text;
  for (const e of endpoints) {
    mapped = mapped.replace(
      new RegExp(`(?<![\\w.-])${e.service}:${e.containerPort}(?!\\d)`, 'g'),
      `${LOOPBACK}:${e.localPort}`,
    );
  }
  return mapped;
}

/**
 * Maps one variable's value (see the module comment): host names in variables that hold one (`…_SEEDS`,
 * `…_HOST`), ports in `…_PORT`, the wildcard in `…_IP`, and `service:port` in any value.
 */
export function mapVariable(name: string, value: string, endpoints: readonly Endpoint[]): string {
  if (/_IP$/.test(name) && ['0.0.0.0', '::', '::0'].includes(value)) return LOOPBACK;
  if (/_(SEEDS|HOST|HOSTS)$/.test(name) && endpoints.some((e) => e.service === value)) return LOOPBACK;
  if (/_PORT$/.test(name) && /^\d+$/.test(value)) {
    const listening = endpoints.filter((e) => String(e.containerPort) === value);
    if (listening.length > 1)
      throw new Error(`${name}=${value} is ambiguous: ${listening.map((e) => e.service).join(', ')}`);
    if (listening[0]) return String(listening[0].localPort);
  }
  return mapAddresses(value, endpoints);
}

/** {@link mapVariable} over a whole environment. */
export function mapEnvironment(env: Record<string, string>, endpoints: readonly Endpoint[]): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, mapVariable(name, value, endpoints)]));
}

/** Container paths under `prefixes` (e.g. `/etc/temporal`), rooted in a local folder. */
export function mapPaths(value: string, root: string, prefixes: readonly string[]): string {
  let mapped = value;
  for (const prefix of prefixes) {
    mapped = mapped.replace(
      new RegExp(`(?<![\\w./-])${prefix.replace(/[.]/g, '\\.')}(?=/|$|[\\s"'])`, 'g'),
      `${root}${prefix}`,
    );
  }
  return mapped;
}

/**
 * A service's `environment` after substitution: list entries `NAME=value`, and bare `NAME` entries, which take
 * the project environment's value (and are left out when it has none, as Compose does).
 */
export function serviceEnvironment(
  service: ComposeService,
  projectEnv: Record<string, string | undefined>,
): Record<string, string> {
  const env: Record<string, string> = {};
  const entries = service.environment ?? [];
  const pairs: Array<[string, string | undefined]> = Array.isArray(entries)
    ? entries.map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, projectEnv[entry]] : [entry.slice(0, at), interpolate(entry.slice(at + 1), projectEnv)];
      })
    : Object.entries(entries).map(([name, value]) => [
        name,
        value === null ? projectEnv[name] : interpolate(String(value), projectEnv),
      ]);
  for (const [name, value] of pairs) if (value !== undefined) env[name] = value;
  return env;
}

/** A service's `command` (string or list) after substitution. */
export function serviceCommand(service: ComposeService, projectEnv: Record<string, string | undefined>): string[] {
  const command = service.command ?? [];
  return (Array.isArray(command) ? command : [command]).map((part) => interpolate(part, projectEnv));
}

/** Bind mounts (`./source:/target[:ro]`), sources resolved against the compose file's folder; named volumes left out. */
export function bindMounts(service: ComposeService, composeDir = REPO): Array<{ source: string; target: string }> {
  return (service.volumes ?? []).flatMap((volume) => {
    const [source, target] =
      typeof volume === 'string' ? volume.split(':') : [volume.source ?? '', volume.target ?? ''];
    if (!source || !target || !/^[./~]/.test(source)) return [];
    return [{ source: path.resolve(composeDir, source), target }];
  });
}
