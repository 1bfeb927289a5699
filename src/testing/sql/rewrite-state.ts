/**
 * What rewriting one statement needs to know and gathers.
 *
 * @module
 */
import type { Token } from './lexer.js';

/** Facts gathered while rewriting, and the session facts some functions return. */
export interface RewriteState {
  /** Total milliseconds of `sleep(ms)` calls replaced. */
  sleepMs: number;
  /** The session's current database, what current_database() returns. */
  database: string;
  /** The session's user, what user(), effective_user() and logged_in_user() return. */
  user: string;
  /** Column labels to append (as `AS "label"`) after these tokens (keyed by token, so slices of a statement share them). */
  labels: Map<Token, string>;
  /** Integer literals to type as Impala does (smallest integer type that holds them). */
  typedLiterals: Set<Token>;
}

/** Session facts a rewrite may use. */
export interface RewriteSession {
  /** Current database. */
  database: string;
  /** Session user. */
  user?: string;
}

/** A fresh rewrite state. */
export function newRewriteState(session: RewriteSession = { database: 'default' }): RewriteState {
  return { sleepMs: 0, database: session.database, user: session.user ?? '', labels: new Map(), typedLiterals: new Set() };
}

/** Impala's type for an integer literal: the smallest of TINYINT…BIGINT that holds it (NumericLiteral). */
export function integerLiteralType(text: string): 'TINYINT' | 'SMALLINT' | 'INTEGER' | 'BIGINT' | undefined {
  if (!/^\d+$/.test(text) || text.length > 19) return undefined;
  const v = BigInt(text);
  if (v <= 127n) return 'TINYINT';
  if (v <= 32767n) return 'SMALLINT';
  if (v <= 2147483647n) return 'INTEGER';
  if (v <= 9223372036854775807n) return 'BIGINT';
  return undefined;
}
