import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useEmulator } from '../helpers/emulator.js';
import { ingestClient, login, runJob } from '../helpers/emulator-http.js';

describe('admin API: an object’s records, streamed', () => {
  const emulator = useEmulator();
  const url = (query = '') => `${emulator.url}/__emulator/sobjects/Contact/records${query}`;
  before(async () => {
    const ingest = ingestClient(emulator.url, await login(emulator.url));
    const rows = Array.from({ length: 25 }, (_, i) => `Name${i},"Says ""hi"", ${i}"`).join('\n');
    await runJob(ingest, { object: 'Contact', operation: 'insert' }, `LastName,Description\n${rows}\n`);
    const [first] = emulator.org.getRecords('Contact');
    await runJob(ingest, { object: 'Contact', operation: 'delete' }, `Id\n${String(first?.['Id'])}\n`);
  });

  it('is the JSON array of the stored records, byte for byte', async () => {
    for (const includeDeleted of [false, true]) {
      const res = await fetch(url(includeDeleted ? '?includeDeleted=true' : ''));
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(await res.text(), JSON.stringify(emulator.org.getRecords('Contact', { includeDeleted })));
    }
  });

  it('comes as JSON lines with format=jsonl or Accept: application/x-ndjson', async () => {
    const expected = emulator.org
      .getRecords('Contact')
      .map((r) => `${JSON.stringify(r)}\n`)
      .join('');
    for (const res of [
      await fetch(url('?format=jsonl')),
      await fetch(url(), { headers: { Accept: 'application/x-ndjson' } }),
    ]) {
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/x-ndjson/);
      assert.equal(await res.text(), expected);
    }
  });

  it('pages in creation order with limit and after, naming the next page’s start', async () => {
    const all = emulator.org.getRecords('Contact', { includeDeleted: true });
    const seen: unknown[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const query: string = `?includeDeleted=true&format=jsonl&limit=10${after ? `&after=${after}` : ''}`;
      const res = await fetch(url(query));
      assert.equal(res.status, 200);
      const lines = (await res.text()).split('\n').filter((line) => line !== '');
      seen.push(...lines.map((line) => JSON.parse(line) as unknown));
      after = res.headers.get('emulator-next-after');
      if (after === null) break;
      assert.equal(after, String((seen.at(-1) as Record<string, unknown>)['Id']));
    }
    assert.deepEqual(seen, all);
    const page = (await (
      await fetch(url(`?limit=3&after=${String(all[0]?.['Id']).slice(0, 15)}`))
    ).json()) as unknown[];
    assert.deepEqual(page, emulator.org.getRecords('Contact').slice(0, 3), 'after takes a 15-character id');
  });

  it('refuses a bad limit, after or format with 400, and an unknown object with 404', async () => {
    for (const query of ['?limit=0', '?limit=x', '?after=nope', '?format=xml']) {
      const res = await fetch(url(query));
      assert.equal(res.status, 400, query);
      const [error] = (await res.json()) as Array<{ errorCode: string }>;
      assert.equal(error?.errorCode, 'INVALID_PARAMETER', query);
    }
    assert.equal((await fetch(`${emulator.url}/__emulator/sobjects/Nope/records`)).status, 404);
  });
});
