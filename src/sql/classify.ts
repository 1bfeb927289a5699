/**
 * Statement classifier: from the SQL text alone, what kind of statement it is
 * and which tables it reads and changes. The pool needs this to pin readers of
 * a just-changed table to the coordinator that changed it (Impala's catalog
 * propagation delay), to decide whether a failed statement may be run again,
 * and to spot USE/SET that must be replayed on a new connection.
 *
 * It is a tokenizer plus a forgiving hand-written scan, not a full parser:
 * unknown or malformed input classifies as `'other'` and never throws.
 *
 * @module
 */
import { Cursor, Scanner, Scope, isName, toRef, tokenize, type TableRef } from './tokenize.js';

export type { TableRef } from './tokenize.js';

/** What a statement does, as far as routing and retries care. */
export type StatementKind = 'query' | 'dml' | 'ddl' | 'session' | 'other';

/** The result of {@link classify}. */
export interface Classification {
  kind: StatementKind;
  /**
   * First keyword(s), upper-case, normalized: e.g. `'SELECT'` (also for
   * `WITH … SELECT` and `(SELECT …)`), `'INSERT'` (also for `WITH … INSERT`),
   * `'CREATE TABLE'` (also `CREATE EXTERNAL TABLE`), `'CREATE DATABASE'`
   * (also `CREATE SCHEMA`), `'COMPUTE STATS'` (also `COMPUTE INCREMENTAL STATS`),
   * `'SHOW TABLES'`, `'INVALIDATE METADATA'`; `''` when the text starts with no word.
   */
  verb: string;
  /** True when running it twice has the same effect as once (reads, SHOW, DESCRIBE, EXPLAIN, SET, USE, VALUES). */
  idempotent: boolean;
  /** Tables the statement reads (FROM/JOIN sources, CTAS/INSERT…SELECT sources, view definitions). CTE names are not tables. */
  reads: TableRef[];
  /**
   * Tables whose data or metadata it changes (INSERT/UPSERT/UPDATE/DELETE/LOAD DATA/TRUNCATE targets,
   * CREATE/DROP/ALTER targets, both names of ALTER … RENAME TO, COMPUTE STATS/REFRESH/INVALIDATE METADATA t targets).
   */
  writes: TableRef[];
  /** Databases created/dropped/altered (CREATE/DROP/ALTER DATABASE|SCHEMA), also `REFRESH FUNCTIONS d` and function DDL on `d.f`. */
  databases: string[];
  /** INVALIDATE METADATA with no table: affects the whole catalog. */
  global: boolean;
}

type Shape = [kind: StatementKind, verb: string];
const QUERY_START = new Set(['SELECT', 'WITH', 'VALUES']);

/** Consumes and returns the next keyword, or `''`. */
function word(c: Cursor): string {
  const k = c.kw();
  if (k === undefined) return '';
  c.next();
  return k;
}

/** `[db.]name` of a function: only a qualified name tells which database's functions change. */
function functionDatabase(s: Scanner): void {
  const parts = s.namePath();
  if (parts && parts.length >= 2) s.addDatabase(parts[0]);
}

