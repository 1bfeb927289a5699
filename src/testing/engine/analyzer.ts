/**
 * Analysis of one statement, synchronous from the client's view as in
 * impalad: translation, catalog checks and DuckDB's binder run before
 * ExecuteStatement answers, so unknown tables and syntax errors come back in
 * its status; what remains is execution, which runs in the background.
 *
 * @module
 */
import type { DuckDBConnection, DuckDBPreparedStatement } from '@duckdb/node-api';
import { LRUCache } from 'lru-cache';
import type { CatalogChange } from '../catalog/bus.js';
import type { Catalog } from '../catalog/catalog.js';
import type { DuckLease } from '../catalog/duck-lease.js';
import { executeMeta } from './meta-statements.js';
import type { Execution, ExecutionResult } from './execution.js';
import { fromDuckDBError } from '../impala-errors.js';
import { impalaTypeOfDuckDB, type ImpalaType } from '../impala-types.js';
import { DuckDBRowSource } from './row-source.js';
import type { ResultColumn } from '../hs2/row-set.js';
import type { Session } from '../hs2/session.js';
import { typeDivisions, type DivisionProbe } from '../sql/decimal-division.js';
import { translate } from '../sql/translate.js';
import type { DuckPlan } from '../sql/statement-plan.js';
import type { TableRef } from '../sql/token-cursor.js';

/** What analysis needs from the coordinator. */
export interface AnalyzerContext {
  /** The coordinator's catalog. */
  catalog: Catalog;
  /**
   * Hands a successful DDL/DML change to the other coordinators; resolves
   * once they all have it. Absent for a lone coordinator.
   */
  publish?: (change: CatalogChange) => Promise<void>;
  /** Whether to wait for {@link publish} before the statement finishes (SYNC_DDL, or no propagation delay). */
  waitForPublish: boolean;
  /** Applies every change other coordinators made that has not arrived yet (INVALIDATE METADATA, REFRESH). */
  syncCatalog?: () => Promise<void>;
}

/**
 * Analyses `sql` in `session`. SET and USE take effect here, as impalad
 * applies them before answering ExecuteStatement.
 *
 * @throws StatementError with Impala's text for anything analysis rejects
 */
export async function analyzeStatement(ctx: AnalyzerContext, session: Session, sql: string): Promise<Execution> {
  const { catalog } = ctx;
  const plan = translate(sql, {
    database: session.database,
    user: session.user,
    dataColumns: (ref) => catalog.notes.dataColumns(ref),
    tableColumns: (ref) => catalog.notes.get(ref)?.columns,
  });
  if (plan.type !== 'duckdb') {
    if (plan.type === 'noop' && plan.syncCatalog) await ctx.syncCatalog?.();
    return executeMeta(catalog, session, plan, sql);
  }
  const lease = await catalog.connect(session.database);
  try {
    return await lease.use((conn) => prepareDuck(ctx, lease, conn, session, plan, sql));
  } catch (err) {
    lease.release();
    throw fromDuckDBError(err, { sql, database: session.database, dml: plan.kind === 'dml' });
  }
}

/**
 * Names of the tables each DuckDB statement text names, as written. DuckDB
 * parses the text again for them on the event loop's thread; applications
 * and benchmarks run the same texts over and over.
 */
const tableNamesByText = new LRUCache<string, readonly string[]>({ max: 500 });

/** Tables a DuckDB statement names, resolved against the session's database. */
function referencedTables(conn: DuckDBConnection, sql: string, database: string): TableRef[] {
  let names = tableNamesByText.get(sql);
  if (!names) {
    try {
      names = conn.getTableNames(sql, true);
    } catch {
      names = [];
    }
    tableNamesByText.set(sql, names);
  }
  return names.map((name) => {
    const parts = name.split('.').map((p) => p.replace(/^"|"$/g, '').replace(/""/g, '"').toLowerCase());
    const table = parts[parts.length - 1]!;
    return { db: parts.length > 1 ? parts[parts.length - 2]! : database, table };
  });
}

/**
 * The Impala type for a result column. DuckDB stores CHAR(n) and VARCHAR(n)
 * as VARCHAR; a VARCHAR column named like a column declared with one of
 * those in a table the query reads is reported as declared.
 */
function resultType(
  duckType: ReturnType<DuckDBPreparedStatement['columnType']>,
  name: string,
  notes: Catalog['notes'],
  tables: TableRef[],
): ImpalaType {
  const t = impalaTypeOfDuckDB(duckType);
  if (t.name !== 'STRING') return t;
  const declared = new Map<string, ImpalaType>();
  for (const ref of tables) {
    const d = notes.columnType(ref, name);
    if (d && d.name !== 'STRING') declared.set(JSON.stringify(d), d);
  }
  return declared.size === 1 ? [...declared.values()][0]! : t;
}

