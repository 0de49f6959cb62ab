/**
 * Splits SOQL text into tokens with their positions, so errors can point at a row and column the way
 * Salesforce's do. Keywords are plain identifiers here; the parser recognises them case-insensitively.
 */
import { unexpectedToken } from './errors.js';
import type { SourcePosition } from './errors.js';

/** Kinds of token. */
export const TokenKind = {
  Identifier: 'identifier',
  String: 'string',
  Number: 'number',
  Date: 'date',
  DateTime: 'datetime',
  Operator: 'operator',
  Punctuation: 'punctuation',
  End: 'end',
} as const;
export type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

/** One token. For strings `text` is the source with quotes and `value` the content with escapes undone. */
export interface Token extends SourcePosition {
  kind: TokenKind;
  text: string;
  value: string;
}

const PATTERNS: ReadonlyArray<[TokenKind, RegExp]> = [
  [TokenKind.DateTime, /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})/y],
  [TokenKind.Date, /\d{4}-\d{2}-\d{2}(?![\dT])/y],
  [TokenKind.Number, /[+-]?(\d+(\.\d*)?|\.\d+)/y],
  // Dotted paths such as Account.Name are one identifier; the resolver splits them.
  [TokenKind.Identifier, /[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/y],
  [TokenKind.Operator, /!=|<>|<=|>=|=|<|>/y],
  [TokenKind.Punctuation, /[(),]/y],
];

const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  '"': '"',
  "'": "'",
  '\\': '\\',
  // Kept escaped in `text` so LIKE can tell a literal % or _ from a wildcard.
  '%': '%',
  _: '_',
};

/** Turns offsets into 1-based line and column numbers. */
function positionOf(soql: string, offset: number): SourcePosition {
  const before = soql.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return { offset, line, column };
}

function readString(soql: string, start: number): Token {
  let value = '';
  for (let i = start + 1; i < soql.length; i++) {
    const ch = soql.charAt(i);
    if (ch === "'") {
      return { kind: TokenKind.String, text: soql.slice(start, i + 1), value, ...positionOf(soql, start) };
    }
    if (ch === '\\') {
      const escaped = ESCAPES[soql.charAt(i + 1)];
      if (escaped === undefined) throw unexpectedToken(soql, positionOf(soql, i), soql.slice(i, i + 2));
      value += escaped;
      i++;
    } else {
      value += ch;
    }
  }
  throw unexpectedToken(soql, positionOf(soql, start), soql.slice(start));
}

/** The tokens of a query, ending with an End token. */
export function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let offset = 0;
  while (offset < soql.length) {
    const ch = soql.charAt(offset);
    if (/\s/.test(ch)) {
      offset++;
      continue;
    }
    if (ch === "'") {
      const token = readString(soql, offset);
      tokens.push(token);
      offset += token.text.length;
      continue;
    }
    const match = matchAt(soql, offset);
    if (!match) throw unexpectedToken(soql, positionOf(soql, offset), ch);
    tokens.push({ kind: match.kind, text: match.text, value: match.text, ...positionOf(soql, offset) });
    offset += match.text.length;
  }
  tokens.push({ kind: TokenKind.End, text: '<EOF>', value: '', ...positionOf(soql, soql.length) });
  return tokens;
}

function matchAt(soql: string, offset: number): { kind: TokenKind; text: string } | undefined {
  for (const [kind, pattern] of PATTERNS) {
    pattern.lastIndex = offset;
    const match = pattern.exec(soql);
    if (match) return { kind, text: match[0] };
  }
  return undefined;
}
