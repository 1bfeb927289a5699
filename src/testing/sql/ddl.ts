/**
 * Impala DDL → DuckDB DDL. Storage clauses (STORED AS, ROW FORMAT, LOCATION,
 * TBLPROPERTIES, COMMENT, SORT BY, CACHED IN…) have no meaning here and are
 * dropped; PARTITIONED BY columns become ordinary trailing columns, as they
 * are in Impala's schema. Declared types are remembered so result metadata
 * can report CHAR(n)/VARCHAR(n)/TIMESTAMP as declared.
 *
 * @module
 */
import { analysisError, unsupported } from '../impala-errors.js';
import { duckdbStorageType, parseImpalaType } from '../impala-types.js';
import { duckIdent, isOp, isWord, type Token } from './lexer.js';
import { newRewriteState, rewriteQuery, type RewriteState } from './rewrite.js';
import { duckPlan, type DeclaredColumn, type DuckPlan, type Plan, type TranslateContext } from './statement-plan.js';
import { duckTable, splitTopLevel, type TableRef, type TokenCursor } from './token-cursor.js';

/** Translates CREATE/DROP/ALTER/TRUNCATE/COMPUTE STATS/REFRESH/INVALIDATE METADATA/COMMENT ON. */
export function translateDdl(cur: TokenCursor, ctx: TranslateContext): Plan {
  const word = cur.next()!.value.toUpperCase();
  switch (word) {
    case 'CREATE':
      return create(cur, ctx);
    case 'DROP':
      return drop(cur, ctx);
    case 'ALTER':
      return alter(cur, ctx);
    case 'TRUNCATE': {
      cur.acceptWord('TABLE');
      const ifExists = cur.acceptWords('IF', 'EXISTS');
      const ref = cur.finish(cur.expectTable(ctx.database));
      const plan = ddl([`DELETE FROM ${duckTable(ref)}`]);
      if (ifExists) plan.onlyIfExists = ref;
      else plan.checks.push({ type: 'table-exists', ref });
      return plan;
    }
    case 'COMPUTE': {
      cur.acceptWord('INCREMENTAL');
      cur.expectWord('STATS');
      const ref = cur.expectTable(ctx.database);
      // Column lists, PARTITION (…) and TABLESAMPLE narrow what Impala computes; here all is.
      while (!cur.done) cur.next();
      return { type: 'compute-stats', ref };
    }
    case 'REFRESH': {
      if (cur.acceptWord('FUNCTIONS') || cur.acceptWord('AUTHORIZATION')) return { type: 'noop', kind: 'ddl', checks: [] };
      // REFRESH reloads the table from catalogd: changes made elsewhere show at once.
      return { type: 'noop', kind: 'ddl', checks: [{ type: 'table-exists', ref: cur.expectTable(ctx.database) }], syncCatalog: true };
    }
    case 'INVALIDATE':
      cur.expectWord('METADATA');
      if (!cur.done) cur.finish(cur.expectTable(ctx.database));
      return { type: 'noop', kind: 'ddl', checks: [], syncCatalog: true };
    default:
      // COMMENT ON …: comments are not kept.
      return { type: 'noop', kind: 'ddl', checks: [] };
  }
}

/** A rewrite state for a statement of the session `ctx` describes. */
function state(ctx: TranslateContext): RewriteState {
  return newRewriteState({ database: ctx.database, ...(ctx.user === undefined ? {} : { user: ctx.user }) });
}

/** A DDL plan. */
function ddl(statements: string[], reportsRows = false): DuckPlan {
  return duckPlan('ddl', false, statements, reportsRows);
}

function create(cur: TokenCursor, ctx: TranslateContext): Plan {
  if (cur.acceptWord('DATABASE') || cur.acceptWord('SCHEMA')) {
    const ifNotExists = cur.acceptWords('IF', 'NOT', 'EXISTS');
    const db = cur.expectName();
    skipClauses(cur);
    const plan = ddl([`CREATE SCHEMA ${ifNotExists ? 'IF NOT EXISTS ' : ''}${duckIdent(db)}`]);
    if (!ifNotExists) plan.checks.push({ type: 'db-absent', db });
    return plan;
  }
  cur.acceptWord('EXTERNAL');
  if (cur.acceptWord('TABLE')) return createTable(cur, ctx);
  if (cur.acceptWord('VIEW')) return createView(cur, ctx);
  throw unsupported(`CREATE ${cur.peek()?.text.toUpperCase() ?? ''}`.trim());
}

