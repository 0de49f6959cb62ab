/**
 * The soak's ledger: what the org must hold when the soak ends, in blocks of keyed records.
 *
 * A block is one workflow's worth of records of one object, keyed `<run>-b<block>-<i>` in the object's external id
 * field. Its values are a pure function of (key, generation), so the expected org is the ledger's block table and
 * nothing more: an insert makes a block live at generation 0, an update or upsert moves it to the next generation
 * (new, distinct values), a delete retires it. A block is used by one workflow at a time, so the outcome does not
 * depend on the order in which concurrent workflows finish.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { CustomObjectDefinition, FieldValue, Org } from '../../../emulator/index.js';
import { formatCsvRow } from '../../../csv/csv.js';

/** The custom object most soak blocks live in: a small record, so a soak of millions of rows fits in memory. */
export const SOAK_OBJECT: CustomObjectDefinition = {
  name: 'Soak_Item__c',
  keyPrefix: 'a0S',
  fields: [
    { name: 'Key__c', type: 'string', length: 80, externalId: true, unique: true },
    { name: 'Value__c', type: 'string', length: 255 },
    { name: 'Amount__c', type: 'double', precision: 18, scale: 2 },
  ],
};

export type SoakObjectName = 'Soak_Item__c' | 'Contact';
export type IngestOp = 'insert' | 'update' | 'upsert' | 'delete';

/** How each object is keyed and which of its fields carry a generation's values. */
interface ObjectShape {
  key: string;
  /** Fields set on create only (they never change). */
  identity: readonly string[];
  /** Fields every generation changes. */
  values: readonly string[];
  /** The expected cells of identity and value fields for key `key`, row `i`, generation `gen`. */
  cells(key: string, i: number, gen: number): Record<string, string>;
  /** The stored value as the org keeps it, for comparing with `cells`. */
  stored(field: string, cell: string): FieldValue;
}

const SHAPES: Record<SoakObjectName, ObjectShape> = {
  Soak_Item__c: {
    key: 'Key__c',
    identity: ['Name'],
    values: ['Value__c', 'Amount__c'],
    cells: (key, i, gen) => ({
      Name: `Item ${i}`,
      // Awkward but valid CSV: commas, quotes, non-ASCII, and now and then a newline.
      Value__c: i % 7 === 0 ? `g${gen} ${key}\nsecond line, "quoted" ü` : `g${gen} ${key}, "ü"`,
      Amount__c: `${gen * 1000 + (i % 1000)}.25`,
    }),
    stored: (field, cell) => (field === 'Amount__c' ? Number(cell) : cell),
  },
  Contact: {
    key: 'External_Id__c',
    identity: ['Email'],
    values: ['LastName', 'FirstName', 'Title', 'Description'],
    cells: (key, i, gen) => ({
      Email: `${key}@soak.example.com`,
      LastName: `Last${gen}-${i}`,
      FirstName: i % 5 === 0 ? 'Zoë' : `First${i}`,
      Title: `T${gen}, "Soak"`,
      Description: i % 4 === 0 ? `gen ${gen} of ${key}\nline two, ünïcödé` : `gen ${gen} of ${key}`,
    }),
    stored: (_field, cell) => cell,
  },
};

export function externalIdField(object: SoakObjectName): string {
  return SHAPES[object].key;
}

/** Where a block stands. `half`: its first half exists (seeded), for an upsert that creates and updates. */
export type BlockState = 'new' | 'half' | 'live' | 'deleted' | 'unknown';

export interface Block {
  id: number;
  object: SoakObjectName;
  size: number;
  state: BlockState;
  /** Generation of the values the records carry (live) or carried (deleted). */
  gen: number;
  /** A workflow (or query) is using it. */
  busy: boolean;
  /** What made it `unknown`. */
  note?: string;
}

/** A problem the row-by-row check found, e.g. "Soak_Item__c r1-b3-17: missing". */
export interface Problem {
  block?: number;
  message: string;
}

export interface VerifyReport {
  /** Records compared, live and deleted. */
  checked: number;
  /** Keys expected live and found with the expected values. */
  live: number;
  /** Keys expected deleted and found in the recycle bin only. */
  deleted: number;
  problems: Problem[];
  /** Problems beyond the first `maxProblems`, counted only. */
  moreProblems: number;
}

const SEED_USER = '005000000000000AAA';

/** The stored records of one key: one, unless something went in twice. */
type StoredRows = Array<Readonly<Record<string, FieldValue>>>;

export class Ledger {
  readonly blocks: Block[] = [];

  constructor(
    /** Distinguishes this soak's keys from anything else in the org. */
    readonly run: string,
  ) {}

  keyOf(block: Block, i: number): string {
    return `${this.run}-b${block.id}-${i}`;
  }

  prefixOf(block: Block): string {
    return `${this.run}-b${block.id}-`;
  }

  newBlock(object: SoakObjectName, size: number): Block {
    const block: Block = { id: this.blocks.length + 1, object, size, state: 'new', gen: 0, busy: false };
    this.blocks.push(block);
    return block;
  }

