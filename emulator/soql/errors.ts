/**
 * Errors of rejected queries, worded as Salesforce words them: the offending line, a caret under the column,
 * `ERROR at Row:R:Column:C`, then the reason.
 */

/** Error codes of a rejected query, spelled as Salesforce reports them. */
export type SoqlErrorCode = 'MALFORMED_QUERY' | 'INVALID_FIELD' | 'INVALID_TYPE';

/** A query Salesforce would reject; `message` carries Salesforce-like text. */
export class SoqlError extends Error {
  readonly code: SoqlErrorCode;

  constructor(code: SoqlErrorCode, message: string) {
    super(message);
    this.name = 'SoqlError';
    this.code = code;
  }
}

/** Constructs valid SOQL that Bulk queries refuse; the Bulk APIs word their own errors from `feature`. */
export const UnsupportedFeature = {
  Aggregate: 'aggregate',
  GroupBy: 'groupBy',
  Subquery: 'subquery',
  Offset: 'offset',
  TypeOf: 'typeof',
  Fields: 'fields',
  Function: 'function',
  /** Relationship paths deeper than one parent: valid SOQL, beyond the emulator's subset. */
  DeepRelationship: 'deepRelationship',
} as const;
export type UnsupportedFeature = (typeof UnsupportedFeature)[keyof typeof UnsupportedFeature];

/**
 * Valid SOQL the Bulk APIs (and so the emulator) do not run. Its code is MALFORMED_QUERY so that callers that
 * only know {@link SoqlError} still refuse the query; callers that know better read `feature`.
 */
export class SoqlUnsupportedError extends SoqlError {
  readonly feature: UnsupportedFeature;

  constructor(feature: UnsupportedFeature, message: string) {
    super('MALFORMED_QUERY', message);
    this.name = 'SoqlUnsupportedError';
    this.feature = feature;
  }
}

/** Where in the query text something is: 0-based offset, 1-based line and column. */
export interface SourcePosition {
  offset: number;
  line: number;
  column: number;
}

/** Salesforce shows at most about this many characters of the line before the error. */
const CONTEXT_BEFORE = 40;

/** The text block Salesforce puts before the reason: the line (trimmed on the left when long) and a caret. */
function excerpt(soql: string, at: SourcePosition): string {
  const line = soql.split(/\r?\n/)[at.line - 1] ?? '';
  let start = Math.max(0, at.column - 1 - CONTEXT_BEFORE);
  if (start > 0) {
    // Start on a word boundary, as the real excerpts do.
    const space = line.indexOf(' ', start);
    start = space >= 0 && space < at.column - 1 ? space + 1 : start;
  }
  const caret = ' '.repeat(at.column - 1 - start);
  return `\n${line.slice(start)}\n${caret}^\nERROR at Row:${at.line}:Column:${at.column}\n`;
}

/** A SoqlError pointing at a position of the query. */
export function soqlError(code: SoqlErrorCode, soql: string, at: SourcePosition, reason: string): SoqlError {
  return new SoqlError(code, excerpt(soql, at) + reason);
}

/** MALFORMED_QUERY for a token the grammar does not allow where it stands. */
export function unexpectedToken(soql: string, at: SourcePosition, text: string): SoqlError {
  return soqlError('MALFORMED_QUERY', soql, at, `unexpected token: '${text}'`);
}
