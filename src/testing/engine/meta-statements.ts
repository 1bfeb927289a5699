/**
 * Statements answered from session state and the catalog rather than by
 * running SQL: SET, USE, SHOW, DESCRIBE, EXPLAIN and the metadata no-ops
 * (INVALIDATE METADATA, REFRESH); the statistics and table-definition forms
 * are in show-statements.ts.
 *
 * @module
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { Catalog } from '../catalog/catalog.js';
import { fixedExecution, type Execution } from './execution.js';
import { analysisError, fromDuckDBError, StatementError } from '../impala-errors.js';
import { impalaType } from '../impala-types.js';
import { StaticRowSource } from './row-source.js';
import type { ResultColumn } from '../hs2/row-set.js';
import type { Session } from '../hs2/session.js';
import { QUERY_OPTIONS, type QueryOptionDefault } from './query-options.js';
import type { MetaPlan } from '../sql/statement-plan.js';
import { executeShow } from './show-statements.js';

const STRING = impalaType('STRING');
const cols = (...names: string[]): ResultColumn[] => names.map((name) => ({ name, type: STRING }));

/** Every query option with impalad's default, as its OpenSession configuration and SET ALL show a fresh session's. */
export const DEFAULT_QUERY_OPTIONS: Readonly<Record<string, string>> = Object.fromEntries(
  QUERY_OPTIONS.map((o) => [o.name, o.defaultValue]),
);

const BY_NAME = new Map(QUERY_OPTIONS.map((o) => [o.name, o]));

/**
 * The query option `key` names, in any case, as impalad's `GetQueryOptionForKey`
 * matches it; undefined for a name impalad does not know.
 */
export function queryOption(key: string): QueryOptionDefault | undefined {
  return BY_NAME.get(key.toUpperCase());
}

/** Levels plain SET leaves out (client-request-state.cc `PopulateResultForSet`). */
const SET_ALL_ONLY = new Set(['DEVELOPMENT', 'DEPRECATED', 'REMOVED']);

/**
 * SET's rows: option, value, level. A session's value shows as it was set,
 * since the test cluster does not parse option values (impalad shows them
 * parsed: `2g` as `2147483648`).
 */
function setRows(session: Session, all: boolean): string[][] {
  return QUERY_OPTIONS.filter((o) => all || !SET_ALL_ONLY.has(o.level)).map((o) => [
    o.name,
    session.options.get(o.name) ?? o.defaultValue,
    o.level,
  ]);
}

/**
 * `SET key=value`: impalad's `SetQueryOption` refuses a name it does not
 * know, in the case it was written, and ignores removed ones.
 */
function setOption(session: Session, key: string, value: string): void {
  // The frontend's SetStmt still accepts the name COMPRESSION_CODEC had before Impala 2.0.
  const option = queryOption(key.toUpperCase() === 'PARQUET_COMPRESSION_CODEC' ? 'COMPRESSION_CODEC' : key);
  if (!option) throw new StatementError(`Invalid query option: ${key}`);
  if (option.level !== 'REMOVED') session.setOption(option.name, value);
}

/** Impala SHOW patterns: `*` matches anything, `|` separates alternatives; case-insensitive. */
export function showPattern(pattern: string | undefined): (name: string) => boolean {
  if (pattern === undefined) return () => true;
  const alternatives = pattern.split('|').map((p) =>
    p
      .trim()
      .replace(/[.+?^${}()[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*'),
  );
  const re = new RegExp(`^(?:${alternatives.join('|')})$`, 'i');
  return (name) => re.test(name);
}

/** Runs a meta statement's analysis (and, for SET/USE, its effect) and returns its execution. */
export async function executeMeta(catalog: Catalog, session: Session, plan: MetaPlan, sql: string): Promise<Execution> {
  switch (plan.type) {
    case 'set':
      setOption(session, plan.key, plan.value);
      return fixedExecution('other', [], undefined);
    case 'set-list':
      return fixedExecution('other', cols('option', 'value', 'level'), new StaticRowSource(setRows(session, plan.all)));
    default:
      break;
  }
  const lease = await catalog.connect(session.database).catch(() => catalog.connect('default'));
  try {
    return await lease.use((conn) => analyzeOnCatalog(catalog, conn, session, plan, sql));
  } finally {
    lease.release();
  }
}

/** The meta statements that read the catalog, on a connection the caller holds. */
async function analyzeOnCatalog(
  catalog: Catalog,
  conn: DuckDBConnection,
  session: Session,
  plan: Exclude<MetaPlan, { type: 'set' | 'set-list' }>,
  sql: string,
): Promise<Execution> {
  switch (plan.type) {
    case 'use':
      await catalog.verify(conn, [{ type: 'db-exists', db: plan.db }]);
      session.database = plan.db;
      return fixedExecution('other', [], undefined);
    case 'noop':
      await catalog.verify(conn, plan.checks);
      return fixedExecution(plan.kind, [], undefined);
    case 'show-tables': {
      await catalog.verify(conn, [{ type: 'db-exists', db: plan.db }]);
      const match = showPattern(plan.pattern);
      const names = (await catalog.listTables(conn, plan.db)).filter(match);
      return fixedExecution('query', cols('name'), new StaticRowSource(names.map((n) => [n])));
    }
    case 'show-databases': {
      const match = showPattern(plan.pattern);
      const rows = (await catalog.listDatabases(conn)).filter(([name]) => match(name));
      return fixedExecution('query', cols('name', 'comment'), new StaticRowSource(rows));
    }
    case 'describe': {
      if (!(await catalog.tableKind(conn, plan.ref))) throw analysisError(`Could not resolve path: '${plan.ref.db}.${plan.ref.table}'`);
      const described = await catalog.describe(conn, plan.ref);
      const rows = described.map((c) => [c.name, Catalog.describeType(c.type), '']);
      return fixedExecution('query', cols('name', 'type', 'comment'), new StaticRowSource(rows), [`${plan.ref.db}.${plan.ref.table}`]);
    }
    case 'describe-db': {
      await catalog.verify(conn, [{ type: 'db-exists', db: plan.db }]);
      const location = `hdfs://localhost:20500/test-warehouse/${plan.db === 'default' ? '' : `${plan.db}.db`}`;
      return fixedExecution('query', cols('name', 'location', 'comment'), new StaticRowSource([[plan.db, location, '']]));
    }
    case 'explain': {
      await catalog.verify(conn, plan.inner.checks);
      const last = plan.inner.statements[plan.inner.statements.length - 1]!;
      const prepared = await conn.prepare(last).catch((err: unknown) => {
        throw fromDuckDBError(err, { sql, database: session.database, dml: plan.inner.kind === 'dml' });
      });
      prepared.destroySync();
      return fixedExecution('query', cols('explain string'), new StaticRowSource(explainLines(plan.inner.kind).map((l) => [l])));
    }
    default:
      return await executeShow(catalog, conn, plan);
  }
}

/** An EXPLAIN in impalad's layout; the plan itself is DuckDB's business. */
function explainLines(kind: string): string[] {
  return [
    'Max Per-Host Resource Reservation: Memory=0B Threads=1',
    'Per-Host Resource Estimates: Memory=10MB',
    'Codegen disabled by planner',
    '',
    kind === 'dml' ? 'WRITE TO HDFS' : 'PLAN-ROOT SINK',
    '|',
    '01:EXCHANGE [UNPARTITIONED]',
    '|',
    '00:SCAN DUCKDB',
    '   row-size=0B cardinality=unavailable',
  ];
}
