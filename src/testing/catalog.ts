/**
 * One coordinator's catalog and storage: its own in-memory DuckDB instance,
 * Impala databases as DuckDB schemas (`default` is a schema named
 * "default"), the helper macros the SQL translation relies on, and the
 * catalog notes that keep declared Impala types.
 *
 * @module
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { CatalogChange, CatalogReplica } from './catalog-bus.js';
import { CatalogNotes } from './catalog-notes.js';
import { analysisError } from './impala-errors.js';
import { formatImpalaType, impalaTypeOfDuckDBName, type ImpalaType } from './impala-types.js';
import { DEFAULT_DATABASE } from './server-info.js';
import { duckIdent } from './sql-lexer.js';
import { MACROS } from './sql/macros.js';
import type { CatalogCheck } from './statement-plan.js';
import type { TableRef } from './token-cursor.js';

const HIDDEN_SCHEMAS = new Set(['main', 'information_schema', 'pg_catalog']);

/** A column as DESCRIBE shows it. */
export interface DescribedColumn {
  /** Column name. */
  name: string;
  /** Impala type. */
  type: ImpalaType;
}

/** The DuckDB side of one coordinator. */
export class Catalog implements CatalogReplica {
  /** Declared Impala types, kept in step with DDL. */
  readonly notes = new CatalogNotes();
  private readonly open = new Set<DuckDBConnection>();
  private closed = false;

  private constructor(private readonly instance: DuckDBInstance) {}

  /**
   * Creates an empty catalog with the `default` database.
   *
   * @param threads - DuckDB worker threads for this coordinator
   */
  static async create(threads: number): Promise<Catalog> {
    // No file or network access: clients must not reach the host's files
    // through DuckDB functions such as read_csv().
    // NULLs sort as in Impala: last ascending, first descending (impala_order_by.xml).
    // Without the ICU extension (external access is off) DuckDB's time zone is UTC,
    // which is the coordinator's local time zone for now() and friends.
    const instance = await DuckDBInstance.create(':memory:', {
      threads: String(threads),
      enable_external_access: 'false',
      default_null_order: 'nulls_last_on_asc_first_on_desc',
    });
    const conn = await instance.connect();
    try {
      await conn.run(`CREATE SCHEMA ${duckIdent(DEFAULT_DATABASE)}`);
      for (const m of MACROS) await conn.run(m);
    } finally {
      conn.closeSync();
    }
    return new Catalog(instance);
  }

  /**
   * A connection whose unqualified names resolve in `database`. Every
   * operation gets its own, so one operation's streaming result is never
   * disturbed by another's statement, and cancel can interrupt just it.
   *
   * @throws StatementError (Database does not exist) for an unknown database
   */
  async connect(database: string): Promise<DuckDBConnection> {
    if (this.closed) throw new Error('the coordinator is stopped');
    const conn = await this.instance.connect();
    this.open.add(conn);
    try {
      await conn.run(`SET search_path = '${`memory.${duckIdent(database)},memory.main`.replace(/'/g, "''")}'`);
    } catch {
      this.release(conn);
      throw analysisError(`Database does not exist: ${database}`);
    }
    return conn;
  }

  /** Interrupts and closes a connection from {@link connect}. */
  release(conn: DuckDBConnection): void {
    if (!this.open.delete(conn)) return;
    try {
      conn.interrupt();
      conn.closeSync();
    } catch {
      // Already closed with the instance.
    }
  }

  /** Whether a database exists. */
  async databaseExists(conn: DuckDBConnection, db: string): Promise<boolean> {
    const r = await conn.runAndReadAll(`SELECT 1 FROM information_schema.schemata WHERE catalog_name = 'memory' AND schema_name = $1`, [db]);
    return r.currentRowCount > 0 && !HIDDEN_SCHEMAS.has(db);
  }

  /** Whether a database holds no tables or views. */
  async databaseIsEmpty(conn: DuckDBConnection, db: string): Promise<boolean> {
    return (await this.listTables(conn, db)).length === 0;
  }

  /** 'table', 'view', or undefined when the name is free. */
  async tableKind(conn: DuckDBConnection, ref: TableRef): Promise<'table' | 'view' | undefined> {
    const r = await conn.runAndReadAll(
      `SELECT table_type FROM information_schema.tables WHERE table_catalog = 'memory' AND table_schema = $1 AND lower(table_name) = $2`,
      [ref.db, ref.table],
    );
    if (r.currentRowCount === 0) return undefined;
    return String(r.getRows()[0]![0]) === 'VIEW' ? 'view' : 'table';
  }

