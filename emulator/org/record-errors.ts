/**
 * Per-record errors as Salesforce reports them: a status code, a message and the fields involved, written in
 * Bulk results as `CODE:message:Field1,Field2 --` or `CODE:message:--` when no field is named.
 */

/** Status codes the emulator produces, spelled as in the Salesforce StatusCode enum. */
export const StatusCode = {
  RequiredFieldMissing: 'REQUIRED_FIELD_MISSING',
  StringTooLong: 'STRING_TOO_LONG',
  MalformedId: 'MALFORMED_ID',
  InvalidCrossReferenceKey: 'INVALID_CROSS_REFERENCE_KEY',
  EntityIsDeleted: 'ENTITY_IS_DELETED',
  InvalidEmailAddress: 'INVALID_EMAIL_ADDRESS',
  InvalidTypeOnFieldInRecord: 'INVALID_TYPE_ON_FIELD_IN_RECORD',
  NumberOutsideValidRange: 'NUMBER_OUTSIDE_VALID_RANGE',
  DuplicateValue: 'DUPLICATE_VALUE',
  InvalidField: 'INVALID_FIELD',
  InvalidFieldForInsertUpdate: 'INVALID_FIELD_FOR_INSERT_UPDATE',
  InvalidOrNullForRestrictedPicklist: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
  FieldIntegrityException: 'FIELD_INTEGRITY_EXCEPTION',
  MissingArgument: 'MISSING_ARGUMENT',
  UnableToLockRow: 'UNABLE_TO_LOCK_ROW',
} as const;
export type StatusCode = (typeof StatusCode)[keyof typeof StatusCode];

/** One error on one record. */
export interface RecordError {
  statusCode: StatusCode;
  message: string;
  fields: readonly string[];
}

/** Builds a record error. */
export function recordError(statusCode: StatusCode, message: string, fields: readonly string[] = []): RecordError {
  return { statusCode, message, fields };
}

/** The error as written in `sf__Error` (Bulk 2.0) and `Error` (Bulk v1 CSV). */
export function formatRecordError(error: RecordError): string {
  const fieldList = error.fields.length > 0 ? `${error.fields.join(',')} ` : '';
  return `${error.statusCode}:${error.message}:${fieldList}--`;
}

/** Salesforce HTML-escapes user values quoted in some messages (restricted picklists); this mirrors it. */
export function htmlEscape(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
