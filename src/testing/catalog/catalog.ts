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
import { DuckLease, type LeaseOwner } from './duck-lease.js';
import { CatalogNotes } from './notes.js';
import { analysisError } from '../impala-errors.js';
import { formatImpalaType, impalaTypeOfDuckDBName, type ImpalaType } from '../impala-types.js';
import { finishesWithin } from '../../util/finishes-within.js';
import { DEFAULT_DATABASE } from '../hs2/server-info.js';
import { duckIdent } from '../sql/lexer.js';
import { MACROS } from '../sql/macros.js';
import type { CatalogCheck, CatalogEffect } from '../sql/statement-plan.js';
import type { TableRef } from '../sql/token-cursor.js';

const HIDDEN_SCHEMAS = new Set(['main', 'information_schema', 'pg_catalog']);

/** How long close() waits for interrupted work to end before it closes the instance anyway. */
const CLOSE_WAIT_MS = 2000;

/**
 * Idle connections kept for the next lease. Making one costs a worker-thread
 * round trip and setting its search path another, more than a short
 * statement's own work; a coordinator rarely runs more statements at once.
 */
const MAX_IDLE_CONNECTIONS = 16;

/** A column as DESCRIBE shows it. */
export interface DescribedColumn {
  /** Column name. */
  name: string;
  /** Impala type. */
  type: ImpalaType;
}

/** The DuckDB side of one coordinator. */
export class Catalog implements CatalogReplica, LeaseOwner {
  /** Declared Impala types, kept in step with DDL. */
  readonly notes = new CatalogNotes();
  /** Leases not yet settled: their connections may have work on DuckDB's threads. */
  private readonly open = new Set<DuckLease>();
  /** Connections no lease holds, with the database their search path names; newest last. */
  private readonly idle: Array<{ conn: DuckDBConnection; database: string }> = [];
  /** Moves on when a database is dropped: older search paths may name a database that no longer exists. */
  private generation = 0;
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
   * A connection whose unqualified names resolve in `database`, lent to one
   * operation (or metadata call, or replay) at a time, so that one
   * operation's streaming result is never disturbed by another's statement
   * and cancel interrupts just it. Every piece of work on it goes through
   * the lease's `use`; `release` gives it back. For work that fits in one
   * function, {@link withConnection}.
   *
   * @throws StatementError (Database does not exist) for an unknown database
   */
  async connect(database: string): Promise<DuckLease> {
    if (this.closed) throw stoppedError();
    const kept = this.idle.findLastIndex((k) => k.database === database);
    if (kept >= 0) return this.lend(this.idle.splice(kept, 1)[0]!.conn, database);
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
      throw stoppedError();
    }
    const lease = this.lend(conn, database);
    try {
      await lease.use((c) => c.run(`SET search_path = '${`memory.${duckIdent(database)},memory.main`.replace(/'/g, "''")}'`));
    } catch {
      lease.release();
      throw this.closed ? stoppedError() : analysisError(`Database does not exist: ${database}`);
    }
    // close() released every lease while the search path was set: this
    // connection is closed now, and its synchronous methods would crash.
    if (this.closed) throw stoppedError();
    return lease;
  }

  private lend(conn: DuckDBConnection, database: string): DuckLease {
    const lease = new DuckLease(conn, database, this.generation, this);
    this.open.add(lease);
    return lease;
  }

  /** Runs `use` on a connection for `database`, released once `use` settles. */
  async withConnection<T>(database: string, use: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const lease = await this.connect(database);
    try {
      return await lease.use(use);
    } finally {
      lease.release();
    }
  }

  /** Called by a lease once released and idle: its connection is kept for the next lease, or closed. */
  settled(lease: DuckLease): void {
    if (!this.open.delete(lease)) return;
    const keep = !this.closed && lease.reusable && lease.generation === this.generation && this.idle.length < MAX_IDLE_CONNECTIONS;
    if (keep) {
      this.idle.push({ conn: lease.conn, database: lease.database });
      return;
    }
    closeQuietly(lease.conn);
    if (this.closed) this.closeInstanceWhenUnused();
  }

  /** Applies a successful change's effects to the notes; a dropped database retires the connections kept for reuse. */
  applyEffects(effects: readonly CatalogEffect[], existedBefore: readonly boolean[]): void {
    effects.forEach((e, i) => this.notes.apply(e, existedBefore[i]!));
    if (effects.some((e) => e.type === 'drop-db')) {
      this.generation += 1;
      this.closeIdle();
    }
  }

  /** Closes every kept connection: none has work under way. */
  private closeIdle(): void {
    for (const { conn } of this.idle.splice(0)) closeQuietly(conn);
  }

  /** Once closing, the instance goes when no connection is lent or being made: closing it under one is a crash too. */
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
        this.applyEffects(change.effects, existed);
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
    this.closeIdle();
    for (const lease of [...this.open]) {
      if (lease.busy) lease.interrupt();
      lease.release();
    }
    this.closeInstanceWhenUnused();
    // Interrupted work ends quickly; should some outlast the wait, the
    // instance closes when the last of it ends, not before.
    await finishesWithin(this.instanceGone, CLOSE_WAIT_MS);
  }
}

function stoppedError(): Error {
  return new Error('the coordinator is stopped');
}

function closeQuietly(conn: DuckDBConnection): void {
  try {
    conn.closeSync();
  } catch {
    // Already closed with the instance.
  }
}