function statement(s: Scanner, c: Cursor, scope: Scope): Shape {
  if (c.isPunct('(')) {
    let k = 0;
    while (c.isPunct('(', k)) k += 1;
    if (!QUERY_START.has(c.kw(k) ?? '')) return ['other', ''];
    s.scanRest(scope, false);
    return ['query', 'SELECT'];
  }
  const k = word(c);
  switch (k) {
    case 'SELECT':
    case 'VALUES':
      c.pos -= 1;
      s.scanRest(scope, false);
      return ['query', k];
    case 'WITH':
      s.ctes(scope);
      if (c.kw() === 'INSERT' || c.kw() === 'UPSERT') return statement(s, c, scope);
      // Anything but a query here is not SQL we understand, so not safe to retry.
      if (!QUERY_START.has(c.kw() ?? '') && !c.isPunct('(')) return ['other', 'WITH'];
      s.scanRest(scope, false);
      return ['query', 'SELECT'];
    case 'EXPLAIN':
      // Explaining plans the inner statement without running it.
      statement(s, c, scope);
      s.writes.length = 0;
      s.databases.length = 0;
      s.global = false;
      return ['query', 'EXPLAIN'];
    case 'SHOW':
      return ['query', show(s, c)];
    case 'DESCRIBE':
    case 'DESC':
      if (!c.accept('FORMATTED')) c.accept('EXTENDED');
      if (!c.accept('DATABASE') && !c.accept('SCHEMA')) {
        c.accept('HISTORY');
        s.addRead(s.tableName());
      }
      return ['query', 'DESCRIBE'];
    case 'USE':
    case 'SET':
    case 'UNSET':
      return ['session', k];
    case 'INSERT':
    case 'UPSERT':
      insert(s, c, scope);
      return ['dml', k];
    case 'UPDATE':
    case 'DELETE': {
      // `DELETE FROM t …` names the target after FROM; `UPDATE a … FROM t a` and
      // `DELETE a FROM t a …` name it before a FROM list that may define it.
      const fromFirst = k === 'DELETE' && c.accept('FROM');
      const parts = s.namePath();
      s.scanRest(scope, !fromFirst);
      s.resolveTarget(parts, scope);
      return ['dml', k];
    }
    case 'MERGE':
      c.accept('INTO');
      s.addWrite(s.tableName());
      s.alias();
      if (c.accept('USING')) s.fromList(scope);
      s.scanRest(scope, false);
      return ['dml', 'MERGE'];
    case 'OPTIMIZE':
      c.accept('TABLE');
      s.addWrite(s.tableName());
      return ['dml', 'OPTIMIZE'];
    case 'LOAD':
      c.accept('DATA');
      while (!c.done && !c.accept('INTO', 'TABLE')) c.next();
      s.addWrite(s.tableName());
      return ['dml', 'LOAD DATA'];
    case 'TRUNCATE':
      c.accept('TABLE');
      c.accept('IF', 'EXISTS');
      s.addWrite(s.tableName());
      return ['ddl', 'TRUNCATE'];
    case 'CREATE':
      return ['ddl', create(s, c, scope)];
    case 'ALTER':
      return ['ddl', alter(s, c, scope)];
    case 'DROP':
      return ['ddl', drop(s, c)];
    case 'COMPUTE':
      c.accept('INCREMENTAL');
      c.accept('STATS');
      s.addWrite(s.tableName());
      return ['ddl', 'COMPUTE STATS'];
    case 'REFRESH':
      if (c.kw() === 'FUNCTIONS' && isName(c.peek(1))) {
        c.next();
        s.addDatabase(s.simpleName());
        return ['ddl', 'REFRESH FUNCTIONS'];
      }
      if (c.kw() === 'AUTHORIZATION' && !c.peek(1)) return ['ddl', 'REFRESH AUTHORIZATION'];
      s.addWrite(s.tableName());
      return ['ddl', 'REFRESH'];
    case 'INVALIDATE': {
      c.accept('METADATA');
      const ref = s.tableName();
      if (ref) s.addWrite(ref);
      else s.global = true;
      return ['ddl', 'INVALIDATE METADATA'];
    }
    case 'COMMENT': {
      c.accept('ON');
      const obj = word(c);
      if (obj === 'DATABASE' || obj === 'SCHEMA') s.addDatabase(s.simpleName());
      else if (obj === 'COLUMN') s.addWrite(toRef(s.namePath()?.slice(0, -1) ?? []));
      else s.addWrite(s.tableName());
      return ['ddl', 'COMMENT ON'];
    }
    case 'GRANT':
    case 'REVOKE':
      return ['ddl', k];
    default:
      return ['other', k];
  }
}

function show(s: Scanner, c: Cursor): string {
  const k = word(c);
  switch (k) {
    case 'CREATE': {
      let obj = word(c);
      if (obj === 'AGGREGATE') obj = `${obj} ${word(c)}`;
      if (obj === 'TABLE' || obj === 'VIEW') s.addRead(s.tableName());
      return `SHOW CREATE ${obj}`.trim();
    }
    case 'TABLE':
    case 'COLUMN':
      c.accept('STATS');
      s.addRead(s.tableName());
      return `SHOW ${k} STATS`;
    case 'RANGE':
    case 'METADATA':
    case 'PARTITIONS':
    case 'FILES': {
      const verb = k === 'RANGE' ? `SHOW RANGE ${word(c)}` : k === 'METADATA' ? `SHOW METADATA ${word(c)}` : `SHOW ${k}`;
      c.accept('IN');
      s.addRead(s.tableName());
      return verb;
    }
    default:
      return k ? `SHOW ${k}` : 'SHOW';
  }
}

function insert(s: Scanner, c: Cursor, scope: Scope): void {
  s.skipHints();
  if (!c.accept('INTO')) c.accept('OVERWRITE');
  c.accept('TABLE');
  s.addWrite(s.tableName());
  // Column list, PARTITION (…) and hints, in either order, before the source query.
  for (;;) {
    if (c.isPunct('(') && !QUERY_START.has(c.kw(1) ?? '')) c.skipBalanced();
    else if (c.accept('PARTITION')) c.skipBalanced();
    else if (c.isPunct('[')) s.skipHints();
    else break;
  }
  s.scanRest(scope, false);
}

