import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { InputProblem, InputError } from '../../salesforce/index.js';
import { openSource } from '../../storage/input-sources.js';

test('a missing input file is a typed input error that names the file', async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'bulkflow-source-')), 'missing.csv');
  await assert.rejects(openSource(pathToFileURL(file).href), (err: unknown) => {
    assert.ok(err instanceof InputError);
    assert.equal(err.problem, InputProblem.NotFound);
    assert.equal(err.location?.file, file);
    assert.match(err.message, /Input file not found: .*missing\.csv/);
    return true;
  });
});

test('an existing input file streams its bytes', async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'bulkflow-source-')), 'ok.csv');
  writeFileSync(file, 'LastName\nLovelace\n');
  const chunks: Buffer[] = [];
  for await (const chunk of await openSource(pathToFileURL(file).href)) chunks.push(chunk as Buffer);
  assert.equal(Buffer.concat(chunks).toString('utf8'), 'LastName\nLovelace\n');
});
