import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NativeConnection } from '@temporalio/worker';
import { startDevServer } from '../../cli/dev/dev-server.js';
import { requireTemporalCli } from '../../cli/dev/temporal-binaries.js';
import { ensureSearchAttributes } from '../../worker/search-attributes.js';
import { SearchAttributes } from '../../workflows/contract.js';

test('a worker registers bulkflow search attributes on a server that lacks them', async () => {
  const server = await startDevServer({ binary: requireTemporalCli().path, searchAttributes: false });
  const connection = await NativeConnection.connect({ address: server.address });
  try {
    const names = async () =>
      Object.keys(
        (await connection.operatorService.listSearchAttributes({ namespace: 'default' })).customAttributes ?? {},
      );
    const expected = Object.values(SearchAttributes).map((k) => k.name);
    const before = await names();
    assert.ok(
      expected.every((n) => !before.includes(n)),
      'the bare server has none of them',
    );
    await ensureSearchAttributes(connection, 'default');
    const after = await names();
    assert.ok(
      expected.every((n) => after.includes(n)),
      `registered: ${after.join(', ')}`,
    );
    await ensureSearchAttributes(connection, 'default'); // a second check is a no-op
  } finally {
    await connection.close();
    await server.stop();
  }
});
