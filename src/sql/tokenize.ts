/**
 * The token layer under the statement classifier (classify.ts): a small
 * tokenizer for Impala's lexical rules, a cursor over its tokens, and the
 * query scanner that finds table names in FROM/JOIN lists, CTEs and
 * subqueries. Working on tokens means text inside a string literal, a quoted
 * identifier or a comment is never mistaken for a keyword or a table name.
 * Nothing here throws on odd input.
 *
 * @module
 */

/**
 * Token kinds: `word` is an unquoted identifier or keyword, `ident` a
 * backtick-quoted identifier, `string` a `'…'` or `"…"` literal.
 */
export type TokenType = 'word' | 'ident' | 'string' | 'number' | 'punct';

/** One token. */
export interface Token {
  readonly type: TokenType;
  /** The text as written; for `ident` and `string`, without the quotes (escapes left as written). */
  readonly text: string;
  /** `text` in upper case, for keyword comparison. */
  readonly upper: string;
}

// Impala lets identifiers start with digits (`2024_sales`), so a number is only
// a number when no identifier character follows it.
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?![\w$\u0080-\uffff])/y;
const WORD = /[\w$\u0080-\uffff]+/y;
const SPACE = /\s+/y;

/** Splits `sql` into tokens, dropping whitespace and comments. Unterminated quotes and comments run to the end. */
export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  const push = (type: TokenType, text: string): void => {
    out.push({ type, text, upper: text.toUpperCase() });
  };
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    SPACE.lastIndex = i;
    if (SPACE.test(sql)) {
      i = SPACE.lastIndex;
      continue;
    }
    if (ch === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? sql.length : nl + 1;
      continue;
    }
    if (ch === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close === -1 ? sql.length : close + 2;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') {
      const end = closingQuote(sql, i);
      push(ch === '`' ? 'ident' : 'string', sql.slice(i + 1, Math.min(end, sql.length)));
      i = end + 1;
      continue;
    }
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(sql);
    if (num) {
      push('number', num[0]);
      i = NUMBER.lastIndex;
      continue;
    }
    WORD.lastIndex = i;
    const word = WORD.exec(sql);
    if (word) {
      push('word', word[0]);
      i = WORD.lastIndex;
      continue;
    }
    push('punct', ch);
    i += 1;
  }
  return out;
}

/** Index of the quote closing the one at `start` (or `sql.length`); backslash escapes apply in strings only. */
function closingQuote(sql: string, start: number): number {
  const q = sql[start];
  let j = start + 1;
  while (j < sql.length) {
    const ch = sql[j];
    if (ch === '\\' && q !== '`') j += 2;
    else if (ch === q) return j;
    else j += 1;
  }
  return sql.length;
}

/** A read position over a token list, with the look-ahead helpers a hand-written scanner wants. */
export class Cursor {
  /** Index of the next token. */
  pos = 0;

  /** @param tokens - from {@link tokenize} */
  constructor(private readonly tokens: readonly Token[]) {}

  /** True when every token has been consumed. */
  get done(): boolean {
    return this.pos >= this.tokens.length;
  }

  /** The token `offset` places ahead, if any. */
  peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  /** Consumes and returns the next token. */
  next(): Token | undefined {
    const t = this.tokens[this.pos];
    if (t) this.pos += 1;
    return t;
  }

  /** The upper-cased keyword `offset` places ahead, when that token is an unquoted word. */
  kw(offset = 0): string | undefined {
    const t = this.peek(offset);
    return t?.type === 'word' ? t.upper : undefined;
  }

  /** Consumes the keywords `words` when they come next, in order; otherwise consumes nothing. */
  accept(...words: string[]): boolean {
    for (let k = 0; k < words.length; k++) if (this.kw(k) !== words[k]) return false;
    this.pos += words.length;
    return true;
  }

  /** True when the token `offset` places ahead is the punctuation `ch`. */
  isPunct(ch: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t?.type === 'punct' && t.text === ch;
  }