function createTable(cur: TokenCursor, ctx: TranslateContext): Plan {
  const ifNotExists = cur.acceptWords('IF', 'NOT', 'EXISTS');
  const ifne = ifNotExists ? 'IF NOT EXISTS ' : '';
  const ref = cur.expectTable(ctx.database);
  const checks: DuckPlan['checks'] = [{ type: 'db-exists', db: ref.db }];
  if (!ifNotExists) checks.push({ type: 'table-absent', ref });
  if (cur.acceptWord('LIKE')) {
    if (isWord(cur.peek(), 'PARQUET') && cur.peek(1)?.type === 'string') throw unsupported('CREATE TABLE LIKE PARQUET');
    const from = cur.expectTable(ctx.database);
    skipClauses(cur);
    const plan = ddl([`CREATE TABLE ${ifne}${duckTable(ref)} AS SELECT * FROM ${duckTable(from)} LIMIT 0`]);
    plan.checks.push(...checks, { type: 'table-exists', ref: from });
    plan.effects.push({ type: 'copy-table', ref, from, ifNotExists });
    return plan;
  }
  let columns: DeclaredColumn[] = [];
  if (isOp(cur.peek(), '(')) columns = columnDefs(cur.takeGroup(), cur);
  const partitions: DeclaredColumn[] = [];
  while (!cur.done) {
    if (cur.acceptWords('PARTITIONED', 'BY')) {
      for (const part of splitTopLevel(cur.takeGroup(), true)) {
        // CTAS names partition columns without types; their values come from the query.
        if (part.length > 1) partitions.push(columnDef(part, cur));
      }
    } else if (cur.acceptWord('STORED')) {
      if (!cur.acceptWord('AS')) cur.acceptWord('BY');
      cur.next();
    } else if (cur.acceptWord('AS')) {
      const st = state(ctx);
      const query = rewriteQuery(cur.tokens, st, cur.pos);
      const plan = ddl([`CREATE TABLE ${ifne}${duckTable(ref)} AS ${query}`], true);
      plan.sleepMs = st.sleepMs;
      plan.checks.push(...checks);
      return plan;
    } else if (isOp(cur.peek(), '(')) {
      cur.takeGroup();
    } else {
      cur.next();
    }
  }
  if (columns.length === 0) throw cur.error('(');
  const all = [...columns, ...partitions];
  const seen = new Set<string>();
  for (const c of all) {
    if (seen.has(c.name)) throw analysisError(`Duplicate column name: ${c.name}`);
    seen.add(c.name);
  }
  const defs = all.map((c) => `${duckIdent(c.name)} ${duckdbStorageType(c.type)}`).join(', ');
  const plan = ddl([`CREATE TABLE ${ifne}${duckTable(ref)} (${defs})`]);
  plan.checks.push(...checks);
  plan.effects.push({ type: 'create-table', ref, columns: all, partitionColumns: partitions.map((p) => p.name), ifNotExists });
  return plan;
}

function createView(cur: TokenCursor, ctx: TranslateContext): Plan {
  const ifNotExists = cur.acceptWords('IF', 'NOT', 'EXISTS');
  const ref = cur.expectTable(ctx.database);
  let names = '';
  if (isOp(cur.peek(), '(')) {
    names = ` (${splitTopLevel(cur.takeGroup())
      .map((part) => duckIdent((part[0]?.value ?? '').toLowerCase()))
      .join(', ')})`;
  }
  while (!cur.done && !isWord(cur.peek(), 'AS')) {
    if (isOp(cur.peek(), '(')) cur.takeGroup();
    else cur.next();
  }
  cur.expectWord('AS');
  const st = state(ctx);
  const plan = ddl([
    `CREATE VIEW ${ifNotExists ? 'IF NOT EXISTS ' : ''}${duckTable(ref)}${names} AS ${rewriteQuery(cur.tokens, st, cur.pos)}`,
  ]);
  plan.checks.push({ type: 'db-exists', db: ref.db });
  if (!ifNotExists) plan.checks.push({ type: 'table-absent', ref });
  return plan;
}

