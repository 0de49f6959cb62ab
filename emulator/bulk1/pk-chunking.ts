/**
 * PK chunking of Bulk v1 queries (`Sforce-Enable-PKChunking`): the query batch is split into one batch per range
 * of record Ids, each holding at most `chunkSize` Ids, and the original batch ends NotProcessed.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/async_api_headers_enable_pk_chunking.htm
 */
import { normalizeId } from '../org/ids.js';
import type { Org } from '../org/org.js';
import type { RecordScan } from '../org/record-table.js';
import { SOQL_STEP_ROWS } from '../soql/cursor.js';
import { StepwiseSort } from '../soql/stepwise-sort.js';
import { AsyncApiError, AsyncExceptionCode } from './wire.js';

/** The chunking a job asked for. */
export interface PkChunking {
  chunkSize: number;
  startRow?: string;
}

/** An Id range of one chunk; open ends are unbounded. */
export interface IdRange {
  fromInclusive?: string;
  toExclusive?: string;
}

export const DEFAULT_CHUNK_SIZE = 100_000;
export const MAX_CHUNK_SIZE = 250_000;

/** Standard objects that support PK chunking (custom objects always do). */
const SUPPORTED_OBJECTS = new Set(
  [
    'Account',
    'Asset',
    'Campaign',
    'CampaignMember',
    'Case',
    'CaseArticle',
    'CaseHistory',
    'Contact',
    'Event',
    'EventRelation',
    'Lead',
    'LoginHistory',
    'Opportunity',
    'Task',
    'User',
    'WorkOrder',
    'WorkOrderLineItem',
  ].map((name) => name.toLowerCase()),
);

function invalid(message: string): AsyncApiError {
  return new AsyncApiError(AsyncExceptionCode.InvalidJob, message);
}

/** Reads the header value (`TRUE`, `chunkSize=50000; startRow=001…`); undefined when chunking is off. */
export function parsePkChunkingHeader(value: string | undefined): PkChunking | undefined {
  if (value === undefined || value.trim() === '' || value.trim().toUpperCase() === 'FALSE') return undefined;
  const chunking: PkChunking = { chunkSize: DEFAULT_CHUNK_SIZE };
  for (const part of value.split(';').map((p) => p.trim())) {
    if (part === '' || part.toUpperCase() === 'TRUE') continue;
    const [key = '', raw = ''] = part.split('=').map((p) => p.trim());
    if (key.toLowerCase() === 'chunksize') {
      const size = Number(raw);
      if (!Number.isInteger(size) || size < 1 || size > MAX_CHUNK_SIZE) {
        throw invalid(`Invalid chunk size: ${raw}. Chunk size must be an integer from 1 to ${MAX_CHUNK_SIZE}`);
      }
      chunking.chunkSize = size;
    } else if (key.toLowerCase() === 'startrow') {
      const id = normalizeId(raw);
      if (id === undefined) throw invalid(`Invalid startRow: ${raw}`);
      chunking.startRow = id;
    } else if (key.toLowerCase() !== 'parent') {
      throw invalid(`Unsupported PK chunking option: ${part}`);
    }
  }
  return chunking;
}

/** Whether an object can be PK-chunked. */
export function supportsPkChunking(objectName: string): boolean {
  return objectName.toLowerCase().endsWith('__c') || SUPPORTED_OBJECTS.has(objectName.toLowerCase());
}

/**
 * The Id ranges covering the object's records (deleted ones included, so queryAll sees them too), from startRow
 * on, `chunkSize` Ids each. Salesforce ranges over the Id space; here each chunk starts at a stored record,
 * which gives the same batches without empty ones. An object without records still gets one batch. Worked out
 * in bounded steps: `step()` until it answers true, then read `ranges`.
 */
export class ChunkRangeFinder {
  readonly #scan: RecordScan;
  readonly #chunking: PkChunking;
  readonly #ids: string[] = [];
  #scanned = false;
  #sort: StepwiseSort<string> | undefined;
  #ranges: IdRange[] | undefined;

  constructor(org: Org, objectName: string, chunking: PkChunking) {
    this.#scan = org.openScan(objectName);
    this.#chunking = chunking;
  }

  /** Does a bounded piece of the work; true once the ranges are known. */
  step(): boolean {
    if (this.#ranges) return true;
    if (!this.#scanned) {
      const batch = this.#scan.next(SOQL_STEP_ROWS);
      const { startRow } = this.#chunking;
      for (const record of batch) {
        const id = String(record['Id']);
        if (startRow === undefined || id >= startRow) this.#ids.push(id);
      }
      if (batch.length > 0) return false;
      this.#scanned = true;
      this.#scan.close();
    }
    this.#sort ??= new StepwiseSort(this.#ids, (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (!this.#sort.step()) return false;
    this.#ranges = toRanges(this.#sort.sorted, this.#chunking);
    return true;
  }

  /** The ranges; complete once `step()` has answered true. */
  get ranges(): IdRange[] {
    return this.#ranges ?? [];
  }
}

function toRanges(ids: readonly string[], chunking: PkChunking): IdRange[] {
  if (ids.length === 0) return [chunking.startRow === undefined ? {} : { fromInclusive: chunking.startRow }];
  const ranges: IdRange[] = [];
  for (let start = 0; start < ids.length; start += chunking.chunkSize) {
    const next = ids[start + chunking.chunkSize];
    const fromInclusive = ids[start] ?? '';
    ranges.push(next === undefined ? { fromInclusive } : { fromInclusive, toExclusive: next });
  }
  return ranges;
}
