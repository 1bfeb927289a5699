/**
 * Impala SQL → what the test coordinator runs: DuckDB SQL plus the checks,
 * session changes and catalog notes around it. Queries and DML are
 * translated here; DDL in ddl.ts.
 *
 * @module
 */
import { analysisError, parseError, STATEMENT_STARTS, unsupported } from '../impala-errors.js';
import { translateDdl } from './ddl.js';
import { duckIdent, isOp, isWord, tokenize, type Token } from './lexer.js';
import { newRewriteState, rewriteQuery, rewriteTokens, type RewriteState } from './rewrite.js';
import { overwriteStatements } from './insert-overwrite.js';
import { duckPlan, type DeclaredColumn, type DuckPlan, type Plan, type StatementKind, type TranslateContext } from './statement-plan.js';
import { duckTable, splitTopLevel, TokenCursor } from './token-cursor.js';

export type { TranslateContext };

/**
 * Translates one Impala statement.
 *
 * @throws StatementError with Impala's ParseException/AnalysisException text
 */
export function translate(sql: string, ctx: TranslateContext): Plan {
  const cur = new TokenCursor(tokenize(sql), sql);
  const tokens = cur.tokens;
  while (isOp(tokens[tokens.length - 1], ';')) tokens.pop();
  const semi = tokens.findIndex((t) => isOp(t, ';'));
  if (semi !== -1) {
    cur.pos = semi + 1;
    throw cur.error();
  }
  if (tokens.length === 0) throw parseError(sql, 0, 'EOF', STATEMENT_STARTS);
  const first = tokens[0]!;
  const word = first.type === 'ident' ? first.value.toUpperCase() : first.text;
  switch (word) {
    case 'SELECT':
    case 'VALUES':
    case '(':
      return queryPlan(tokens, ctx);
    case 'WITH': {
      const insertAt = topLevelWordIndex(tokens, 'INSERT');
      if (insertAt > 0) return insertPlan(new TokenCursor(tokens.slice(insertAt), sql), ctx, tokens.slice(0, insertAt));
      return queryPlan(tokens, ctx);
    }
    case 'EXPLAIN': {
      cur.next();
      const inner = translate(sql.slice(cur.peek()?.start ?? sql.length), ctx);
      if (inner.type !== 'duckdb') throw unsupported('EXPLAIN of this statement');
      return { type: 'explain', inner };
    }
    case 'INSERT':
      return insertPlan(cur, ctx);
    case 'UPDATE':
    case 'DELETE': {
      const st = state(ctx);
      return duckPlan('dml', false, [rewriteTokens(tokens, st)], true, st.sleepMs);
    }
    case 'SHOW':
      return showPlan(cur, ctx);
    case 'DESCRIBE':
    case 'DESC':
      return describePlan(cur, ctx);
    case 'USE':
      cur.next();
      return { type: 'use', db: cur.finish(cur.expectName()) };
    case 'SET':
      return setPlan(cur);
    case 'CREATE':
    case 'DROP':
    case 'ALTER':
    case 'TRUNCATE':
    case 'COMPUTE':
    case 'REFRESH':
    case 'INVALIDATE':
    case 'COMMENT':
      return translateDdl(cur, ctx);
    case 'UPSERT':
    case 'LOAD':
    case 'GRANT':
    case 'REVOKE':
    case 'COPY':
    case 'OPTIMIZE':
    case 'MERGE':
      throw unsupported(word);
    default:
      throw parseError(sql, first.start, first.type === 'ident' ? 'IDENTIFIER' : first.text, STATEMENT_STARTS);
  }
}

/** A rewrite state for a statement of the session `ctx` describes. */
function state(ctx: TranslateContext): RewriteState {
  return newRewriteState({ database: ctx.database, ...(ctx.user === undefined ? {} : { user: ctx.user }) });
}

function queryPlan(tokens: Token[], ctx: TranslateContext): DuckPlan {
  checkOffset(tokens);
  const st = state(ctx);
  const sql = rewriteQuery(tokens, st);
  return duckPlan('query', true, [sql], false, st.sleepMs);
}