  /** Databases with Impala's comment column, `_impala_builtins` included as impalad lists it. */
  async listDatabases(conn: DuckDBConnection): Promise<Array<[string, string]>> {
    const r = await conn.runAndReadAll(`SELECT schema_name FROM information_schema.schemata WHERE catalog_name = 'memory' ORDER BY 1`);
    const names = r
      .getRows()
      .map((row) => String(row[0]))
      .filter((n) => !HIDDEN_SCHEMAS.has(n));
    const rows: Array<[string, string]> = names.map((n) => [n, n === DEFAULT_DATABASE ? 'Default Hive database' : '']);
    rows.push(['_impala_builtins', 'System database for Impala builtin functions']);
    return rows.sort((a, b) => a[0].localeCompare(b[0]));
  }

  /** Table and view names of a database, sorted. */
  async listTables(conn: DuckDBConnection, db: string): Promise<string[]> {
    const r = await conn.runAndReadAll(
      `SELECT lower(table_name) FROM information_schema.tables WHERE table_catalog = 'memory' AND table_schema = $1 ORDER BY 1`,
      [db],
    );
    return r.getRows().map((row) => String(row[0]));
  }

  /** Columns of a table with their Impala types (declared ones where noted). */
  async describe(conn: DuckDBConnection, ref: TableRef): Promise<DescribedColumn[]> {
    const r = await conn.runAndReadAll(
      `SELECT column_name, data_type FROM information_schema.columns
       WHERE table_catalog = 'memory' AND table_schema = $1 AND lower(table_name) = $2 ORDER BY ordinal_position`,
      [ref.db, ref.table],
    );
    return r.getRows().map((row) => {
      const name = String(row[0]).toLowerCase();
      return { name, type: this.notes.columnType(ref, name) ?? impalaTypeOfDuckDBName(String(row[1])) };
    });
  }

  /** Impala's lower-case type text for DESCRIBE: `decimal(38,10)`, `varchar(10)`. */
  static describeType(t: ImpalaType): string {
    return formatImpalaType(t).toLowerCase();
  }

  /**
   * Confirms the catalog facts a statement depends on.
   *
   * @throws StatementError with Impala's message for the first that fails
   */
  async verify(conn: DuckDBConnection, checks: readonly CatalogCheck[]): Promise<void> {
    for (const check of checks) {
      switch (check.type) {
        case 'db-exists':
          if (!(await this.databaseExists(conn, check.db))) throw analysisError(`Database does not exist: ${check.db}`);
          break;
        case 'db-absent':
          if (await this.databaseExists(conn, check.db)) throw analysisError(`Database already exists: ${check.db}`);
          break;
        case 'db-empty':
          if (!(await this.databaseIsEmpty(conn, check.db))) throw analysisError(`Cannot drop non-empty database: ${check.db}`);
          break;
        case 'table-exists':
          if (!(await this.tableKind(conn, check.ref))) {
            if (!(await this.databaseExists(conn, check.ref.db))) throw analysisError(`Database does not exist: ${check.ref.db}`);
            throw analysisError(`Table does not exist: ${check.ref.db}.${check.ref.table}`);
          }
          break;
        case 'table-absent':
          if (await this.tableKind(conn, check.ref)) throw analysisError(`Table already exists: ${check.ref.db}.${check.ref.table}`);
          break;
      }
    }
  }

  /**
   * Replays a DDL/DML statement another coordinator ran. A replica that
   * cannot apply it (a table it never saw, say) misses it, as an impalad
   * with a diverged catalog would.
   */
  async replay(change: CatalogChange): Promise<void> {
    if (this.closed) return;
    let conn: DuckDBConnection;
    try {
      conn = await this.connect(change.database).catch(() => this.connect(DEFAULT_DATABASE));
    } catch {
      return;
    }
    try {
      const existed = await Promise.all(change.effects.map(async (e) => ('ref' in e ? (await this.tableKind(conn, e.ref)) !== undefined : false)));
      await conn.run('BEGIN TRANSACTION');
      for (const stmt of change.statements) await conn.run(stmt);
      await conn.run('COMMIT');
      change.effects.forEach((e, i) => this.notes.apply(e, existed[i]!));
    } catch {
      await conn.run('ROLLBACK').catch(() => undefined);
    } finally {
      this.release(conn);
    }
  }

  /** Interrupts every running statement and closes the instance. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const conn of [...this.open]) this.release(conn);
    this.instance.closeSync();
  }
}
