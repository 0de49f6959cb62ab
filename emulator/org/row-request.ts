/**
 * What one write asks of the org and what it answers: the DML operation, the row, the outcome.
 */
import type { ColumnRef } from './columns.js';
import type { RecordError } from './record-errors.js';
import type { FieldSchema, SObjectSchema } from './schemas.js';

/** DML operations, spelled as on the wire. */
export const DmlOperation = {
  Insert: 'insert',
  Update: 'update',
  Upsert: 'upsert',
  Delete: 'delete',
  HardDelete: 'hardDelete',
} as const;
export type DmlOperation = (typeof DmlOperation)[keyof typeof DmlOperation];

/** One row to write: cells in the order of the resolved columns. */
export interface RowRequest {
  object: SObjectSchema;
  operation: DmlOperation;
  columns: readonly ColumnRef[];
  cells: readonly string[];
  /** The field upserts match on (`Id` or an external id field). */
  externalIdField?: FieldSchema;
  /** The user the write is done as: owner, creator and last modifier. */
  userId: string;
  /**
   * The moment written to CreatedDate (inserts), LastModifiedDate and SystemModstamp; the org's clock (whole
   * seconds) when left out. Bulk processing passes one moment per step, so the records of a step share it.
   */
  timestamp?: Date;
}

/** The outcome of one row. `id` is empty when no record was identified, as on a failed insert. */
export type RowResult =
  { success: true; id: string; created: boolean } | { success: false; id: string; error: RecordError };