function drop(cur: TokenCursor, ctx: TranslateContext): Plan {
  if (cur.acceptWord('DATABASE') || cur.acceptWord('SCHEMA')) {
    const ifExists = cur.acceptWords('IF', 'EXISTS');
    const db = cur.expectName();
    const cascade = cur.acceptWord('CASCADE');
    if (!cascade) cur.acceptWord('RESTRICT');
    cur.finish(null);
    if (db === 'default') throw analysisError('Cannot drop default database');
    const plan = ddl([`DROP SCHEMA ${ifExists ? 'IF EXISTS ' : ''}${duckIdent(db)}${cascade ? ' CASCADE' : ''}`]);
    if (!ifExists) plan.checks.push({ type: 'db-exists', db });
    if (!cascade) plan.checks.push({ type: 'db-empty', db });
    plan.effects.push({ type: 'drop-db', db });
    return plan;
  }
  if (cur.acceptWord('INCREMENTAL') || isWord(cur.peek(), 'STATS')) {
    cur.expectWord('STATS');
    return { type: 'noop', kind: 'ddl', checks: [{ type: 'table-exists', ref: cur.expectTable(ctx.database) }] };
  }
  const kind = cur.acceptWord('TABLE') ? 'TABLE' : cur.acceptWord('VIEW') ? 'VIEW' : undefined;
  if (!kind) throw unsupported(`DROP ${cur.peek()?.text.toUpperCase() ?? ''}`.trim());
  const ifExists = cur.acceptWords('IF', 'EXISTS');
  const ref = cur.expectTable(ctx.database);
  cur.acceptWord('PURGE');
  cur.finish(null);
  const plan = ddl([`DROP ${kind} ${ifExists ? 'IF EXISTS ' : ''}${duckTable(ref)}`]);
  if (!ifExists) plan.checks.push({ type: 'table-exists', ref });
  plan.effects.push({ type: 'drop-table', ref });
  return plan;
}

function alter(cur: TokenCursor, ctx: TranslateContext): Plan {
  if (cur.acceptWord('DATABASE') || cur.acceptWord('SCHEMA')) {
    const db = cur.expectName();
    return { type: 'noop', kind: 'ddl', checks: [{ type: 'db-exists', db }] };
  }
  const isView = cur.acceptWord('VIEW');
  if (!isView) cur.expectWord('TABLE');
  const ref = cur.expectTable(ctx.database);
  const target = duckTable(ref);
  if (cur.acceptWords('RENAME', 'TO')) {
    const to = cur.finish(cur.expectTable(ref.db));
    if (to.db !== ref.db) throw unsupported('renaming a table into another database');
    const plan = ddl([`ALTER ${isView ? 'VIEW' : 'TABLE'} ${target} RENAME TO ${duckIdent(to.table)}`]);
    plan.checks.push({ type: 'table-exists', ref }, { type: 'table-absent', ref: to });
    plan.effects.push({ type: 'rename-table', ref, to });
    return plan;
  }
  if (isView) {
    cur.expectWord('AS');
    const st = state(ctx);
    const plan = ddl([`CREATE OR REPLACE VIEW ${target} AS ${rewriteQuery(cur.tokens, st, cur.pos)}`]);
    plan.checks.push({ type: 'table-exists', ref });
    return plan;
  }
  if (cur.acceptWord('ADD')) {
    let columns: DeclaredColumn[];
    const ifNotExists = cur.acceptWords('IF', 'NOT', 'EXISTS');
    if (cur.acceptWord('COLUMNS')) columns = columnDefs(cur.takeGroup(), cur);
    else if (cur.acceptWord('COLUMN')) {
      const ifne2 = cur.acceptWords('IF', 'NOT', 'EXISTS');
      columns = [columnDef(cur.tokens.slice(cur.pos), cur)];
      return addColumns(ref, columns, ifNotExists || ifne2);
    } else {
      return { type: 'noop', kind: 'ddl', checks: [{ type: 'table-exists', ref }] };
    }
    return addColumns(ref, columns, ifNotExists);
  }
  if (cur.acceptWord('DROP')) {
    if (cur.acceptWord('COLUMN') || (!isWord(cur.peek(), 'PARTITION') && !isWord(cur.peek(), 'IF'))) {
      const column = cur.finish(cur.expectName());
      const plan = ddl([`ALTER TABLE ${target} DROP COLUMN ${duckIdent(column)}`]);
      plan.checks.push({ type: 'table-exists', ref });
      plan.effects.push({ type: 'drop-column', ref, column });
      return plan;
    }
  }
  if (isWord(cur.peek(), 'CHANGE') || isWord(cur.peek(), 'REPLACE')) throw unsupported(`ALTER TABLE ${cur.peek()!.text.toUpperCase()}`);
  // SET TBLPROPERTIES / SET FILEFORMAT / partitions / RECOVER PARTITIONS: nothing to do here.
  return { type: 'noop', kind: 'ddl', checks: [{ type: 'table-exists', ref }] };
}