/**
 * Impala sorts before it skips: OFFSET without ORDER BY in the same query
 * block is an AnalysisException (impala_offset.xml; QueryStmt.analyzeLimit).
 */
function checkOffset(tokens: Token[]): void {
  const stack: boolean[] = [false];
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i]!;
    if (isOp(t, '(')) stack.push(false);
    else if (isOp(t, ')')) stack.pop();
    else if (isWord(t, 'ORDER') && isWord(tokens[i + 1], 'BY')) stack[stack.length - 1] = true;
    else if (isWord(t, 'OFFSET') && !stack[stack.length - 1]) {
      const limit = tokens
        .slice(0, i)
        .reverse()
        .find((x) => isWord(x, 'LIMIT'));
      const clause = [limit ? `LIMIT ${tokens[tokens.indexOf(limit) + 1]?.text ?? ''} ` : '', `OFFSET ${tokens[i + 1]?.text ?? ''}`].join(
        '',
      );
      throw analysisError(`OFFSET requires an ORDER BY clause: ${clause}`);
    }
  }
}

/** Index of the first top-level bare word `word`, or -1. */
function topLevelWordIndex(tokens: Token[], word: string): number {
  let depth = 0;
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i]!;
    if (isOp(t, '(')) depth += 1;
    else if (isOp(t, ')')) depth -= 1;
    else if (depth === 0 && isWord(t, word)) return i;
  }
  return -1;
}

/** Skips a `[hint]` or `[hint, hint]`. */
function skipBracketHint(cur: TokenCursor): void {
  if (!isOp(cur.peek(), '[')) return;
  while (!cur.done && !cur.acceptOp(']')) cur.next();
}

function insertPlan(cur: TokenCursor, ctx: TranslateContext, withClause: Token[] = []): DuckPlan {
  cur.expectWord('INSERT');
  skipBracketHint(cur);
  const overwrite = cur.acceptWord('OVERWRITE');
  if (!overwrite) cur.expectWord('INTO');
  cur.acceptWord('TABLE');
  const ref = cur.expectTable(ctx.database);
  let columns: string[] | undefined;
  if (isOp(cur.peek(), '(') && !isQueryStart(cur.peek(1))) {
    columns = splitTopLevel(cur.takeGroup()).map((part) => nameOf(part, cur));
  }
  const dynamic: string[] = [];
  const statics: Array<{ name: string; value: string }> = [];
  const st = state(ctx);
  const partitioned = cur.acceptWord('PARTITION');
  if (partitioned) {
    for (const part of splitTopLevel(cur.takeGroup())) {
      const name = nameOf(part.slice(0, 1), cur);
      if (part.length === 1) dynamic.push(name);
      else if (isOp(part[1], '=')) statics.push({ name, value: rewriteTokens(part, st, 2) });
      else throw cur.error('=');
    }
  }
  skipBracketHint(cur);
  if (cur.done) throw cur.error('SELECT');
  const rest = cur.tokens.slice(cur.pos);
  let query = rewriteQuery(rest, st);
  if (withClause.length > 0) query = `${rewriteQuery(withClause, st)} ${query}`;
  let columnList = columns ? [...columns, ...dynamic] : undefined;
  if (partitioned) {
    // Without a column list the query gives the data columns, then the dynamic partition keys.
    const base = columns ?? ctx.dataColumns?.(ref);
    columnList = base ? [...base, ...dynamic, ...statics.map((s) => s.name)] : undefined;
  }
  if (statics.length > 0) query = `SELECT *, ${statics.map((s) => s.value).join(', ')} FROM (${query}) AS __impala_insert`;
  query = conformToDeclared(query, columnList, ctx.tableColumns?.(ref));
  const target = duckTable(ref);
  const list = columnList ? ` (${columnList.map(duckIdent).join(', ')})` : '';
  const insert = `INSERT INTO ${target}${list} ${query}`;
  if (!overwrite) {
    const plan = duckPlan('dml', false, [insert], true, st.sleepMs);
    plan.checks.push({ type: 'table-exists', ref, dml: true });
    return plan;
  }
  // The query may read the table it overwrites, and must see the old rows.
  const statements = overwriteStatements({ target, query, columnList, partition: partitioned ? { statics, dynamic } : undefined });
  const plan = duckPlan('dml', false, statements.statements, true, st.sleepMs);
  plan.analyze = insert;
  plan.resultIndex = statements.resultIndex;
  plan.checks.push({ type: 'table-exists', ref, dml: true });
  return plan;
}

