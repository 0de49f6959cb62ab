/**
 * TLS, mTLS and an API key against a real Temporal server: the server built from its Go module
 * (scripts/build-temporal-server.mjs), started with a config of this test's own (tls-server.ts): SQLite in
 * memory, the frontend behind TLS with a client certificate required, and the default JWT claim mapper and
 * authorizer reading the keys from a JWKS endpoint served here. The test makes its CA, server and client
 * certificates and signs the JWT it uses as the API key (tls-material.ts).
 *
 * `bulkflow worker` and `bulkflow ingest` are configured only through the SDK's environment configuration
 * (TEMPORAL_ADDRESS, TEMPORAL_TLS_*, TEMPORAL_API_KEY), the CLI once more through a temporal.toml profile; the
 * load ends with every row in the org once. Under the server's second name the CLI loads with the API key over
 * TLS alone, no client certificate, as Temporal Cloud's API-key namespaces take it. The server refuses the CLI
 * without the key, with a key signed by another key and without the client certificate, and a worker with the
 * wrong key; each says which server refused and what to check. No process writes the API key or a private key.
 *
 * What only Temporal Cloud proves: that it accepts the API keys it issues (not JWTs signed here) and the
 * certificates of a CA uploaded to it, and which permissions a key needs. This test proves what bulkflow does on
 * the wire, the same for both: TLS with the given CA and server name, the client certificate, and the key as
 * `Authorization: Bearer <key>` on every call, and that a refusal comes back as a message naming the server.
 *
 * Not a `*.test.ts` file: it needs the built server, so `npm run test:topology` runs it (after the build), not
 * `npm test`. BULKFLOW_KEEP_TOPOLOGY=1 keeps the run's folder (logs).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { requireTemporalCli } from '../../cli/dev/temporal-binaries.js';
import { DEV_CREDENTIALS } from '../../emulator/index.js';
import { contactRows, writeCsv } from '../helpers/data.js';
import { startEmulator } from '../helpers/emulator.js';
import { eventually } from '../helpers/eventually.js';
import { orgRecords } from '../helpers/org.js';
import { BIN, runCli, type CliResult } from '../helpers/processes.js';
import { untilHealthy } from './health.js';
import { Processes, type Service } from './processes.js';
import {
  API_KEY_NAME,
  MTLS_NAME,
  newJwtKey,
  pemTells,
  serveJwks,
  signJwt,
  writeTlsFiles,
  type TlsFiles,
} from './tls-material.js';
import { startTlsServer, tlsServerConfig, type TlsServer } from './tls-server.js';
import { temporalBuild } from './topology.js';

const ROWS = 300;
const NAMESPACE = 'default';
const PERMISSIONS = ['temporal-system:admin', `${NAMESPACE}:admin`];

const root = mkdtempSync(path.join(tmpdir(), 'bulkflow-tls-'));
for (const dir of ['logs', 'home', 'certs', 'staging']) mkdirSync(path.join(root, dir));
const processes = new Processes(path.join(root, 'logs'));
const removeRoot = () => {
  if (process.env.BULKFLOW_KEEP_TOPOLOGY !== '1') rmSync(root, { recursive: true, force: true });
};
process.once('exit', removeRoot);

const emulator = await startEmulator({ after });
const signingKey = newJwtKey();
/** Same key id, another key: the server finds the kid and refuses the signature. */
const otherKey = newJwtKey(signingKey.kid);
const apiKey = signJwt(signingKey, PERMISSIONS);
const forgedKey = signJwt(otherKey, PERMISSIONS);
const taskQueue = `tls-${randomUUID()}`;
/** Every bulkflow command's output, checked for secrets at the end. */
const cliOutputs: Array<{ what: string; text: string }> = [];

let jwksServer: Awaited<ReturnType<typeof serveJwks>>;
let files: TlsFiles;
let server: TlsServer;
let worker: Service;
/** The TEMPORAL_* environment of the run: address, namespace, TLS files, server name, API key. */
let temporalEnv: Record<string, string>;

