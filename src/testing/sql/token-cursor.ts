/**
 * Walking the significant tokens of a statement (whitespace and comments
 * skipped), with the checks the statement translators share.
 *
 * @module
 */
import { parseError, type StatementError } from '../impala-errors.js';
import { duckIdent, isName, isOp, isWord, type Token } from './lexer.js';

/** A table name as Impala resolves it: lower-cased, database filled in. */
export interface TableRef {
  /** Database (DuckDB schema). */
  db: string;
  /** Table or view name. */
  table: string;
}

/** `"db"."table"` for DuckDB. */
export function duckTable(ref: TableRef): string {
  return `${duckIdent(ref.db)}.${duckIdent(ref.table)}`;
}

/** Cursor over significant tokens. */
export class TokenCursor {
  /** The significant tokens. */
  readonly tokens: Token[];
  /** Index of the next token. */
  pos = 0;

  /**
   * @param all - every token of the statement
   * @param sql - the statement text (for error positions)
   */
  constructor(
    all: Token[],
    readonly sql: string,
  ) {
    this.tokens = all.filter((t) => t.type !== 'ws' && t.type !== 'comment');
  }

  /** The token `ahead` places on (default: the next one). */
  peek(ahead = 0): Token | undefined {
    return this.tokens[this.pos + ahead];
  }

  /** Whether every token has been consumed. */
  get done(): boolean {
    return this.pos >= this.tokens.length;
  }

  /** Takes the next token. */
  next(): Token | undefined {
    const t = this.tokens[this.pos];
    if (t) this.pos += 1;
    return t;
  }

  /** Takes the next token if it is the bare word `word`. */
  acceptWord(word: string): boolean {
    if (isWord(this.peek(), word)) {
      this.pos += 1;
      return true;
    }
    return false;
  }

  /** Takes the next tokens if they are the bare words `words`, in order. */
  acceptWords(...words: string[]): boolean {
    for (let k = 0; k < words.length; k += 1) if (!isWord(this.peek(k), words[k]!)) return false;
    this.pos += words.length;
    return true;
  }

  /** Takes the next token if it is `op`. */
  acceptOp(op: string): boolean {
    if (isOp(this.peek(), op)) {
      this.pos += 1;
      return true;
    }
    return false;
  }

  /** Takes the word `word` or fails with a ParseException. */
  expectWord(word: string): void {
    if (!this.acceptWord(word)) throw this.error(word);
  }

  /** Takes `op` or fails with a ParseException. */
  expectOp(op: string): void {
    if (!this.acceptOp(op)) throw this.error(op);
  }

  /** Takes a name (bare or backtick-quoted), lower-cased as Impala stores names. */
  expectName(): string {
    const t = this.peek();
    if (!isName(t)) throw this.error('IDENTIFIER');
    this.pos += 1;
    return t!.value.toLowerCase();
  }

  /** Takes `[db.]table`, filling in `database`. */
  expectTable(database: string): TableRef {
    const first = this.expectName();
    if (this.acceptOp('.')) return { db: first, table: this.expectName() };
    return { db: database, table: first };
  }

  /** Requires the statement to end here; returns `value`. */
  finish<T>(value: T): T {
    if (!this.done) throw this.error();
    return value;
  }

  /** Skips a balanced parenthesised group starting at the next token; returns its inner tokens. */
  takeGroup(): Token[] {
    this.expectOp('(');
    const start = this.pos;
    let depth = 1;
    while (!this.done) {
      const t = this.next()!;
      if (isOp(t, '(')) depth += 1;
      else if (isOp(t, ')')) {
        depth -= 1;
        if (depth === 0) return this.tokens.slice(start, this.pos - 1);
      }
    }
    throw this.error(')');
  }

  /** A ParseException at the next token. */
  error(expected?: string): StatementError {
    const t = this.peek();
    if (!t) return parseError(this.sql, this.sql.trimEnd().length, 'EOF', expected);
    const encountered =
      t.type === 'ident' ? 'IDENTIFIER' : t.type === 'number' ? 'INTEGER LITERAL' : t.type === 'string' ? 'STRING LITERAL' : t.text;
    return parseError(this.sql, t.start, encountered, expected);
  }
}

/**
 * Splits tokens at top-level commas. `angles` also nests on `<`/`>`, for
 * column lists whose types may be `MAP<STRING,INT>`.
 */
export function splitTopLevel(tokens: Token[], angles = false): Token[][] {
  const parts: Token[][] = [];
  let cur: Token[] = [];
  let depth = 0;
  for (const t of tokens) {
    if (isOp(t, '(') || (angles && isOp(t, '<'))) depth += 1;
    else if (isOp(t, ')') || (angles && isOp(t, '>'))) depth -= 1;
    if (depth === 0 && isOp(t, ',')) {
      parts.push(cur);
      cur = [];
    } else {
      cur.push(t);
    }
  }
  if (cur.length > 0 || parts.length > 0) parts.push(cur);
  return parts;
}