function addColumns(ref: TableRef, columns: DeclaredColumn[], ifNotExists: boolean): Plan {
  const ine = ifNotExists ? 'IF NOT EXISTS ' : '';
  const plan = ddl(columns.map((c) => `ALTER TABLE ${duckTable(ref)} ADD COLUMN ${ine}${duckIdent(c.name)} ${duckdbStorageType(c.type)}`));
  plan.checks.push({ type: 'table-exists', ref });
  plan.effects.push({ type: 'add-columns', ref, columns });
  return plan;
}

/** Skips trailing clauses that carry nothing here (COMMENT, LOCATION, WITH DBPROPERTIES…). */
function skipClauses(cur: TokenCursor): void {
  while (!cur.done) {
    if (isOp(cur.peek(), '(')) cur.takeGroup();
    else cur.next();
  }
}

/** Column definitions from the tokens inside `( … )`. */
function columnDefs(tokens: Token[], cur: TokenCursor): DeclaredColumn[] {
  const out: DeclaredColumn[] = [];
  for (const part of splitTopLevel(tokens, true)) {
    // Kudu's table-level PRIMARY KEY (…) is not a column.
    if (isWord(part[0], 'PRIMARY') && isWord(part[1], 'KEY')) continue;
    out.push(columnDef(part, cur));
  }
  return out;
}

/** One `name type [COMMENT '…'] [constraints]` definition. */
function columnDef(part: Token[], cur: TokenCursor): DeclaredColumn {
  const nameTok = part[0];
  const typeTok = part[1];
  if (!nameTok || (nameTok.type !== 'ident' && nameTok.type !== 'qident')) {
    if (nameTok) cur.pos = cur.tokens.indexOf(nameTok);
    throw cur.error('IDENTIFIER');
  }
  if (!typeTok || typeTok.type !== 'ident') {
    cur.pos = typeTok ? cur.tokens.indexOf(typeTok) : cur.tokens.length;
    throw cur.error('a column type');
  }
  const word = typeTok.value.toUpperCase();
  if (word === 'ARRAY' || word === 'MAP' || word === 'STRUCT') throw unsupported(`complex type ${word}`);
  let text = typeTok.text;
  if (isOp(part[2], '(')) {
    const close = part.findIndex((t, i) => i > 2 && isOp(t, ')'));
    text += part
      .slice(2, close === -1 ? part.length : close + 1)
      .map((t) => t.text)
      .join('');
  }
  const type = parseImpalaType(text);
  if (!type) throw analysisError(`Unsupported data type: ${text.toUpperCase()}`);
  return { name: nameTok.value.toLowerCase(), type };
}