/** The plan with each `/` divided as Impala divides (DECIMAL division needs the operands' types, which DuckDB's binder knows). */
async function withImpalaDivision(conn: DuckDBConnection, plan: DuckPlan): Promise<DuckPlan> {
  const probe: DivisionProbe = async (text) => {
    try {
      (await conn.prepare(text)).destroySync();
      return undefined;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  };
  const statements: string[] = [];
  for (const s of plan.statements) statements.push(await typeDivisions(s, probe));
  const analyze = plan.analyze === undefined ? undefined : await typeDivisions(plan.analyze, probe);
  return { ...plan, statements, analyze };
}

/** Analysis on `conn`, inside a `use` of `lease`; the Execution it returns runs its work through the lease too. */
async function prepareDuck(
  ctx: AnalyzerContext,
  lease: DuckLease,
  conn: DuckDBConnection,
  session: Session,
  translated: DuckPlan,
  sql: string,
): Promise<Execution> {
  const { catalog } = ctx;
  const database = session.database;
  await catalog.verify(conn, translated.checks);
  const plan = await withImpalaDivision(conn, translated);
  if (plan.onlyIfExists && !(await catalog.tableKind(conn, plan.onlyIfExists))) {
    lease.release();
    return {
      kind: plan.kind,
      hasResultSet: false,
      columns: [],
      sleepMs: 0,
      tables: [],
      run: async () => ({}),
      interrupt: () => undefined,
      release: () => undefined,
    };
  }
  const last = plan.statements[plan.statements.length - 1]!;
  const analyzed = plan.analyze ?? last;
  const tables = referencedTables(conn, analyzed, session.database);
  const prepared = await conn.prepare(analyzed);
  lease.own(prepared);
  const columns: ResultColumn[] = [];
  if (plan.hasResultSet) {
    for (let i = 0; i < prepared.columnCount; i += 1) {
      const name = prepared.columnName(i).toLowerCase();
      const duckType = prepared.columnType(i);
      columns.push({ name, type: resultType(duckType, name, catalog.notes, tables), duckType: duckType.typeId });
    }
  }
  // One statement runs as prepared; a sequence runs as text in a transaction.
  const single = plan.statements.length === 1 && plan.analyze === undefined;
  // Whether each effect's target existed before, for CREATE … IF NOT EXISTS.
  const existed = await Promise.all(
    plan.effects.map(async (e) => ('ref' in e ? (await catalog.tableKind(conn, e.ref)) !== undefined : false)),
  );
  // Closing a connection under DuckDB's worker thread crashes the process:
  // every run and chunk fetch goes through the lease, and the connection
  // goes back only once that work is over.
  let released = false;
  const track = <T>(work: () => Promise<T>): Promise<T> => lease.use(work);
  const errCtx = { sql, database: session.database, dml: plan.kind === 'dml' };
  const resultIndex = plan.resultIndex ?? plan.statements.length - 1;
  return {
    kind: plan.kind,
    hasResultSet: plan.hasResultSet,
    columns,
    sleepMs: plan.sleepMs,
    tables: tables.map((t) => `${t.db}.${t.table}`),
    async run(): Promise<ExecutionResult> {
      try {
        let changed = 0;
        if (single) {
          if (plan.hasResultSet) return { rows: new DuckDBRowSource(await track(() => prepared.stream()), track) };
          changed = (await track(() => prepared.run())).rowsChanged;
        } else {
          await track(() => conn.run('BEGIN TRANSACTION'));
          for (const [i, stmt] of plan.statements.entries()) {
            const r = await track(() => conn.run(stmt));
            if (i === resultIndex) changed = r.rowsChanged;
          }
          await track(() => conn.run('COMMIT'));
        }
        catalog.applyEffects(plan.effects, existed);
        if (ctx.publish && plan.kind !== 'query') {
          const published = ctx.publish({ database, statements: plan.statements, effects: plan.effects });
          if (ctx.waitForPublish) await published;
        }
        return plan.reportsRows ? { rowsModified: changed } : {};
      } catch (err) {
        if (!single && !released) await track(() => conn.run('ROLLBACK')).catch(() => undefined);
        throw fromDuckDBError(err, errCtx);
      }
    },
    interrupt: () => lease.interrupt(),
    release(): void {
      released = true;
      lease.release();
    },
  };
}
