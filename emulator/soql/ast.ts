/**
 * The parsed form of a query in the supported subset. Field names are kept as written; the resolver binds
 * them to the object's schema.
 */
import type { Token } from './lexer.js';

/** A field as written, e.g. `Name` or `Account.Name`, with the token that names it (for error positions). */
export interface FieldPath {
  parts: string[];
  token: Token;
}

/** Comparison operators; `<>` is read as `!=`. */
export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** A literal value in a condition. */
export type Literal =
  | { kind: 'string'; value: string; token: Token }
  | { kind: 'number'; value: number; token: Token }
  | { kind: 'boolean'; value: boolean; token: Token }
  | { kind: 'null'; token: Token }
  | { kind: 'date'; value: string; token: Token }
  | { kind: 'datetime'; value: number; token: Token };

/** A WHERE condition. */
export type Condition =
  | { kind: 'and' | 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'compare'; field: FieldPath; operator: ComparisonOperator; value: Literal }
  | { kind: 'in'; field: FieldPath; negated: boolean; values: Literal[] }
  | { kind: 'like'; field: FieldPath; pattern: Literal };

/** One ORDER BY item. */
export interface OrderItem {
  field: FieldPath;
  descending: boolean;
  nullsFirst: boolean;
}

/** A whole query. */
export interface Query {
  select: FieldPath[];
  from: Token;
  where?: Condition;
  orderBy: OrderItem[];
  limit?: number;
}
