/**
 * A recursive-descent parser for the SOQL subset the emulator evaluates.
 *
 * Hand-written on purpose: the maintained JavaScript SOQL parsers build composer-oriented trees with their
 * own error texts, while the emulator must report Salesforce's (`unexpected token: 'X'` at a row and column)
 * and recognise the constructs Bulk queries refuse. The subset is small enough that a parser is short.
 */
import type { ComparisonOperator, Condition, FieldPath, Literal, OrderItem, Query } from './ast.js';
import { SoqlUnsupportedError, UnsupportedFeature, unexpectedToken } from './errors.js';
import { TokenKind, tokenize } from './lexer.js';
import type { Token } from './lexer.js';

const AGGREGATES = new Set(['count', 'count_distinct', 'sum', 'avg', 'min', 'max']);

/** Words that end a field list or a clause; never field names in this position. */
const RESERVED = new Set([
  'select', 'from', 'where', 'and', 'or', 'not', 'in', 'like', 'order', 'by', 'limit', 'offset', 'group',
  'having', 'with', 'for', 'using', 'null', 'true', 'false', 'asc', 'desc', 'nulls', 'includes', 'excludes',
]); // prettier-ignore

/** Parses a query; throws SoqlError (MALFORMED_QUERY) or SoqlUnsupportedError. */
export function parseSoql(soql: string): Query {
  return new Parser(soql).query();
}

class Parser {
  readonly #tokens: Token[];
  readonly #end: Token;
  #index = 0;

  constructor(readonly soql: string) {
    this.#tokens = tokenize(soql);
    this.#end = { kind: TokenKind.End, text: '<EOF>', value: '', offset: soql.length, line: 1, column: 1 };
  }