/**
 * Makes inserted values what the declared column types hold: TIMESTAMP
 * from any spelling Impala reads (NULL for what it cannot), CHAR(n)/VARCHAR(n)
 * cut to n characters, since DuckDB stores both as VARCHAR.
 */
function conformToDeclared(query: string, columnList: string[] | undefined, declared: readonly DeclaredColumn[] | undefined): string {
  if (!declared) return query;
  const targets = columnList ?? declared.map((c) => c.name);
  const types = targets.map((name) => declared.find((c) => c.name === name)?.type);
  const needed = types.some(
    (t) => t && (t.name === 'TIMESTAMP' || ((t.name === 'CHAR' || t.name === 'VARCHAR') && t.length !== undefined)),
  );
  if (!needed) return query;
  const names = targets.map((_, i) => `c${i}`);
  const select = names.map((n, i) => {
    const t = types[i];
    if (t?.name === 'TIMESTAMP') return `main.impala_timestamp(${n})`;
    if ((t?.name === 'CHAR' || t?.name === 'VARCHAR') && t.length !== undefined) return `left(CAST(${n} AS VARCHAR), ${t.length})`;
    return n;
  });
  return `SELECT ${select.join(', ')} FROM (${query}) AS __impala_values(${names.join(', ')})`;
}

function isQueryStart(t: Token | undefined): boolean {
  return isWord(t, 'SELECT') || isWord(t, 'WITH') || isWord(t, 'VALUES');
}

/** The lower-cased name in a one-token list. */
function nameOf(part: Token[], cur: TokenCursor): string {
  const t = part[0];
  if (part.length !== 1 || !t || (t.type !== 'ident' && t.type !== 'qident')) {
    if (t) cur.pos = cur.tokens.indexOf(t);
    throw cur.error('IDENTIFIER');
  }
  return t.value.toLowerCase();
}

/** SHOW patterns: `*` is any characters, `|` separates alternatives. */
function acceptPattern(cur: TokenCursor): string | undefined {
  cur.acceptWord('LIKE');
  const t = cur.peek();
  if (t?.type !== 'string') return undefined;
  cur.next();
  return t.value;
}

function showPlan(cur: TokenCursor, ctx: TranslateContext): Plan {
  cur.expectWord('SHOW');
  if (cur.acceptWord('TABLES')) {
    let db = ctx.database;
    if (cur.acceptWord('IN') || cur.acceptWord('FROM')) db = cur.expectName();
    const pattern = acceptPattern(cur);
    return cur.finish({ type: 'show-tables', db, ...(pattern === undefined ? {} : { pattern }) });
  }
  if (cur.acceptWord('DATABASES') || cur.acceptWord('SCHEMAS')) {
    const pattern = acceptPattern(cur);
    return cur.finish({ type: 'show-databases', ...(pattern === undefined ? {} : { pattern }) });
  }
  if (cur.acceptWord('CREATE')) {
    if (!cur.acceptWord('TABLE')) cur.expectWord('VIEW');
    return { type: 'show-create-table', ref: cur.finish(cur.expectTable(ctx.database)) };
  }
  if (cur.acceptWord('PARTITIONS')) return { type: 'show-partitions', ref: cur.finish(cur.expectTable(ctx.database)) };
  if (cur.acceptWords('TABLE', 'STATS')) return { type: 'show-table-stats', ref: cur.finish(cur.expectTable(ctx.database)) };
  if (cur.acceptWords('COLUMN', 'STATS')) return { type: 'show-column-stats', ref: cur.finish(cur.expectTable(ctx.database)) };
  if (cur.acceptWord('AGGREGATE') || cur.acceptWord('ANALYTIC') || isWord(cur.peek(), 'FUNCTIONS')) {
    cur.expectWord('FUNCTIONS');
    let db = ctx.database;
    if (cur.acceptWord('IN') || cur.acceptWord('FROM')) db = cur.expectName();
    const pattern = acceptPattern(cur);
    if (db === '_impala_builtins') throw unsupported('SHOW FUNCTIONS IN _impala_builtins');
    return cur.finish({ type: 'show-functions', db, ...(pattern === undefined ? {} : { pattern }) });
  }
  const what = cur.peek();
  throw unsupported(`SHOW ${what ? what.text.toUpperCase() : ''}`.trim());
}

