/**
 * Turns a stored record into the array of its values in the schema's field order and back, with functions made
 * once per schema: an object literal of fixed shape is built many times faster than one grown field by field,
 * which counts when a query reads millions of records from disk. Date-times in the org's stored form are kept as
 * epoch milliseconds, which shrinks a record by a quarter.
 */
import { formatDateTime } from './field-values.js';
import type { FieldValue } from './field-values.js';
import { FieldType } from './schemas.js';
import type { SObjectSchema } from './schemas.js';
import type { StoredRecord } from './record-table.js';

/** Record to values and back, for one schema. */
export interface RecordCodec {
  encode(record: Readonly<StoredRecord>): FieldValue[];
  decode(values: readonly FieldValue[]): StoredRecord;
}

/** A stored date-time in the org's own form: held on disk as epoch milliseconds (8 bytes instead of 28). */
const STORED_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/;

let lastPackedText = '';
let lastPackedTime = 0;

/** Text to epoch milliseconds; the records of a processing step share one moment, so the last is kept. */
function packDateTime(value: FieldValue | undefined): FieldValue {
  if (typeof value !== 'string') return value ?? null;
  if (value === lastPackedText) return lastPackedTime;
  if (!STORED_DATE_TIME.test(value)) return value;
  lastPackedText = value;
  lastPackedTime = Date.parse(value.replace('+0000', 'Z'));
  return lastPackedTime;
}

/** Numbers back to text; a scan meets the same moment many times in a row (one per processing step), so the last is kept. */
function dateTimeUnpacker(): (value: FieldValue | undefined) => FieldValue {
  let lastTime = Number.NaN;
  let lastText = '';
  return (value) => {
    if (typeof value !== 'number') return value ?? null;
    if (value !== lastTime) {
      lastTime = value;
      lastText = formatDateTime(new Date(value));
    }
    return lastText;
  };
}

/** The codec of a schema's fields. Field names are API names (letters, digits, underscores), quoted anyway. */
export function recordCodec(schema: SObjectSchema): RecordCodec {
  const names = schema.fields.map((field) => JSON.stringify(field.name));
  const isDateTime = schema.fields.map((field) => field.type === FieldType.DateTime);
  const unpackers = schema.fields.map(() => dateTimeUnpacker());
  const encodeBody = `return [${names.map((name, i) => (isDateTime[i] ? `pack(r[${name}])` : `r[${name}] ?? null`)).join(', ')}];`;
  const decodeBody = `return { ${names.map((name, i) => (isDateTime[i] ? `${name}: un[${i}](v[${i}])` : `${name}: v[${i}] ?? null`)).join(', ')} };`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- built from the schema's own field names
  const encode = new Function('pack', 'r', encodeBody) as (
    pack: typeof packDateTime,
    r: Readonly<StoredRecord>,
  ) => FieldValue[];
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- built from the schema's own field names
  const decode = new Function('un', 'v', decodeBody) as (
    un: typeof unpackers,
    v: readonly FieldValue[],
  ) => StoredRecord;
  return { encode: (record) => encode(packDateTime, record), decode: (values) => decode(unpackers, values) };
}

const blanks = new WeakMap<SObjectSchema, (initial: readonly FieldValue[]) => StoredRecord>();
const initials = new WeakMap<SObjectSchema, FieldValue[]>();

/** A new record of the schema with every field at its initial value, in field order (a fixed-shape literal). */
export function blankRecord(
  schema: SObjectSchema,
  initial: (field: SObjectSchema['fields'][number]) => FieldValue,
): StoredRecord {
  let make = blanks.get(schema);
  let values = initials.get(schema);
  if (make === undefined || values === undefined) {
    const names = schema.fields.map((field) => JSON.stringify(field.name));
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- built from the schema's own field names
    make = new Function('d', `return { ${names.map((name, i) => `${name}: d[${i}]`).join(', ')} };`) as (
      initial: readonly FieldValue[],
    ) => StoredRecord;
    values = schema.fields.map(initial);
    blanks.set(schema, make);
    initials.set(schema, values);
  }
  return make(values);
}
