/**
 * One coordinator's catalog and storage: its own in-memory DuckDB instance,
 * Impala databases as DuckDB schemas (`default` is a schema named
 * "default"), the helper macros the SQL translation relies on, and the
 * catalog notes that keep declared Impala types.
 *
 * @module
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { CatalogChange, CatalogReplica } from './bus.js';
import { CatalogNotes } from './notes.js';
import { analysisError } from '../impala-errors.js';
import { formatImpalaType, impalaTypeOfDuckDBName, type ImpalaType } from '../impala-types.js';
import { finishesWithin } from '../../util/finishes-within.js';
import { DEFAULT_DATABASE } from '../hs2/server-info.js';
import { duckIdent } from '../sql/lexer.js';
import { MACROS } from '../sql/macros.js';
import type { CatalogCheck } from '../sql/statement-plan.js';
import type { TableRef } from '../sql/token-cursor.js';

const HIDDEN_SCHEMAS = new Set(['main', 'information_schema', 'pg_catalog']);

/** How long close() waits for interrupted work to end before it closes the instance anyway. */
const CLOSE_WAIT_MS = 2000;

/**
 * An open DuckDB connection and the work under way on it. DuckDB runs that
 * work on a worker thread, and closing the connection while it runs frees
 * what the thread still uses: a crash of the whole process, not an error.
 * So a connection is closed only once nothing runs on it.
 */
interface OpenConnection {
  /** Pieces of work under way (runs, chunk fetches, a scoped use). */
  busy: number;
  /** Whether its owner is done with it: it closes as soon as it is idle. */
  released: boolean;
  /** Settles once the connection is closed. */
  readonly gone: Promise<void>;
  readonly markGone: () => void;
}

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
  private readonly open = new Map<DuckDBConnection, OpenConnection>();
  private closed = false;
  private closing: Promise<void> | undefined;
  /** `instance.connect()` calls under way: DuckDB makes a connection on a worker thread too. */
  private connecting = 0;
  private instanceClosed = false;
  private markInstanceClosed!: () => void;
  private readonly instanceGone = new Promise<void>((resolve) => (this.markInstanceClosed = resolve));

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
   * Each piece of work on it goes through {@link track}; {@link release}
   * ends it. For work that fits in one function, {@link withConnection}.
   *
   * @throws StatementError (Database does not exist) for an unknown database
   */
  async connect(database: string): Promise<DuckDBConnection> {
    if (this.closed) throw new Error('the coordinator is stopped');
    this.connecting += 1;
    let conn: DuckDBConnection;
    try {
      conn = await this.instance.connect();
    } finally {
      this.connecting -= 1;
    }
    if (this.closed) {
      // Closed while DuckDB made it: nothing runs on it yet, so it can go now.
      conn.closeSync();
      this.closeInstanceWhenUnused();
      throw new Error('the coordinator is stopped');
    }
    let markGone!: () => void;
    const gone = new Promise<void>((resolve) => (markGone = resolve));
    this.open.set(conn, { busy: 0, released: false, gone, markGone });
    try {
      await this.track(conn, conn.run(`SET search_path = '${`memory.${duckIdent(database)},memory.main`.replace(/'/g, "''")}'`));
    } catch {
      this.release(conn);
      throw analysisError(`Database does not exist: ${database}`);
    }
    return conn;
  }

  /**
   * Runs `use` on a connection from {@link connect}, which stays busy
   * until `use` settles and is released after.
   */
  async withConnection<T>(database: string, use: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const conn = await this.connect(database);
    try {
      return await this.track(conn, use(conn));
    } finally {
      this.release(conn);
    }
  }

  /** Waits for `work` on `conn`, which is not closed while it runs. */
  async track<T>(conn: DuckDBConnection, work: Promise<T>): Promise<T> {
    const entry = this.open.get(conn);
    if (entry) entry.busy += 1;
    try {
      return await work;
    } finally {
      if (entry) {
        entry.busy -= 1;
        this.closeIfIdle(conn, entry);
      }
    }
  }

  /**
   * Ends a connection from {@link connect}: closed now when idle, else as
   * soon as its work ends (interrupt first to make that soon). Idempotent.
   */
  release(conn: DuckDBConnection): void {
    const entry = this.open.get(conn);
    if (!entry || entry.released) return;
    entry.released = true;
    this.closeIfIdle(conn, entry);
  }

  private closeIfIdle(conn: DuckDBConnection, entry: OpenConnection): void {
    if (!entry.released || entry.busy > 0 || !this.open.delete(conn)) return;
    try {
      conn.closeSync();
    } catch {
      // Already closed with the instance.
    }
    entry.markGone();
    if (this.closed) this.closeInstanceWhenUnused();
  }

  /** Once closing, the instance goes when no connection is open or being made: closing it under one is a crash too. */
  private closeInstanceWhenUnused(): void {
    if (this.instanceClosed || this.open.size > 0 || this.connecting > 0) return;
    this.instanceClosed = true;
    this.instance.closeSync();
    this.markInstanceClosed();
  }

  /** Whether a database exists. */
  async databaseExists(conn: DuckDBConnection, db: string): Promise<boolean> {
    const r = await conn.runAndReadAll(`SELECT 1 FROM information_schema.schemata WHERE catalog_name = 'memory' AND schema_name = $1`, [
      db,
    ]);
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
    const apply = async (conn: DuckDBConnection): Promise<void> => {
      try {
        const existed = await Promise.all(
          change.effects.map(async (e) => ('ref' in e ? (await this.tableKind(conn, e.ref)) !== undefined : false)),
        );
        await conn.run('BEGIN TRANSACTION');
        for (const stmt of change.statements) await conn.run(stmt);
        await conn.run('COMMIT');
        change.effects.forEach((e, i) => this.notes.apply(e, existed[i]!));
      } catch {
        await conn.run('ROLLBACK').catch(() => undefined);
      }
    };
    await this.withConnection(change.database, apply)
      .catch(() => this.withConnection(DEFAULT_DATABASE, apply))
      .catch(() => undefined);
  }

  /**
   * Interrupts every running statement, waits (boundedly) for DuckDB's
   * threads to let go of each connection, and closes the instance.
   * Idempotent.
   */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    for (const [conn, entry] of [...this.open]) {
      if (entry.busy > 0) conn.interrupt();
      this.release(conn);
    }
    this.closeInstanceWhenUnused();
    // Interrupted work ends quickly; should some outlast the wait, the
    // instance closes when the last of it ends, not before.
    await finishesWithin(this.instanceGone, CLOSE_WAIT_MS);
  }
}
