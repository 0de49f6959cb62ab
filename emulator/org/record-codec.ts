/**
 * Turns a stored record into the array of its values in the schema's field order and back, with functions made
 * once per schema: an object literal of fixed shape is built many times faster than one grown field by field,
 * which counts when a query reads millions of records from disk. Date-times in the org's stored form are kept as
 * epoch seconds and reference ids as numbers of a per-table dictionary: a Contact takes about a third less.
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

/** A stored date-time in the org's own form: held on disk as epoch seconds (5 bytes instead of 29). */
const STORED_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/;

/** Distinct reference values a table's dictionary holds (users, and the first parents seen); others stay text. */
export const DICTIONARY_LIMIT = 4096;

type Packer = (value: FieldValue | undefined) => FieldValue;

/** Date-time text to epoch seconds (a fraction for milliseconds); the records of a step share one moment. */
function dateTimePacker(): Packer {
  let lastText = '';
  let lastSeconds = 0;
  return (value) => {
    if (typeof value !== 'string') return value ?? null;
    if (value === lastText) return lastSeconds;
    if (!STORED_DATE_TIME.test(value)) return value;
    lastText = value;
    lastSeconds = Date.parse(value.replace('+0000', 'Z')) / 1000;
    return lastSeconds;
  };
}

/** Epoch seconds back to text; a scan meets the same moment many times in a row, so the last is kept. */
function dateTimeUnpacker(): Packer {
  let lastSeconds = Number.NaN;
  let lastText = '';
  return (value) => {
    if (typeof value !== 'number') return value ?? null;
    if (value !== lastSeconds) {
      lastSeconds = value;
      lastText = formatDateTime(new Date(Math.round(value * 1000)));
    }
    return lastText;
  };
}

/**
 * Reference ids as small numbers: OwnerId, CreatedById and LastModifiedById of a million records name a few
 * users, 18 bytes each time. Ids are text, so a number in a reference field is unambiguous.
 */
function referenceDictionary(): { pack: Packer; unpack: Packer } {
  const numbers = new Map<string, number>();
  const values: string[] = [];
  return {
    pack: (value) => {
      if (typeof value !== 'string') return value ?? null;
      const known = numbers.get(value);
      if (known !== undefined) return known;
      if (values.length >= DICTIONARY_LIMIT) return value;
      numbers.set(value, values.length);
      values.push(value);
      return values.length - 1;
    },
    unpack: (value) => (typeof value === 'number' ? (values[value] ?? null) : (value ?? null)),
  };
}

/**
 * The codec of a schema's fields, for one table (its reference dictionary is the table's). Field names are API
 * names (letters, digits, underscores), quoted anyway.
 */
export function recordCodec(schema: SObjectSchema): RecordCodec {
  const names = schema.fields.map((field) => JSON.stringify(field.name));
  const references = referenceDictionary();
  const packers: Array<Packer | undefined> = [];
  const unpackers: Array<Packer | undefined> = [];
  for (const field of schema.fields) {
    const dateTime = field.type === FieldType.DateTime;
    const reference = field.type === FieldType.Reference;
    packers.push(dateTime ? dateTimePacker() : reference ? references.pack : undefined);
    unpackers.push(dateTime ? dateTimeUnpacker() : reference ? references.unpack : undefined);
  }
  const encodeBody = `return [${names.map((name, i) => (packers[i] ? `p[${i}](r[${name}])` : `r[${name}] ?? null`)).join(', ')}];`;
  const decodeBody = `return { ${names.map((name, i) => (unpackers[i] ? `${name}: u[${i}](v[${i}])` : `${name}: v[${i}] ?? null`)).join(', ')} };`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- built from the schema's own field names
  const encode = new Function('p', 'r', encodeBody) as (p: typeof packers, r: Readonly<StoredRecord>) => FieldValue[];
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- built from the schema's own field names
  const decode = new Function('u', 'v', decodeBody) as (u: typeof unpackers, v: readonly FieldValue[]) => StoredRecord;
  return { encode: (record) => encode(packers, record), decode: (values) => decode(unpackers, values) };
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