  /** Consumes the punctuation `ch` when it comes next. */
  acceptPunct(ch: string): boolean {
    if (!this.isPunct(ch)) return false;
    this.pos += 1;
    return true;
  }

  /** At `(` or `[`: consumes through the matching close (or to the end). Elsewhere: does nothing. */
  skipBalanced(): void {
    const open = this.peek();
    if (!open || open.type !== 'punct' || (open.text !== '(' && open.text !== '[')) return;
    let depth = 0;
    while (!this.done) {
      const t = this.next()!;
      if (t.type !== 'punct') continue;
      if (t.text === '(' || t.text === '[') depth += 1;
      else if (t.text === ')' || t.text === ']') depth -= 1;
      if (depth === 0) return;
    }
  }
}

/** A table named by a statement: lower-cased, backticks removed; `database` only when the SQL qualified it. */
export interface TableRef {
  database?: string;
  table: string;
}

/** A FROM-clause entry: the table (undefined for subqueries, CTEs, collections) and the name it is known by. */
export interface Source {
  ref: TableRef | undefined;
  name: string;
}

/** Names visible at one nesting level of a query: CTEs, and FROM aliases (for `FROM t a, a.items` collection refs). */
export class Scope {
  readonly ctes = new Set<string>();
  readonly sources: Source[] = [];
  /** @param parent - the enclosing query's scope, for correlated names */
  constructor(readonly parent?: Scope) {}

  /** True when `name` is a CTE here or in an enclosing query. */
  hasCte(name: string): boolean {
    return this.ctes.has(name) || (this.parent?.hasCte(name) ?? false);
  }

  /** True when `name` is a FROM alias (or unaliased table) here or in an enclosing query. */
  hasSource(name: string): boolean {
    return this.sources.some((s) => s.name === name) || (this.parent?.hasSource(name) ?? false);
  }
}

