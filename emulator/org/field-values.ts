/**
 * Converts the text of one CSV cell into the typed value stored for a field, or the error Salesforce reports
 * for it. References are resolved by the org, which knows the records.
 */
import { FieldType } from './schemas.js';
import type { FieldSchema, FieldValue } from './schemas.js';
import { StatusCode, htmlEscape, recordError } from './record-errors.js';
import type { RecordError } from './record-errors.js';

/** A stored field value. Dates are `YYYY-MM-DD`, date-times `2024-01-10T12:00:00.000+0000`. */
export type { FieldValue };

/** The outcome of converting one cell. */
export type CoerceResult = { ok: true; value: FieldValue } | { ok: false; error: RecordError };

/** The cell value Bulk uploads use to set a field to null (an empty cell means "leave as is" on update). */
export const NULL_MARKER = '#N/A';

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/**
 * `yyyy-MM-ddTHH:mm:ss`, an optional fraction, then `Z` or an offset (`+01:00`, or `+0100` as Salesforce writes
 * it): seconds and zone are required, as the docs' two formats have them.
 */
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/** Salesforce's JSON date-time form: milliseconds and a `+0000` offset. */
export function formatDateTime(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

function typeError(field: FieldSchema, raw: string): RecordError {
  return recordError(StatusCode.InvalidTypeOnFieldInRecord, `${field.label}: value not of required type: ${raw}`, [
    field.name,
  ]);
}

function coerceText(field: FieldSchema, raw: string): CoerceResult {
  if (field.length !== undefined && raw.length > field.length) {
    const message = `${field.label}: data value too large: ${raw} (max length=${field.length})`;
    return { ok: false, error: recordError(StatusCode.StringTooLong, message, [field.name]) };
  }
  if (field.type === FieldType.Email && !EMAIL.test(raw)) {
    const message = `${field.label}: invalid email address: ${raw}`;
    return { ok: false, error: recordError(StatusCode.InvalidEmailAddress, message, [field.name]) };
  }
  if (field.restrictedPicklist && !(field.picklistValues ?? []).includes(raw)) {
    const message = `${field.label}: bad value for restricted picklist field: ${htmlEscape(raw)}`;
    return { ok: false, error: recordError(StatusCode.InvalidOrNullForRestrictedPicklist, message, [field.name]) };
  }
  return { ok: true, value: raw };
}

function coerceNumber(field: FieldSchema, raw: string): CoerceResult {
  const pattern = field.type === FieldType.Int ? INTEGER : DECIMAL;
  if (!pattern.test(raw)) return { ok: false, error: typeError(field, raw) };
  const scale = field.scale ?? 0;
  const value = Number(raw);
  const integerDigits = Math.trunc(Math.abs(value)).toString().length;
  if (!Number.isFinite(value) || integerDigits > (field.precision ?? 18) - scale) {
    const message = `${field.label}: value outside of valid range on numeric field: ${raw}`;
    return { ok: false, error: recordError(StatusCode.NumberOutsideValidRange, message, [field.name]) };
  }
  const factor = 10 ** scale;
  return { ok: true, value: Math.round(value * factor) / factor };
}

function coerceBoolean(field: FieldSchema, raw: string): CoerceResult {
  const lower = raw.toLowerCase();
  if (lower === 'true' || lower === '1') return { ok: true, value: true };
  if (lower === 'false' || lower === '0') return { ok: true, value: false };
  return { ok: false, error: typeError(field, raw) };
}

/**
 * A date or date-time the Bulk APIs cannot read, worded as captured from a real org: `INVALID_FIELD:Failed to
 * deserialize field at col 0. Due to, '2018-09-28' is not a valid value for the type xsd:dateTime:CreatedDate --`,
 * `col` being the column's position in the header, from 0.
 */
function deserializeError(field: FieldSchema, raw: string, xsdType: string, column: number): RecordError {
  const message = `Failed to deserialize field at col ${column}. Due to, '${raw}' is not a valid value for the type ${xsdType}`;
  return recordError(StatusCode.InvalidField, message, [field.name]);
}

/** Whether `yyyy-MM-dd` names a real day (not 1990-02-30). */
function isCalendarDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

function coerceDate(field: FieldSchema, raw: string, column: number): CoerceResult {
  if (DATE.test(raw) && isCalendarDate(raw)) return { ok: true, value: raw };
  return { ok: false, error: deserializeError(field, raw, 'xsd:date', column) };
}

function coerceDateTime(field: FieldSchema, raw: string, column: number): CoerceResult {
  const match = DATE_TIME.exec(raw);
  if (match && isCalendarDate(match[1] ?? '')) {
    // Milliseconds at most, and an offset with a colon: what Date.parse reads.
    const fraction = (match[3] ?? '').slice(0, 4);
    const zone = (match[4] ?? '').replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
    const time = Date.parse(`${match[1] ?? ''}T${match[2] ?? ''}${fraction}${zone}`);
    if (!Number.isNaN(time)) return { ok: true, value: formatDateTime(new Date(time)) };
  }
  return { ok: false, error: deserializeError(field, raw, 'xsd:dateTime', column) };
}

/**
 * Converts a non-empty cell that is not the null marker into the value stored for a non-reference field.
 * `column` is the cell's position in the header (from 0), which date and date-time errors name.
 */
export function coerceFieldValue(field: FieldSchema, raw: string, column = 0): CoerceResult {
  switch (field.type) {
    case FieldType.Int:
    case FieldType.Double:
    case FieldType.Currency:
    case FieldType.Percent:
      return coerceNumber(field, raw);
    case FieldType.Boolean:
      return coerceBoolean(field, raw);
    case FieldType.Date:
      return coerceDate(field, raw, column);
    case FieldType.DateTime:
      return coerceDateTime(field, raw, column);
    default:
      return coerceText(field, raw);
  }
}
