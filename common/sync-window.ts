/**
 * The window of one incremental export cycle, pure so that the workflow computes it and activities read it the
 * same way: the SOQL of the changes since a bookmark, the bookmark's order, the folder a cycle writes to, and when
 * the next cycle is due (an interval, or a five-field cron expression in UTC).
 *
 * The bookmark is tie-safe: many records share one SystemModstamp (a bulk step of 200 rows is stamped once, and
 * stamps are whole seconds), so it is the pair (SystemModstamp, Id) of the last record exported, and the next
 * window is `SystemModstamp > S OR (SystemModstamp = S AND Id > I)`.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_dateformats.htm
 */

/** Where an incremental export stands: the last record it exported, in (SystemModstamp, Id) order. */
export interface SyncBookmark {
  /** ISO 8601 in UTC, e.g. `2026-12-07T22:35:19.000Z`. */
  systemModstamp: string;
  id: string;
}

/** Fields every cycle reads, whatever the caller asks for: the bookmark's pair and the tombstone flag. */
export const SYNC_FIELDS = ['Id', 'SystemModstamp', 'IsDeleted'] as const;

const API_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const FIELD_PATH = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;
const ID = /^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/;

/** Refuses an object or field name that is not a Salesforce API name (nothing is ever quoted into SOQL). */
export function checkSyncTarget(object: string, fields: readonly string[]): void {
  if (!API_NAME.test(object)) throw new RangeError(`object must be an API name like Contact, got "${object}"`);
  for (const field of fields) {
    if (!FIELD_PATH.test(field)) throw new RangeError(`fields must be API names like LastName, got "${field}"`);
  }
}

/** The selected fields: the bookmark's and the tombstone's first, then the caller's, each once. */
export function syncFields(fields: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const field of [...SYNC_FIELDS, ...fields]) {
    const key = field.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(field);
  }
  return out;
}

