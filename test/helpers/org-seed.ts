/** Seeds an emulated org directly (no HTTP) for SOQL tests. */
import assert from 'node:assert/strict';
import type { Org } from '../../emulator/index.js';

/** Writes rows to an object and returns the new ids; fails the test on any row error. */
export function insertRows(org: Org, objectName: string, header: string[], rows: string[][]): string[] {
  const object = org.schemas.get(objectName);
  assert.ok(object, `unknown object ${objectName}`);
  const resolution = org.resolveColumns(object, header);
  assert.ok(resolution.ok, `bad header ${header.join(',')}`);
  return rows.map((cells) => {
    const result = org.applyRow({ object, operation: 'insert', columns: resolution.columns, cells, userId: USER_ID });
    assert.ok(result.success, JSON.stringify(result));
    return result.id;
  });
}

/** Soft-deletes records by id. */
export function deleteRows(org: Org, objectName: string, ids: string[]): void {
  const object = org.schemas.get(objectName);
  assert.ok(object);
  const resolution = org.resolveColumns(object, ['Id']);
  assert.ok(resolution.ok);
  for (const id of ids) {
    const result = org.applyRow({
      object,
      operation: 'delete',
      columns: resolution.columns,
      cells: [id],
      userId: USER_ID,
    });
    assert.ok(result.success);
  }
}

/** Any id works as the writing user for direct DML. */
const USER_ID = '005000000000000AAA';
