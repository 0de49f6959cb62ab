import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { idChecksum, normalizeId, to18 } from '../../emulator/org/ids.js';
import { useEmulator } from '../helpers/emulator.js';
import { createJob, ingestClient, login } from '../helpers/emulator-http.js';

describe('Salesforce ids', () => {
  it('computes the case-checksum suffix of real ids', () => {
    assert.equal(idChecksum('7502M00000aFzAI'), 'QA0');
    assert.equal(idChecksum('750D00000004SkL'), 'IAU');
    assert.equal(idChecksum('001D000000ISUr3'), 'IAH');
    assert.equal(to18('001D000000ISUr3'), '001D000000ISUr3IAH');
  });

  it('normalises 15- and 18-character ids, restoring case from the suffix', () => {
    assert.equal(normalizeId('001D000000ISUr3'), '001D000000ISUr3IAH');
    assert.equal(normalizeId('001d000000isur3iah'), '001D000000ISUr3IAH');
    assert.equal(normalizeId('7502M00000aFzAIQA0'), '7502M00000aFzAIQA0');
    assert.equal(normalizeId('abc123'), undefined);
    assert.equal(normalizeId('001D000000ISUr3!!!'), undefined);
  });

  describe('ids handed out by the emulator', () => {
    const emulator = useEmulator();

    it('are valid 18-character ids with the right key prefix', async () => {
      const ingest = ingestClient(emulator.url, await login(emulator.url));
      const job = await createJob(ingest, { object: 'Account', operation: 'insert' });
      assert.match(job.id, /^750[0-9A-Za-z]{15}$/);
      assert.equal(to18(job.id.slice(0, 15)), job.id);
    });
  });
});