/** Epoch milliseconds of a Salesforce date-time as Salesforce writes it (`…+0000`) or as ISO 8601 (`…Z`). */
export function stampMs(stamp: string): number {
  const ms = Date.parse(stamp.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  if (Number.isNaN(ms)) throw new RangeError(`not a date-time: "${stamp}"`);
  return ms;
}

/** A SOQL date-time literal (UTC; whole seconds without a fraction, as SOQL documents them). */
export function soqlDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

/** Orders (stamp, id) pairs as the bookmark predicate does; ids compare by their case-sensitive 15 characters. */
export function compareBookmarks(a: SyncBookmark, b: SyncBookmark): number {
  const byStamp = stampMs(a.systemModstamp) - stampMs(b.systemModstamp);
  if (byStamp !== 0) return byStamp;
  const ai = a.id.slice(0, 15);
  const bi = b.id.slice(0, 15);
  return ai === bi ? 0 : ai < bi ? -1 : 1;
}

/** Refuses a bookmark that would not make a valid predicate. */
export function checkBookmark(bookmark: SyncBookmark): void {
  stampMs(bookmark.systemModstamp);
  if (!ID.test(bookmark.id)) throw new RangeError(`bookmark id must be a 15 or 18 character Id, got "${bookmark.id}"`);
}

/**
 * The SOQL of one cycle, run with queryAll so that deleted records come back with `IsDeleted = true`. Without a
 * bookmark, every record (the first cycle is a full export). With `lookbackMs`, the window starts that long before
 * the bookmark: records whose change committed late, with an earlier stamp, are read again (and so may be
 * exported twice).
 */
export function syncSoql(options: {
  object: string;
  fields: readonly string[];
  bookmark?: SyncBookmark;
  lookbackMs?: number;
}): string {
  checkSyncTarget(options.object, options.fields);
  const select = `SELECT ${syncFields(options.fields).join(', ')} FROM ${options.object}`;
  const bookmark = options.bookmark;
  if (!bookmark) return select;
  checkBookmark(bookmark);
  const at = stampMs(bookmark.systemModstamp);
  if (options.lookbackMs && options.lookbackMs > 0) {
    return `${select} WHERE SystemModstamp >= ${soqlDateTime(at - options.lookbackMs)}`;
  }
  const stamp = soqlDateTime(at);
  return `${select} WHERE (SystemModstamp > ${stamp}) OR (SystemModstamp = ${stamp} AND Id > '${bookmark.id}')`;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * The folder of one cycle's files: `<to>/object=<object>/date=<YYYY-MM-DD>/cycle=<NNNNNN>`, the date that of the
 * cycle's start (UTC). Everything in it follows from the cycle, so a retried cycle writes the same names.
 */
export function cycleFolder(to: string, object: string, cycle: number, startedAtMs: number): string {
  const date = new Date(startedAtMs).toISOString().slice(0, 10);
  return `${to.replace(/\/+$/, '')}/object=${object}/date=${date}/cycle=${pad(cycle, 6)}`;
}

/** The name of a cycle's file `index` (0-based) of `kind`: `changes-0001.csv`, `deletes-0001.csv`. */
export function cycleFileName(kind: 'changes' | 'deletes', index: number): string {
  return `${kind}-${pad(index + 1, 4)}.csv`;
}

/** The file written last in a cycle's folder: when it exists, the cycle's files are complete. */
export const CYCLE_MANIFEST = '_manifest.json';

/**
 * Refuses what no cycle could run with, naming it: the object and fields, the destination (`s3://` or `file://`),
 * the timing, a starting bookmark, the lookback and the rows per file.
 */
export function checkSyncInput(input: {
  object: string;
  fields: readonly string[];
  to: string;
  timing: SyncTiming;
  bookmark?: SyncBookmark;
  lookbackMs?: number;
  maxRowsPerFile?: number;
}): void {
  checkSyncTarget(input.object, input.fields);
  if (!/^(s3|file):\/\//.test(input.to)) throw new RangeError(`to must be an s3:// or file:// URL, got "${input.to}"`);
  checkTiming(input.timing);
  if (input.bookmark) checkBookmark(input.bookmark);
  if (input.lookbackMs !== undefined && !(input.lookbackMs >= 0)) {
    throw new RangeError(`lookbackMs must be 0 or more, got ${input.lookbackMs}`);
  }
  const rows = input.maxRowsPerFile;
  if (rows !== undefined && (!Number.isInteger(rows) || rows < 1)) {
    throw new RangeError(`maxRowsPerFile must be a whole number, 1 or more, got ${rows}`);
  }
}

/** When cycles run: every `everyMs`, or at the minutes a cron expression names (UTC). */
export type SyncTiming = { everyMs: number } | { cron: string };

/** Refuses a timing that would never (or constantly) fire. */
export function checkTiming(timing: SyncTiming): void {
  if ('everyMs' in timing) {
    if (!Number.isFinite(timing.everyMs) || timing.everyMs < 1000) {
      throw new RangeError(`every must be at least one second, got ${timing.everyMs} ms`);
    }
  } else {
    parseCron(timing.cron);
  }
}

/** When the cycle after one that started at `startedAtMs` is due, given the time now. */
export function nextDueMs(timing: SyncTiming, startedAtMs: number, nowMs: number): number {
  if ('everyMs' in timing) return Math.max(startedAtMs + timing.everyMs, nowMs);
  return nextCronMs(timing.cron, nowMs);
}

const CRON_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0, 59], // minute
  [0, 23], // hour
  [1, 31], // day of month
  [1, 12], // month
  [0, 7], // day of week, 0 and 7 are Sunday
];

function cronField(text: string, [min, max]: readonly [number, number], what: string): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) throw new RangeError(`cron ${what} "${text}" is not a number, range, list or step`);
    const from = match[1] === '*' ? min : Number(match[2]);
    const to = match[1] === '*' ? max : match[3] !== undefined ? Number(match[3]) : match[4] ? max : from;
    const step = match[4] ? Number(match[4]) : 1;
    if (from < min || to > max || from > to || step < 1) {
      throw new RangeError(`cron ${what} "${text}" is outside ${min}-${max}`);
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

interface Cron {
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  anyDay: boolean;
  anyWeekday: boolean;
}

/** Parses `minute hour day-of-month month day-of-week` (numbers, `*`, ranges, lists, steps). */
export function parseCron(expression: string): Cron {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw new RangeError(`cron takes five fields (minute hour day month weekday), got "${expression}"`);
  }
  const names = ['minute', 'hour', 'day of month', 'month', 'day of week'];
  const [minutes, hours, days, months, weekdays] = fields.map((f, i) =>
    cronField(f, CRON_RANGES[i] as readonly [number, number], names[i] as string),
  ) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (weekdays.has(7)) weekdays.add(0);
  return { minutes, hours, days, months, weekdays, anyDay: fields[2] === '*', anyWeekday: fields[4] === '*' };
}

/** The first whole minute after `afterMs` that the cron expression names (UTC), within five years. */
export function nextCronMs(expression: string, afterMs: number): number {
  const cron = parseCron(expression);
  const t = new Date(Math.floor(afterMs / 60_000) * 60_000 + 60_000);
  const limit = afterMs + 5 * 366 * 86_400_000;
  while (t.getTime() <= limit) {
    if (!cron.months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0);
      continue;
    }
    const dayOk = cron.days.has(t.getUTCDate());
    const weekdayOk = cron.weekdays.has(t.getUTCDay());
    // As cron does: with both day fields restricted, either matching is enough.
    const day = cron.anyDay ? weekdayOk : cron.anyWeekday ? dayOk : dayOk || weekdayOk;
    if (!day) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0);
      continue;
    }
    if (!cron.hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0);
      continue;
    }
    if (cron.minutes.has(t.getUTCMinutes())) return t.getTime();
    t.setUTCMinutes(t.getUTCMinutes() + 1);
  }
  throw new RangeError(`cron "${expression}" names no time in the next five years`);
}