// Words that end a table reference instead of being its alias.
const NOT_ALIAS = new Set(
  (
    'ON USING JOIN INNER LEFT RIGHT FULL OUTER CROSS SEMI ANTI NATURAL WHERE GROUP HAVING ORDER LIMIT OFFSET ' +
    'UNION EXCEPT INTERSECT MINUS WINDOW TABLESAMPLE FOR SET VALUES SELECT PARTITION WITH AS WHEN THEN'
  ).split(' '),
);
const JOIN_MODIFIERS = new Set(['INNER', 'LEFT', 'RIGHT', 'FULL', 'OUTER', 'CROSS', 'SEMI', 'ANTI', 'NATURAL']);
// After these, a comma no longer separates FROM entries.
const END_OF_FROM = new Set(['WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'OFFSET', 'UNION', 'EXCEPT', 'INTERSECT', 'MINUS', 'WINDOW']);
// Deep enough for any real query; beyond it nesting is skipped rather than risking the stack.
const MAX_DEPTH = 200;

/** True for a token that can be a name: an unquoted word or a backticked identifier. */
export const isName = (t: Token | undefined): boolean => t?.type === 'word' || t?.type === 'ident';
const refKey = (r: TableRef): string => `${r.database ?? ''}.${r.table}`;

/** Turns a dotted name into a table ref: `t`, `db.t`; a third part (a column or collection) is dropped. */
export function toRef(parts: readonly string[]): TableRef | undefined {
  const [a, b] = parts;
  if (a === undefined || a === '') return undefined;
  if (b === undefined) return { table: a };
  return b === '' ? undefined : { database: a, table: b };
}

/** Scans one statement's tokens, collecting the tables it reads and writes; the statement-level grammar lives in classify.ts. */
export class Scanner {
  readonly reads: TableRef[] = [];
  readonly writes: TableRef[] = [];
  readonly databases: string[] = [];
  global = false;
  private depth = 0;

  /** @param c - the statement's tokens, positioned where scanning starts */
  constructor(private readonly c: Cursor) {}

  /** Records a read table once. */
  addRead(ref: TableRef | undefined): void {
    if (ref && !this.reads.some((r) => refKey(r) === refKey(ref))) this.reads.push(ref);
  }

  /** Records a written table once. */
  addWrite(ref: TableRef | undefined): void {
    if (ref && !this.writes.some((r) => refKey(r) === refKey(ref))) this.writes.push(ref);
  }

  /** Records a changed database once. */
  addDatabase(name: string | undefined): void {
    if (name && !this.databases.includes(name)) this.databases.push(name);
  }

  /** A dotted name, lower-cased; a backticked `db.t` counts as two parts, as Hive reads it. */
  namePath(): string[] | undefined {
    if (!isName(this.c.peek())) return undefined;
    const parts = this.c.next()!.text.toLowerCase().split('.');
    while (this.c.isPunct('.') && isName(this.c.peek(1))) {
      this.c.next();
      parts.push(...this.c.next()!.text.toLowerCase().split('.'));
    }
    return parts;
  }

  /** A `[db.]table` name, if one comes next. */
  tableName(): TableRef | undefined {
    const parts = this.namePath();
    return parts ? toRef(parts) : undefined;
  }

  /** A bare name, e.g. a database. */
  simpleName(): string | undefined {
    return isName(this.c.peek()) ? this.c.next()!.text.toLowerCase() : undefined;
  }

  /** Skips optimizer hints in brackets (`JOIN [SHUFFLE] t`); comment hints are already gone. */
  skipHints(): void {
    while (this.c.isPunct('[')) this.c.skipBalanced();
  }

  /** Scans to the end, including past stray `)`. */
  scanRest(scope: Scope, fromOk: boolean): void {
    while (!this.c.done) {
      this.scanQuery(scope, fromOk);
      this.c.next();
    }
  }

  /**
   * Scans query text up to an unmatched `)` (not consumed) or the end.
   * FROM only introduces tables once a SELECT was seen at this level (or the
   * caller says so), so `EXTRACT(YEAR FROM ts)` names no table.
   */
  scanQuery(scope: Scope, fromOk: boolean, inFrom = false): void {
    const c = this.c;
    while (!c.done) {
      const t = c.peek()!;
      if (t.type === 'punct') {
        if (t.text === ')') return;
        if (t.text === '(') {
          this.nested(() => this.scanQuery(new Scope(scope), false));
          continue;
        }
        c.next();
        if (t.text === ',' && inFrom) this.fromList(scope);
        continue;
      }
      if (t.type !== 'word') {
        c.next();
        continue;
      }
      c.next();
      if (t.upper === 'SELECT') {
        fromOk = true;
        inFrom = false;
      } else if (t.upper === 'WITH') {
        this.ctes(scope);
      } else if (t.upper === 'FROM' && fromOk) {
        this.fromList(scope);
        inFrom = true;
      } else if (t.upper === 'JOIN' && inFrom) {
        this.fromList(scope);
      } else if (END_OF_FROM.has(t.upper)) {
        inFrom = false;
      }
    }
  }

  /** At `(`: runs `inner` on the contents and consumes the `)`; past MAX_DEPTH, skips the group unscanned. */
  private nested(inner: () => void): void {
    if (this.depth >= MAX_DEPTH) {
      this.c.skipBalanced();
      return;
    }
    this.c.next();
    this.depth += 1;
    try {
      inner();
    } finally {
      this.depth -= 1;
    }
    this.c.acceptPunct(')');
  }

  /** `name [(cols)] AS (query), …` after WITH. A CTE is visible after its own definition. */
  ctes(scope: Scope): void {
    const c = this.c;
    for (;;) {
      const name = this.simpleName();
      if (name === undefined) return;
      if (c.isPunct('(')) c.skipBalanced();
      c.accept('AS');
      if (c.isPunct('(')) this.nested(() => this.scanQuery(new Scope(scope), false));
      scope.ctes.add(name);
      if (!c.acceptPunct(',')) return;
    }
  }

  /** Table references separated by commas and JOINs; stops at ON, WHERE, etc. */
  fromList(scope: Scope): void {
    const c = this.c;
    for (;;) {
      this.skipHints();
      this.tableFactor(scope);
      if (c.acceptPunct(',')) continue;
      let k = 0;
      while (JOIN_MODIFIERS.has(c.kw(k) ?? '')) k += 1;
      if (c.kw(k) !== 'JOIN') return;
      c.pos += k + 1;
    }
  }

  private tableFactor(scope: Scope): void {
    const c = this.c;
    if (c.isPunct('(')) {
      const k = c.kw(1);
      const inner = new Scope(scope);
      if (k === 'SELECT' || k === 'WITH' || k === 'VALUES' || c.isPunct('(', 1)) {
        this.nested(() => this.scanQuery(inner, false));
      } else {
        // A parenthesized join: its names belong to the enclosing FROM.
        this.nested(() => {
          this.fromList(scope);
          this.scanQuery(inner, true, true);
        });
      }
      scope.sources.push({ ref: undefined, name: this.alias() ?? '' });
      return;
    }
    const parts = this.namePath();
    if (!parts) return;
    if (c.isPunct('(')) {
      // A table function such as UNNEST(…): its arguments are expressions.
      this.nested(() => this.scanQuery(new Scope(scope), false));
      scope.sources.push({ ref: undefined, name: this.alias() ?? '' });
      return;
    }
    const [first = ''] = parts;
    let ref: TableRef | undefined;
    if (parts.length === 1 && scope.hasCte(first)) ref = undefined;
    else if (parts.length >= 2 && scope.hasSource(first))
      ref = undefined; // `FROM t a, a.items`: a collection of a
    else ref = toRef(parts);
    this.addRead(ref);
    this.skipTableSuffix();
    const alias = this.alias();
    scope.sources.push({ ref, name: alias ?? parts[parts.length - 1] ?? '' });
    if (alias === undefined && c.kw() === 'FOR') this.skipTableSuffix();
  }

  /** TABLESAMPLE SYSTEM(n) [REPEATABLE(s)] and Iceberg time travel (FOR SYSTEM_TIME AS OF expr). */
  private skipTableSuffix(): void {
    const c = this.c;
    if (c.accept('TABLESAMPLE')) {
      c.next();
      c.skipBalanced();
      if (c.accept('REPEATABLE')) c.skipBalanced();
    }
    if (c.kw() === 'FOR' && (c.kw(1) === 'SYSTEM_TIME' || c.kw(1) === 'SYSTEM_VERSION')) {
      c.pos += 2;
      c.accept('AS', 'OF');
      // The point in time is an expression; it ends where the FROM entry does.
      while (!c.done && !c.isPunct(',') && !c.isPunct(')') && !NOT_ALIAS.has(c.kw() ?? '')) {
        if (c.isPunct('(')) c.skipBalanced();
        else c.next();
      }
    }
  }

  /** `[AS] alias`, if one follows. */
  alias(): string | undefined {
    const c = this.c;
    if (c.kw() === 'AS' && isName(c.peek(1))) {
      c.next();
      return this.simpleName();
    }
    const t = c.peek();
    if (t?.type === 'ident' || (t?.type === 'word' && !NOT_ALIAS.has(t.upper))) return this.simpleName();
    return undefined;
  }

  /**
   * For UPDATE/DELETE whose target may be an alias from their own FROM list
   * (`UPDATE a SET … FROM t a JOIN u b …`): the written table, no longer counted as read.
   */
  resolveTarget(parts: readonly string[] | undefined, scope: Scope): void {
    if (!parts) return;
    const [only] = parts;
    const source = parts.length === 1 ? scope.sources.find((s) => s.ref && s.name === only) : undefined;
    const target = source?.ref ?? toRef(parts);
    if (!target) return;
    this.addWrite(target);
    const i = this.reads.findIndex((r) => refKey(r) === refKey(target));
    if (i !== -1) this.reads.splice(i, 1);
  }
}