  /** A free block the operation can run on, or undefined. */
  free(op: IngestOp | 'query', random: () => number): Block | undefined {
    const wanted: readonly BlockState[] = op === 'upsert' ? ['half', 'live'] : ['live'];
    const candidates = this.blocks.filter((b) => !b.busy && wanted.includes(b.state));
    // Upserts prefer half blocks (creates and updates in one job); everything else any live block.
    const half = op === 'upsert' ? candidates.filter((b) => b.state === 'half') : [];
    const pool = half.length > 0 ? half : candidates;
    return pool[Math.floor(random() * pool.length)];
  }

  /**
   * Writes a block straight into the org (no API calls): all of it live at generation 0, or only its first half
   * (for a mixed upsert). Yields to the event loop between chunks, so the emulator keeps answering.
   */
  async seed(org: Org, block: Block, half: boolean): Promise<void> {
    const shape = SHAPES[block.object];
    const schema = org.schemas.get(block.object);
    if (!schema) throw new Error(`the emulator has no ${block.object}`);
    const header = [shape.key, ...shape.identity, ...shape.values];
    const resolution = org.resolveColumns(schema, header);
    if (!resolution.ok) throw new Error(`seed header refused: ${header.join(',')}`);
    const count = half ? Math.floor(block.size / 2) : block.size;
    for (let i = 0; i < count; i++) {
      const key = this.keyOf(block, i);
      const cells = shape.cells(key, i, 0);
      const result = org.applyRow({
        object: schema,
        operation: 'insert',
        columns: resolution.columns,
        cells: [key, ...shape.identity.map((f) => cells[f] ?? ''), ...shape.values.map((f) => cells[f] ?? '')],
        userId: SEED_USER,
      });
      if (!result.success) throw new Error(`seeding ${key} failed: ${JSON.stringify(result.error)}`);
      if (i % 2_000 === 1_999) await yieldToLoop();
    }
    block.state = half ? 'half' : 'live';
    block.gen = 0;
  }

  /** Live record ids of a block by row index, read from the org (as a service would know its records' ids). */
  idsOf(org: Org, block: Block): Map<number, string> {
    const keyField = SHAPES[block.object].key;
    const prefix = this.prefixOf(block);
    const ids = new Map<number, string>();
    for (const record of org.scanRecords(block.object)) {
      const key = record[keyField];
      if (record['IsDeleted'] === true || typeof key !== 'string' || !key.startsWith(prefix)) continue;
      ids.set(Number(key.slice(prefix.length)), String(record['Id']));
    }
    return ids;
  }

  /** The CSV the operation sends for this block (ids from the org for update and delete). */
  csv(op: IngestOp, block: Block, org: Org): Buffer {
    const shape = SHAPES[block.object];
    const next = op === 'insert' ? 0 : block.gen + 1;
    const chunks: string[] = [];
    const ids = op === 'update' || op === 'delete' ? this.idsOf(org, block) : undefined;
    const idOf = (i: number): string => {
      const id = ids?.get(i);
      if (id === undefined) throw new Error(`block ${block.id} row ${i} has no live record to ${op}`);
      return id;
    };
    let header: string[];
    let row: (i: number) => string[];
    switch (op) {
      case 'insert':
      case 'upsert':
        header = [shape.key, ...shape.identity, ...shape.values];
        row = (i) => {
          const key = this.keyOf(block, i);
          const cells = shape.cells(key, i, next);
          return [key, ...shape.identity.map((f) => cells[f] ?? ''), ...shape.values.map((f) => cells[f] ?? '')];
        };
        break;
      case 'update':
        header = ['Id', ...shape.values];
        row = (i) => {
          const cells = shape.cells(this.keyOf(block, i), i, next);
          return [idOf(i), ...shape.values.map((f) => cells[f] ?? '')];
        };
        break;
      case 'delete':
        header = ['Id'];
        row = (i) => [idOf(i)];
        break;
    }
    chunks.push(formatCsvRow(header));
    for (let i = 0; i < block.size; i++) chunks.push(formatCsvRow(row(i)));
    return Buffer.from(chunks.join(''), 'utf8');
  }

  /** Records a workflow's success on the block. */
  applied(op: IngestOp, block: Block): void {
    if (op === 'insert') {
      block.state = 'live';
      block.gen = 0;
    } else if (op === 'delete') {
      block.state = 'deleted';
    } else {
      block.state = 'live';
      block.gen += 1;
    }
  }

  /** A workflow on the block did not complete as it should: its records are no longer predictable. */
  lost(block: Block, note: string): void {
    block.state = 'unknown';
    block.note = note;
  }

  /** The SOQL that reads a block back, and the columns it selects. */
  querySoql(block: Block): { soql: string; columns: string[] } {
    const shape = SHAPES[block.object];
    const columns = ['Id', shape.key, ...shape.values];
    return {
      soql: `SELECT ${columns.join(', ')} FROM ${block.object} WHERE ${shape.key} LIKE '${this.prefixOf(block)}%'`,
      columns,
    };
  }

