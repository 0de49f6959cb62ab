/**
 * Replays recorded histories (test/histories/*.json) against today's workflow code. A change that
 * would make running workflows non-deterministic fails here; guard such a change with `patched()`
 * instead of re-recording. See record-histories.ts.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../helpers/temporal.js';

const dir = fileURLToPath(new URL('../histories/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

test('there are recorded histories to replay', () => {
  assert.ok(files.length >= 5, `found ${files.length} history files in ${dir}`);
});

for (const file of files) {
  test(`replays ${file} without non-determinism`, async () => {
    const recorded = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Array<{
      workflowId: string;
      history: unknown;
    }>;
    // JSON histories (the CLI's and the UI's export format) are converted by the worker itself.
    const results = Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, recorded);
    let replayed = 0;
    for await (const result of results) {
      assert.equal(result.error, undefined, `${result.workflowId}: ${String(result.error)}`);
      replayed += 1;
    }
    assert.equal(replayed, recorded.length);
  });
}
