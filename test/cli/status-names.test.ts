import assert from 'node:assert/strict';
import { test } from 'node:test';
import { statusLabel } from '../../cli/status-names.js';

test("Temporal's status names read as the UI words them", () => {
  assert.equal(statusLabel('RUNNING'), 'Running');
  assert.equal(statusLabel('CONTINUED_AS_NEW'), 'Continued as new');
  assert.equal(statusLabel('TIMED_OUT'), 'Timed out');
});