function create(s: Scanner, c: Cursor, scope: Scope): string {
  c.accept('OR', 'REPLACE');
  if (!c.accept('EXTERNAL') && !c.accept('TEMPORARY')) c.accept('TRANSACTIONAL');
  c.accept('AGGREGATE');
  const obj = word(c);
  switch (obj) {
    case 'TABLE':
    case 'VIEW':
      c.accept('IF', 'NOT', 'EXISTS');
      s.addWrite(s.tableName());
      // LIKE PARQUET '/path' copies a file's schema, not a table's.
      if (obj === 'TABLE' && c.accept('LIKE') && !(c.kw() === 'PARQUET' && c.peek(1)?.type === 'string')) {
        s.addRead(s.tableName());
      }
      s.scanRest(scope, false);
      return `CREATE ${obj}`;
    case 'DATABASE':
    case 'SCHEMA':
      c.accept('IF', 'NOT', 'EXISTS');
      s.addDatabase(s.simpleName());
      return 'CREATE DATABASE';
    case 'FUNCTION':
      c.accept('IF', 'NOT', 'EXISTS');
      functionDatabase(s);
      return 'CREATE FUNCTION';
    default:
      return `CREATE ${obj}`.trim();
  }
}

function alter(s: Scanner, c: Cursor, scope: Scope): string {
  const obj = word(c);
  switch (obj) {
    case 'TABLE':
    case 'VIEW':
      c.accept('IF', 'EXISTS');
      s.addWrite(s.tableName());
      if (c.accept('RENAME', 'TO')) s.addWrite(s.tableName());
      else s.scanRest(scope, false);
      return `ALTER ${obj}`;
    case 'DATABASE':
    case 'SCHEMA':
      s.addDatabase(s.simpleName());
      return 'ALTER DATABASE';
    default:
      return `ALTER ${obj}`.trim();
  }
}

function drop(s: Scanner, c: Cursor): string {
  const obj = word(c);
  switch (obj) {
    case 'TABLE':
    case 'VIEW':
      c.accept('IF', 'EXISTS');
      s.addWrite(s.tableName());
      return `DROP ${obj}`;
    case 'DATABASE':
    case 'SCHEMA':
      c.accept('IF', 'EXISTS');
      s.addDatabase(s.simpleName());
      return 'DROP DATABASE';
    case 'INCREMENTAL':
    case 'STATS':
      if (obj === 'INCREMENTAL') c.accept('STATS');
      s.addWrite(s.tableName());
      return 'DROP STATS';
    case 'AGGREGATE':
    case 'FUNCTION':
      if (obj === 'AGGREGATE') c.accept('FUNCTION');
      c.accept('IF', 'EXISTS');
      functionDatabase(s);
      return 'DROP FUNCTION';
    default:
      return `DROP ${obj}`.trim();
  }
}

/**
 * Classifies the first statement in `sql` (Impala's HS2 runs one statement
 * per call; anything after the first top-level `;` is ignored). Never
 * throws: unrecognized or malformed text gives kind `'other'`.
 *
 * @example
 * classify('INSERT INTO db.t SELECT * FROM src');
 * // { kind: 'dml', verb: 'INSERT', idempotent: false, reads: [{ table: 'src' }],
 * //   writes: [{ database: 'db', table: 't' }], databases: [], global: false }
 */
export function classify(sql: string): Classification {
  const tokens = typeof sql === 'string' ? tokenize(sql) : [];
  let start = 0;
  while (tokens[start]?.type === 'punct' && tokens[start]?.text === ';') start += 1;
  let end = tokens.findIndex((t, i) => i >= start && t.type === 'punct' && t.text === ';');
  if (end === -1) end = tokens.length;
  const c = new Cursor(tokens.slice(start, end));
  const first = c.kw() ?? '';
  const s = new Scanner(c);
  let shape: Shape;
  try {
    shape = statement(s, c, new Scope());
  } catch {
    // A scanner bug must not break a caller's query: fall back to "unknown, not safe to retry".
    return { kind: 'other', verb: first, idempotent: false, reads: [], writes: [], databases: [], global: false };
  }
  const [kind, verb] = shape;
  const idempotent = kind === 'query' || kind === 'session';
  return { kind, verb, idempotent, reads: s.reads, writes: s.writes, databases: s.databases, global: s.global };
}

/**
 * Qualifies a ref with the session's current database when it has none.
 *
 * @param currentDatabase - the session's database; `''` means Impala's `default`
 * @returns `'db.table'`, lower-cased
 */
export function qualify(ref: TableRef, currentDatabase: string): string {
  const db = ref.database ?? (currentDatabase || 'default');
  return `${db.toLowerCase()}.${ref.table.toLowerCase()}`;
}