  query(): Query {
    this.#expectKeyword('select');
    const select = this.#selectList();
    this.#expectKeyword('from');
    const from = this.#identifier();
    const query: Query = { select, from, orderBy: [] };
    if (this.#acceptKeyword('where')) query.where = this.#condition();
    this.#refuseClauses();
    if (this.#acceptKeyword('order')) {
      this.#expectKeyword('by');
      query.orderBy = this.#orderList();
    }
    if (this.#acceptKeyword('limit')) query.limit = this.#limit();
    this.#refuseClauses();
    const end = this.#peek();
    if (end.kind !== TokenKind.End) throw this.#unexpected(end);
    return query;
  }

  #selectList(): FieldPath[] {
    const fields = [this.#selectItem()];
    while (this.#acceptPunctuation(',')) fields.push(this.#selectItem());
    return fields;
  }

  #selectItem(): FieldPath {
    const token = this.#peek();
    if (token.text === '(') {
      throw new SoqlUnsupportedError(
        UnsupportedFeature.Subquery,
        'Aggregate Relationships not supported in Bulk Query',
      );
    }
    if (isKeyword(token, 'typeof')) {
      throw new SoqlUnsupportedError(UnsupportedFeature.TypeOf, 'TYPEOF is not supported in Bulk Query');
    }
    const field = this.#fieldPath();
    if (this.#peek().text === '(') throw functionError(field);
    return field;
  }

  #fieldPath(): FieldPath {
    const token = this.#identifier();
    return { parts: token.text.split('.'), token };
  }

  #orderList(): OrderItem[] {
    const items: OrderItem[] = [];
    do {
      const field = this.#fieldPath();
      const descending = this.#acceptKeyword('desc');
      if (!descending) this.#acceptKeyword('asc');
      let nullsFirst = !descending;
      if (this.#acceptKeyword('nulls')) {
        if (this.#acceptKeyword('first')) nullsFirst = true;
        else if (this.#acceptKeyword('last')) nullsFirst = false;
        else throw this.#unexpected(this.#peek());
      }
      items.push({ field, descending, nullsFirst });
    } while (this.#acceptPunctuation(','));
    return items;
  }

  #limit(): number {
    const token = this.#next();
    if (token.kind !== TokenKind.Number || !/^\d+$/.test(token.text)) throw this.#unexpected(token);
    return Number(token.text);
  }

  /** GROUP BY, HAVING and OFFSET are valid SOQL that Bulk queries refuse. */
  #refuseClauses(): void {
    const token = this.#peek();
    if (isKeyword(token, 'group') || isKeyword(token, 'having')) {
      throw new SoqlUnsupportedError(UnsupportedFeature.GroupBy, 'GROUP BY is not supported in Bulk Query');
    }
    if (isKeyword(token, 'offset')) {
      throw new SoqlUnsupportedError(UnsupportedFeature.Offset, 'OFFSET is not supported in Bulk Query');
    }
  }

  /**
   * Conditions joined by AND or by OR. Like Salesforce, mixing the two without parentheses is an error, not a
   * matter of precedence.
   */
  #condition(): Condition {
    const first = this.#unary();
    const connector = this.#peek();
    const kind = isKeyword(connector, 'and') ? 'and' : isKeyword(connector, 'or') ? 'or' : undefined;
    if (kind === undefined) return first;
    const items = [first];
    while (this.#acceptKeyword(kind)) items.push(this.#unary());
    const after = this.#peek();
    if (isKeyword(after, 'and') || isKeyword(after, 'or')) throw this.#unexpected(after);
    return { kind, items };
  }

  #unary(): Condition {
    if (this.#acceptKeyword('not')) return { kind: 'not', item: this.#unary() };
    if (this.#acceptPunctuation('(')) {
      const inner = this.#condition();
      this.#expectPunctuation(')');
      return inner;
    }
    return this.#predicate();
  }

  #predicate(): Condition {
    const field = this.#fieldPath();
    if (this.#peek().text === '(') throw functionError(field);
    const token = this.#next();
    if (token.kind === TokenKind.Operator) {
      const operator = (token.text === '<>' ? '!=' : token.text) as ComparisonOperator;
      return { kind: 'compare', field, operator, value: this.#literal() };
    }
    if (isKeyword(token, 'like')) return { kind: 'like', field, pattern: this.#literal() };
    if (isKeyword(token, 'in')) return { kind: 'in', field, negated: false, values: this.#literalList() };
    if (isKeyword(token, 'not') && this.#acceptKeyword('in')) {
      return { kind: 'in', field, negated: true, values: this.#literalList() };
    }
    throw this.#unexpected(isKeyword(token, 'not') ? this.#peek() : token);
  }

  #literalList(): Literal[] {
    this.#expectPunctuation('(');
    if (isKeyword(this.#peek(), 'select')) {
      throw new SoqlUnsupportedError(UnsupportedFeature.Subquery, 'Semi-join subqueries are not supported here');
    }
    const values = [this.#literal()];
    while (this.#acceptPunctuation(',')) values.push(this.#literal());
    this.#expectPunctuation(')');
    return values;
  }

  #literal(): Literal {
    const token = this.#next();
    switch (token.kind) {
      case TokenKind.String:
        return { kind: 'string', value: token.value, token };
      case TokenKind.Number:
        return { kind: 'number', value: Number(token.text), token };
      case TokenKind.Date:
        return { kind: 'date', value: token.text, token };
      case TokenKind.DateTime:
        return { kind: 'datetime', value: Date.parse(token.text), token };
      case TokenKind.Identifier: {
        const word = token.text.toLowerCase();
        if (word === 'null') return { kind: 'null', token };
        if (word === 'true' || word === 'false') return { kind: 'boolean', value: word === 'true', token };
        throw this.#unexpected(token);
      }
      default:
        throw this.#unexpected(token);
    }
  }

  #identifier(): Token {
    const token = this.#next();
    if (token.kind !== TokenKind.Identifier || RESERVED.has(token.text.toLowerCase())) throw this.#unexpected(token);
    return token;
  }

  #peek(): Token {
    return this.#tokens[this.#index] ?? this.#tokens[this.#tokens.length - 1] ?? this.#end;
  }

  #next(): Token {
    const token = this.#peek();
    if (token.kind !== TokenKind.End) this.#index++;
    return token;
  }

  #acceptKeyword(word: string): boolean {
    if (!isKeyword(this.#peek(), word)) return false;
    this.#index++;
    return true;
  }

  #expectKeyword(word: string): void {
    if (!this.#acceptKeyword(word)) throw this.#unexpected(this.#peek());
  }

  #acceptPunctuation(text: string): boolean {
    const token = this.#peek();
    if (token.kind !== TokenKind.Punctuation || token.text !== text) return false;
    this.#index++;
    return true;
  }

  #expectPunctuation(text: string): void {
    if (!this.#acceptPunctuation(text)) throw this.#unexpected(this.#peek());
  }

  #unexpected(token: Token) {
    return unexpectedToken(this.soql, token, token.text);
  }
}

function isKeyword(token: Token, word: string): boolean {
  return token.kind === TokenKind.Identifier && token.text.toLowerCase() === word;
}

function functionError(field: FieldPath): SoqlUnsupportedError {
  const name = field.token.text.toLowerCase();
  if (AGGREGATES.has(name)) {
    return new SoqlUnsupportedError(UnsupportedFeature.Aggregate, 'Aggregate queries are not supported in Bulk Query');
  }
  if (name === 'fields') {
    return new SoqlUnsupportedError(UnsupportedFeature.Fields, 'FIELDS() is not supported in Bulk Query');
  }
  return new SoqlUnsupportedError(UnsupportedFeature.Function, `${field.token.text}() is not supported in Bulk Query`);
}