function describePlan(cur: TokenCursor, ctx: TranslateContext): Plan {
  cur.next();
  if (cur.acceptWord('DATABASE') || cur.acceptWord('SCHEMA')) {
    if (!cur.acceptWord('FORMATTED')) cur.acceptWord('EXTENDED');
    return { type: 'describe-db', db: cur.finish(cur.expectName()) };
  }
  if (cur.acceptWord('FORMATTED') || cur.acceptWord('EXTENDED'))
    return { type: 'describe-formatted', ref: cur.finish(cur.expectTable(ctx.database)) };
  return { type: 'describe', ref: cur.finish(cur.expectTable(ctx.database)) };
}

function setPlan(cur: TokenCursor): Plan {
  cur.expectWord('SET');
  if (cur.done) return { type: 'set-list', all: false };
  if (cur.acceptWord('ALL') && cur.done) return { type: 'set-list', all: true };
  const keyStart = cur.peek()!;
  while (!cur.done && !isOp(cur.peek(), '=')) cur.next();
  if (cur.done) throw cur.error('=');
  const eq = cur.peek()!;
  // As written: impalad's error for an unknown option quotes it so.
  const key = cur.sql.slice(keyStart.start, eq.start).trim();
  cur.next();
  const valueTokens = cur.tokens.slice(cur.pos);
  let value = '';
  if (valueTokens.length === 1 && valueTokens[0]!.type === 'string') value = valueTokens[0]!.value;
  else if (valueTokens.length > 0) {
    const last = valueTokens[valueTokens.length - 1]!;
    value = cur.sql.slice(valueTokens[0]!.start, last.start + last.text.length).trim();
  }
  if (key.length === 0 || /\s/.test(key)) throw parseError(cur.sql, keyStart.start, 'IDENTIFIER');
  return { type: 'set', key, value };
}

const KIND_BY_WORD: Record<string, StatementKind> = {
  SELECT: 'query',
  VALUES: 'query',
  WITH: 'query',
  EXPLAIN: 'query',
  SHOW: 'query',
  DESCRIBE: 'query',
  DESC: 'query',
  INSERT: 'dml',
  UPSERT: 'dml',
  UPDATE: 'dml',
  DELETE: 'dml',
  LOAD: 'dml',
  CREATE: 'ddl',
  DROP: 'ddl',
  ALTER: 'ddl',
  TRUNCATE: 'ddl',
  COMPUTE: 'ddl',
  REFRESH: 'ddl',
  INVALIDATE: 'ddl',
  COMMENT: 'ddl',
};

/**
 * The class of a statement from its first word, for counting; works on
 * statements that analysis rejects too.
 */
export function statementKind(sql: string): StatementKind {
  const m = /^(?:\s|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/|\()*([A-Za-z]+)/.exec(sql);
  const word = m?.[1]?.toUpperCase() ?? '';
  if (word === 'WITH' && /\binsert\s+(?:into|overwrite)\b/i.test(sql)) return 'dml';
  return KIND_BY_WORD[word] ?? 'other';
}