/** Everything but Temporal: a bare environment (no TEMPORAL_* of the machine's), Salesforce, staging, queue. */
function baseEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: path.join(root, 'home'),
    LANG: 'C.UTF-8',
    BULKFLOW_TASK_QUEUE: taskQueue,
    BULKFLOW_STAGING_URL: `file://${path.join(root, 'staging')}`,
    SF_LOGIN_URL: emulator.url,
    SF_USERNAME: DEV_CREDENTIALS.username,
    SF_PASSWORD: DEV_CREDENTIALS.password,
    SF_SECURITY_TOKEN: DEV_CREDENTIALS.securityToken,
    SF_CLIENT_ID: DEV_CREDENTIALS.clientId,
    SF_CLIENT_SECRET: DEV_CREDENTIALS.clientSecret,
  };
}

/** `bulkflow <args>` with `env` (and nothing of this process's environment); its output is kept for the leak check. */
async function bulkflow(what: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  const r = await runCli(args, env);
  cliOutputs.push({ what, text: `${r.stdout}${r.stderr}` });
  return r;
}

/** The pinned `temporal` CLI with the run's TEMPORAL_* environment (it reads the same variables). */
function temporalCli(args: string[]) {
  const r = spawnSync(requireTemporalCli().path, args, {
    env: { ...baseEnv(), ...temporalEnv },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { ok: r.status === 0, output: processes.mask(`${r.stdout ?? ''}${r.stderr ?? ''}`) };
}

before(async () => {
  const build = temporalBuild();
  const made = await writeTlsFiles(path.join(root, 'certs'));
  files = made.files;
  processes.addSecrets(
    apiKey,
    forgedKey,
    ...[...made.privateKeys, signingKey.privatePem, otherKey.privatePem].flatMap(pemTells),
  );
  // The JWT's signature alone is enough to tell that the key was printed.
  processes.addSecrets(apiKey.split('.')[2], forgedKey.split('.')[2]);
  jwksServer = await serveJwks(signingKey);
  server = await startTlsServer(processes, build.serverBin, root, await tlsServerConfig(files, jwksServer.url));
  temporalEnv = {
    // The address by IP, the certificate's name given apart: TEMPORAL_TLS_SERVER_NAME is what is checked.
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_NAMESPACE: NAMESPACE,
    TEMPORAL_TLS: 'true',
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: files.caCert,
    TEMPORAL_TLS_SERVER_NAME: MTLS_NAME,
    TEMPORAL_TLS_CLIENT_CERT_PATH: files.clientCert,
    TEMPORAL_TLS_CLIENT_KEY_PATH: files.clientKey,
    TEMPORAL_API_KEY: apiKey,
  };
  // The namespace, as an operator makes it: the temporal CLI through TLS with the key. The first calls may
  // come before the server's services have found each other.
  await eventually(() => temporalCli(['operator', 'namespace', 'create', '--namespace', NAMESPACE]), {
    timeoutMs: 60_000,
    intervalMs: 500,
    until: (r) => r.ok || /already exists/i.test(r.output),
    what: `namespace ${NAMESPACE} to be created`,
  });
  await eventually(() => temporalCli(['workflow', 'list', '--limit', '1']), {
    timeoutMs: 30_000,
    intervalMs: 500,
    until: (r) => r.ok,
    what: `namespace ${NAMESPACE} to be usable`,
  });
  assert.ok(jwksServer.requests() > 0, 'the server read the JWKS');

  worker = processes.start('worker', process.execPath, [BIN, 'worker'], {
    env: { ...baseEnv(), ...temporalEnv },
    cwd: root,
  });
  await untilHealthy(processes, 'worker', worker, () => worker.output().includes('bulkflow worker polling'), 120_000);
});

after(async () => {
  await processes.stopAll(10_000);
  await jwksServer?.close();
  if (process.env.BULKFLOW_KEEP_TOPOLOGY === '1') console.log(`# the run's folder, logs in logs/: ${root}`);
  removeRoot();
});

test("the worker's start-up line names the server, TLS and the API key, never the key", () => {
  const line = /^bulkflow worker polling .*$/m.exec(worker.output())?.[0];
  assert.equal(
    line,
    `bulkflow worker polling task queue "${taskQueue}" on ${server.address} (namespace ${NAMESPACE}, TLS, API key)`,
  );
});

test('bulkflow ingest loads a CSV through TLS, mTLS and an API key, configured only by TEMPORAL_*', async () => {
  const rows = contactRows(ROWS, 'tls');
  const file = path.join(root, 'contacts.csv');
  writeCsv(file, rows as unknown as Record<string, string>[]);
  const workflowId = `tls-ingest-${randomUUID()}`;
  const env = { ...baseEnv(), ...temporalEnv };
  const cli = await bulkflow(
    'ingest',
    ['ingest', '--object', 'Contact', '--operation', 'insert', '--file', file, '--workflow-id', workflowId],
    env,
  );
  assert.equal(
    cli.code,
    0,
    processes.mask(`bulkflow ingest failed:\n${cli.stderr}\n${cli.stdout}\nworker:\n${worker.output()}`),
  );
  const emails = (await orgRecords(emulator.url, 'Contact')).map((r) => String(r.Email)).sort();
  assert.deepEqual(emails, rows.map((r) => r.Email).sort(), 'every row in the org, once');

  // The same job through a temporal.toml profile: TEMPORAL_CONFIG_FILE and TEMPORAL_PROFILE, no other TEMPORAL_*.
  const toml = path.join(root, 'home', 'temporal.toml');
  writeFileSync(
    toml,
    [
      '[profile.tls-test]',
      `address = "${server.address}"`,
      `namespace = "${NAMESPACE}"`,
      `api_key = "${apiKey}"`,
      '[profile.tls-test.tls]',
      `server_ca_cert_path = "${files.caCert}"`,
      `server_name = "${MTLS_NAME}"`,
      `client_cert_path = "${files.clientCert}"`,
      `client_key_path = "${files.clientKey}"`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const profileEnv = { ...baseEnv(), TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'tls-test' };
  const status = await bulkflow('status (profile)', ['status', workflowId], profileEnv);
  assert.equal(status.code, 0, processes.mask(status.stderr));
  assert.match(status.stdout, /Completed/);
  // list reads SQL visibility (SQLite here) through the search attributes the worker registered itself.
  const listed = await eventually(
    async () => {
      const r = await bulkflow('list (profile)', ['list', '--json'], profileEnv);
      assert.equal(r.code, 0, processes.mask(r.stderr));
      return (JSON.parse(r.stdout) as Array<Record<string, unknown>>).find((j) => j.workflowId === workflowId);
    },
    {
      timeoutMs: 30_000,
      intervalMs: 500,
      until: (j) => j?.state === 'Completed',
      what: `${workflowId} listed as Completed`,
    },
  );
  assert.deepEqual([listed?.object, listed?.operation], ['Contact', 'insert']);
});

test('an API key over TLS alone, no client certificate, as Temporal Cloud takes one', async (t) => {
  // Only the address, the namespace, the key, and the CA and name of a server the machine does not trust
  // already: the key turns TLS on by itself.
  const apiKeyEnv = {
    ...baseEnv(),
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_NAMESPACE: NAMESPACE,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: files.caCert,
    TEMPORAL_TLS_SERVER_NAME: API_KEY_NAME,
    TEMPORAL_API_KEY: apiKey,
  };
  const rows = contactRows(50, 'tls-api-key');
  const file = path.join(root, 'contacts-api-key.csv');
  writeCsv(file, rows as unknown as Record<string, string>[]);
  const cli = await bulkflow(
    'ingest (API key alone)',
    ['ingest', '--object', 'Contact', '--operation', 'insert', '--file', file, '--json'],
    apiKeyEnv,
  );
  assert.equal(cli.code, 0, processes.mask(`${cli.stderr}\n${cli.stdout}`));
  const result = JSON.parse(cli.stdout) as { state: string; records: { successful: number } };
  assert.deepEqual([result.state, result.records.successful], ['Completed', rows.length]);

  const { TEMPORAL_API_KEY: _key, ...withoutKey } = apiKeyEnv;
  const refused = await bulkflow('list (TLS alone, no key)', ['list'], withoutKey);
  assertRefused(t, refused, 'bulkflow.TEMPORAL_REFUSED', /no API key was given/);
});

/** Asserts a refused command: exit code 1, its failure type, a message naming the server's address, no key in it. */
function assertRefused(t: TestContext, r: CliResult, type: string, why: RegExp): void {
  const text = `${r.stdout}${r.stderr}`;
  t.diagnostic(processes.mask(text).trim());
  assert.equal(r.code, 1, processes.mask(text));
  assert.ok(
    text.includes(`at ${server.address} (namespace ${NAMESPACE}`),
    `the message names the server:\n${processes.mask(text)}`,
  );
  assert.ok(text.includes(`(${type})`), `the failure type is ${type}:\n${processes.mask(text)}`);
  assert.match(text, why);
}

test('the server refuses the CLI without an API key, and with a key signed by another key', async (t) => {
  const { TEMPORAL_API_KEY: _key, ...withoutKey } = temporalEnv;
  // The connection check passes without a key (the server answers it for anyone); the listing is refused.
  const noKey = await bulkflow('list (no key)', ['list'], { ...baseEnv(), ...withoutKey });
  assertRefused(
    t,
    noKey,
    'bulkflow.TEMPORAL_REFUSED',
    /refused the credentials \(7 PERMISSION_DENIED.*no API key was given: set TEMPORAL_API_KEY/,
  );

  const forged = await bulkflow('list (forged key)', ['list', '--json'], {
    ...baseEnv(),
    ...temporalEnv,
    TEMPORAL_API_KEY: forgedKey,
  });
  assert.equal(forged.code, 1, processes.mask(forged.stderr));
  const error = (JSON.parse(forged.stdout) as { error: Record<string, unknown> }).error;
  assert.deepEqual([error.type, error.source, error.retryable], ['bulkflow.TEMPORAL_REFUSED', 'temporal', false]);
  assert.match(
    String(error.message),
    /at 127\.0\.0\.1:\d+ \(namespace default, TLS, API key\) refused the credentials .*check TEMPORAL_API_KEY/,
  );
});

test('without the client certificate the TLS handshake fails, and the message says what to check', async (t) => {
  const { TEMPORAL_TLS_CLIENT_CERT_PATH: _cert, TEMPORAL_TLS_CLIENT_KEY_PATH: _certKey, ...withoutCert } = temporalEnv;
  const r = await bulkflow('list (no client certificate)', ['list'], { ...baseEnv(), ...withoutCert });
  assertRefused(
    t,
    r,
    'bulkflow.TEMPORAL_UNREACHABLE',
    /whether the server requires a client certificate \(TEMPORAL_TLS_CLIENT_CERT_PATH/,
  );
});

test('a worker with a key the server refuses stops, naming the server and what to check', async (t) => {
  const refused = processes.start('worker-forged-key', process.execPath, [BIN, 'worker'], {
    env: { ...baseEnv(), ...temporalEnv, TEMPORAL_API_KEY: forgedKey },
    cwd: root,
    oneShot: true,
  });
  const exit = await refused.exited;
  const output = refused.output();
  t.diagnostic(output.trim());
  assert.equal(exit.code, 1, output);
  assert.ok(
    output.includes(`at ${server.address} (namespace ${NAMESPACE}, TLS, API key) refused the credentials`),
    `the worker names the server:\n${output}`,
  );
  assert.match(output, /check TEMPORAL_API_KEY .*\(bulkflow\.TEMPORAL_REFUSED\)/s);
});

test('no output shows the API key or a private key', () => {
  assert.deepEqual(processes.leaks(), [], 'the server and the worker wrote no secret');
  const secrets = [apiKey, forgedKey, apiKey.split('.')[2]!, forgedKey.split('.')[2]!];
  for (const { what, text } of cliOutputs) {
    for (const secret of secrets) assert.ok(!text.includes(secret), `bulkflow ${what} wrote a key`);
    assert.doesNotMatch(text, /PRIVATE KEY/, `bulkflow ${what} wrote a private key`);
  }
  assert.deepEqual(processes.unexpectedExits(), [], 'no process exited unasked');
});
