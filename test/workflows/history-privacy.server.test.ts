/**
 * What Temporal keeps forever must not leak: no credential ever reaches workflow history, and with
 * the payload codec on, no record value either. Reads the raw history bytes, as an attacker with
 * access to Temporal's database would.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { FileStagingStore } from '../../storage/index.js';
import { EncryptionCodec } from '../../common/encryption-codec.js';
import { startBulkIngest } from '../../client/starters.js';
import { DEV_CREDENTIALS } from '../../emulator/index.js';
import { createSalesforceClient, OAuthPasswordAuthenticator } from '../../salesforce/index.js';
import { createBulkflowWorker } from '../../worker/create-worker.js';
import { startEmulator } from '../helpers/emulator.js';
import { createLocalEnv, workflowBundle } from '../helpers/temporal.js';

let env: TestWorkflowEnvironment;
const workers: Array<{ worker: Worker; run: Promise<void> }> = [];
const dir = mkdtempSync(path.join(tmpdir(), 'bulkflow-privacy-'));
const codec = new EncryptionCodec({ id: 'test', key: randomBytes(32) });

const emulator = await startEmulator({ after });

before(async () => {
  env = await createLocalEnv();
});

after(async () => {
  for (const { worker, run } of workers) {
    worker.shutdown();
    await run;
  }
  await env?.teardown();
});

async function startWorker(taskQueue: string, encrypted: boolean): Promise<void> {
  const salesforce = createSalesforceClient({
    auth: new OAuthPasswordAuthenticator({ loginUrl: emulator.url, ...DEV_CREDENTIALS }),
  });
  const worker = await createBulkflowWorker({
    connection: env.nativeConnection,
    salesforce,
    taskQueue,
    staging: new FileStagingStore(path.join(dir, 'staging')),
    workflowBundle: await workflowBundle(),
    ...(encrypted ? { dataConverter: { payloadCodecs: [codec] } } : {}),
  });
  workers.push({ worker, run: worker.run() });
}

/** Every byte string in a history, decoded as UTF-8 and joined: what a reader of the database sees. */
function rawText(value: unknown, out: string[] = []): string[] {
  if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) rawText(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) rawText(v, out);
  return out;
}

async function runInline(encrypted: boolean): Promise<{ text: string; secretValue: string }> {
  const taskQueue = `privacy-${encrypted}-${randomUUID()}`;
  await startWorker(taskQueue, encrypted);
  const client = encrypted
    ? new Client({ connection: env.connection, dataConverter: { payloadCodecs: [codec] } })
    : env.client;
  const secretValue = `confidential-${randomUUID()}`;
  const handle = await startBulkIngest(
    client,
    {
      object: 'Contact',
      operation: 'insert',
      source: { records: [{ LastName: secretValue, Email: `${secretValue}@example.com`, Title: null }] },
    },
    { taskQueue },
  );
  const result = await handle.result();
  assert.equal(result.records.successful, 1);
  const history = await env.client.workflow.getHandle(handle.workflowId).fetchHistory();
  return { text: rawText(history).join('\n'), secretValue };
}

function assertNoCredentials(text: string): void {
  for (const secret of [DEV_CREDENTIALS.password, DEV_CREDENTIALS.securityToken, DEV_CREDENTIALS.clientSecret]) {
    assert.ok(!text.includes(secret), 'a credential is in the history');
  }
  assert.doesNotMatch(text, /00D[0-9A-Za-z]{12,15}![0-9A-Za-z._-]{20,}/, 'a session id is in the history');
  assert.doesNotMatch(text, /Bearer /);
}

test('without the codec: inline records are in history (the control), credentials are not', async () => {
  const { text, secretValue } = await runInline(false);
  assert.ok(text.includes(secretValue), 'the control run must show the value, or this test proves nothing');
  assertNoCredentials(text);
});

test('with the codec: neither record values nor credentials are in history', async () => {
  const { text, secretValue } = await runInline(true);
  assert.ok(!text.includes(secretValue), 'a record value is readable in the history');
  assert.ok(text.includes('binary/encrypted'), 'payloads are marked encrypted');
  assertNoCredentials(text);
});
