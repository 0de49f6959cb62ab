/**
 * The Bulk 2.0 upload limit as Salesforce counts it: 150 MB of base64-encoded content (4 bytes per 3, rounded
 * up), so at most 117,964,800 bytes of CSV. The bodies are sent gzip-compressed (the limit applies to the
 * inflated size), so the test moves a few hundred kilobytes, not 236 MB.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { constants, gzipSync } from 'node:zlib';
import { useEmulator } from '../helpers/emulator.js';
import { createJob, ingestClient, login } from '../helpers/emulator-http.js';
import type { Ingest } from '../helpers/emulator-http.js';

const LIMIT_BASE64 = 150 * 1024 * 1024;
/** The largest raw size whose base64 form fits: 4 * ceil(n / 3) <= 157,286,400. */
const LARGEST = 117_964_800;

function gzippedUpload(bytes: number): Buffer {
  const body = Buffer.alloc(bytes, 'a');
  body.write('LastName\n');
  return gzipSync(body, { level: constants.Z_BEST_SPEED });
}

describe('Bulk 2.0 upload size', () => {
  const emulator = useEmulator();
  let ingest: Ingest;
  before(async () => {
    ingest = ingestClient(emulator.url, await login(emulator.url));
  });

  const upload = async (bytes: number) => {
    const job = await createJob(ingest, { object: 'Contact', operation: 'insert' });
    const res = await ingest(`/${job.id}/batches`, {
      method: 'PUT',
      headers: { 'Content-Type': 'text/csv', 'Content-Encoding': 'gzip' },
      body: gzippedUpload(bytes),
    });
    emulator.reset(); // frees the stored upload
    return res;
  };

  it('counts the upload as base64: the last size that fits is accepted, one byte more is refused', async () => {
    assert.equal(4 * Math.ceil(LARGEST / 3), LIMIT_BASE64);
    assert.ok(4 * Math.ceil((LARGEST + 1) / 3) > LIMIT_BASE64);
    assert.equal((await upload(LARGEST)).status, 201);
    const refused = await upload(LARGEST + 1);
    assert.equal(refused.status, 400);
    assert.deepEqual(await refused.json(), [
      {
        errorCode: 'EXCEEDED_QUOTA',
        message: `Exceeded max size limit of ${LIMIT_BASE64} bytes of base64-encoded content for the upload`,
      },
    ]);
  });
});