  /** Compares a query's rows (CSV objects keyed by column) with the block, row by row. */
  verifyQueryRows(block: Block, rows: ReadonlyArray<Record<string, string>>, maxProblems = 20): Problem[] {
    const shape = SHAPES[block.object];
    const problems: Problem[] = [];
    const add = (message: string) => {
      if (problems.length < maxProblems) problems.push({ block: block.id, message });
    };
    if (rows.length !== block.size) add(`query returned ${rows.length} rows, the block has ${block.size}`);
    const prefix = this.prefixOf(block);
    const seen = new Set<number>();
    for (const row of rows) {
      const key = row[shape.key] ?? '';
      const i = Number(key.slice(prefix.length));
      if (!key.startsWith(prefix) || !Number.isInteger(i) || i < 0 || i >= block.size) {
        add(`query returned a record of another block: ${key}`);
        continue;
      }
      if (seen.has(i)) add(`query returned ${key} twice`);
      seen.add(i);
      const expected = shape.cells(key, i, block.gen);
      for (const field of shape.values) {
        // Query CSVs write numbers as JavaScript prints them: compare as the org stores them.
        const got = shape.stored(field, row[field] ?? '');
        const want = shape.stored(field, expected[field] ?? '');
        if (got !== want) add(`query: ${key}.${field} is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
      }
    }
    return problems;
  }

  /**
   * The row-by-row check of the whole org against the ledger: every key of a live block once, live, with its
   * generation's values; every key of a deleted block in the recycle bin and nowhere else; no record of this soak
   * that the ledger does not know (a duplicate or a stray).
   */
  verify(org: Org, maxProblems = 50): VerifyReport {
    const report: VerifyReport = { checked: 0, live: 0, deleted: 0, problems: [], moreProblems: 0 };
    const add = (message: string, block?: number) => {
      if (report.problems.length < maxProblems) report.problems.push({ message, ...(block ? { block } : {}) });
      else report.moreProblems += 1;
    };
    const byId = new Map(this.blocks.map((b) => [b.id, b]));
    const pattern = new RegExp(`^${this.run.replace(/[^\w]/g, '\\$&')}-b(\\d+)-(\\d+)$`);
    for (const object of ['Soak_Item__c', 'Contact'] as const) {
      const shape = SHAPES[object];
      // Every stored record of this soak, live or deleted, by block and row.
      const seen = new Map<number, Map<number, StoredRows>>();
      for (const record of org.scanRecords(object)) {
        const key = record[shape.key];
        const match = typeof key === 'string' ? pattern.exec(key) : null;
        if (!match) continue;
        report.checked += 1;
        const blockId = Number(match[1]);
        const i = Number(match[2]);
        const block = byId.get(blockId);
        if (!block || block.object !== object || i >= block.size) {
          add(`${object} ${String(key)} belongs to no block of the soak`, blockId);
          continue;
        }
        let rows = seen.get(blockId);
        if (!rows) seen.set(blockId, (rows = new Map<number, StoredRows>()));
        const list = rows.get(i);
        if (list) list.push(record);
        else rows.set(i, [record]);
      }
      for (const block of this.blocks) {
        if (block.object !== object || block.state === 'unknown' || block.state === 'new') continue;
        const rows = seen.get(block.id) ?? new Map<number, StoredRows>();
        const expectedRows = block.state === 'half' ? Math.floor(block.size / 2) : block.size;
        for (let i = 0; i < expectedRows; i++) {
          const key = this.keyOf(block, i);
          const records = rows.get(i) ?? [];
          if (records.length === 0) {
            add(`${object} ${key}: missing`, block.id);
            continue;
          }
          if (records.length > 1) add(`${object} ${key}: ${records.length} records (duplicate)`, block.id);
          const record = records[0]!;
          if (block.state === 'deleted') {
            if (record['IsDeleted'] !== true) add(`${object} ${key}: should be deleted, is live`, block.id);
            else report.deleted += 1;
            continue;
          }
          if (record['IsDeleted'] === true) {
            add(`${object} ${key}: deleted, should be live`, block.id);
            continue;
          }
          const expected = shape.cells(key, i, block.gen);
          let ok = true;
          for (const field of [...shape.identity, ...shape.values]) {
            const want = shape.stored(field, expected[field] ?? '');
            if (record[field] !== want) {
              ok = false;
              const got = JSON.stringify(record[field]);
              add(`${object} ${key}.${field} is ${got}, expected ${JSON.stringify(want)} (gen ${block.gen})`, block.id);
            }
          }
          if (ok) report.live += 1;
        }
        for (const i of rows.keys()) {
          if (i >= expectedRows) add(`${object} ${this.keyOf(block, i)}: exists, the ledger has no such row`, block.id);
        }
      }
    }
    return report;
  }
}

/** A small seeded PRNG (mulberry32), so a soak's plan can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
