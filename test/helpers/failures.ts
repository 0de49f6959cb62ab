import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import { bulkflowErrorOf, type BulkflowErrorInfo } from '../../client/errors.js';

/**
 * Awaits a workflow that must fail and returns its failure as users read it (`bulkflowErrorOf`); fails the
 * test when the workflow completes or ends any other way.
 */
export async function workflowFailure(handle: { result(): Promise<unknown> }): Promise<BulkflowErrorInfo> {
  const err = await handle.result().then(
    () => assert.fail('expected the workflow to fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof WorkflowFailedError, `expected a WorkflowFailedError, got ${String(err)}`);
  return bulkflowErrorOf(err);
}
