/**
 * A leased HS2 session: what `pool.connect()` returns and what
 * `pool.session(fn)` hands to `fn`. Its statements run in one HS2 session, so
 * the USE and SET they run stay in force (Impala's proxy guide: run the DDL
 * and the statements that depend on it through the same session).
 *
 * Where the session is follows one rule: each statement routes like a
 * `pool.query` would, with the lease's current coordinator preferred. So it
 * stays put, except when a statement touches a table that DDL or DML changed
 * on another coordinator moments ago (a table pin): then the session moves
 * there, USE and SET replayed, rather than fail on a coordinator whose
 * catalog has not caught up. A lease never moves while one of its streams is
 * open. A connection found closed (server idle expiry, a dropped socket, a
 * restart) is replaced the same way, as long as the retry rules allow (never
 * a DML/DDL whose outcome is unknown).
 *
 * @module
 */
import { inspect } from 'node:util';
import { AlreadyReleasedError, ClientClosedError } from '../errors.js';
import type { ExecuteResult, QueryResult } from '../hs2/connection.js';
import {
  metadataCalls,
  type ColumnsOptions,
  type CrossReferenceOptions,
  type FunctionsOptions,
  type MetadataCallOptions,
  type MetadataResult,
  type PrimaryKeysOptions,
  type SchemasOptions,
  type TablesOptions,
} from '../hs2/metadata.js';
import type {
  CatalogRow,
  ColumnRow,
  CrossReferenceRow,
  FunctionRow,
  PrimaryKeyRow,
  SchemaRow,
  TableRow,
  TableTypeRow,
  TypeInfoRow,
} from '../hs2/metadata-rows.js';
import type { Row } from '../hs2/row-set.js';
import type { StatementOptions } from '../hs2/statement-options.js';
import type { StatementParams } from '../sql/prepare.js';
import type { LeaseBinding } from './pipeline.js';
import type { LeaseTarget, StatementRunner } from './statement-runner.js';

/** A JDBC-style lease of one pooled HS2 session. Release it exactly once. */
export class PoolConnection {
  private released = false;
  private readonly target: LeaseTarget;

  /** @internal */
  constructor(
    private readonly runner: StatementRunner,
    private readonly binding: LeaseBinding,
    affinityKey: string | undefined,
    private readonly onRelease: (lease: PoolConnection) => void,
  ) {
    // The lease's affinity key rides along, so a lease that moves still keeps its key's coordinator.
    this.target = { binding, affinityKey };
  }

  /** `host:port` of the coordinator this session is on now. */
  get coordinator(): string {
    return this.binding.coordinator.id;
  }

  /** Whether release() was called. */
  get isReleased(): boolean {
    return this.released;
  }

  /** Runs a query in this session. */
  async query<R = Row>(sql: string, params?: StatementParams, options?: StatementOptions): Promise<QueryResult<R>> {
    this.assertUsable();
    return this.runner.query<R>(sql, params, options, this.target);
  }

  /** Runs a statement for its effect in this session. */
  async execute(sql: string, params?: StatementParams, options?: StatementOptions): Promise<ExecuteResult> {
    this.assertUsable();
    return this.runner.execute(sql, params, options, this.target);
  }

  /** Streams a query's rows in this session (see {@link ImpalaPool.stream}). */
  async *stream<R = Row>(sql: string, params?: StatementParams, options?: StatementOptions): AsyncGenerator<R, void, undefined> {
    this.assertUsable();
    yield* this.runner.stream<R>(sql, params, options, this.target);
  }

  /** JDBC `DatabaseMetaData.getCatalogs` (HS2 GetCatalogs) in this session; routed, retried and moved like its statements. */
  async getCatalogs(options?: MetadataCallOptions): Promise<MetadataResult<CatalogRow>> {
    this.assertUsable();
    return this.runner.metadata(metadataCalls.getCatalogs(options), undefined, this.target);
  }

  /** JDBC `DatabaseMetaData.getSchemas` (HS2 GetSchemas) in this session. */
  async getSchemas(options?: SchemasOptions): Promise<MetadataResult<SchemaRow>> {
    this.assertUsable();
    return this.runner.metadata(metadataCalls.getSchemas(options), undefined, this.target);
  }

  /** JDBC `DatabaseMetaData.getTables` (HS2 GetTables) in this session. */
  async getTables(options?: TablesOptions): Promise<MetadataResult<TableRow>> {
    this.assertUsable();
    return this.runner.metadata(metadataCalls.getTables(options), undefined, this.target);
  }

  /** JDBC `DatabaseMetaData.getTableTypes` (HS2 GetTableTypes) in this session. */
  async getTableTypes(options?: MetadataCallOptions): Promise<MetadataResult<TableTypeRow>> {
    this.assertUsable();
    return this.runner.metadata(metadataCalls.getTableTypes(options), undefined, this.target);
  }

  /** JDBC `DatabaseMetaData.getColumns` (HS2 GetColumns) in this session. */
  async getColumns(options?: ColumnsOptions): Promise<MetadataResult<ColumnRow>> {
    this.assertUsable();
    return this.runner.metadata(metadataCalls.getColumns(options), undefined, this.target);
  }

  /** JDBC `DatabaseMetaData.getFunctions` (HS2 GetFunctions) in this session. */
  async getFunctions(options: FunctionsOptions): Promise<MetadataResult<FunctionRow>> {
    this.assertUsable();
    return this.runner.metadata(metadataCalls.getFunctions(options), undefined, this.target);
  }

  /** JDBC `DatabaseMetaData.getTypeInfo` (HS2 GetTypeInfo) in this session. */
  async getTypeInfo(options?: MetadataCallOptions): Promise<MetadataResult<TypeInfoRow>> {
    this.assertUsable();
    return this.runner.metadata(metadataCalls.getTypeInfo(options), undefined, this.target);
  }

  /** JDBC `DatabaseMetaData.getPrimaryKeys` (HS2 GetPrimaryKeys) in this session. */
  async getPrimaryKeys(options: PrimaryKeysOptions): Promise<MetadataResult<PrimaryKeyRow>> {
    this.assertUsable();
    return this.runner.metadata(metadataCalls.getPrimaryKeys(options), undefined, this.target);
  }

  /** JDBC `DatabaseMetaData.getCrossReference` (HS2 GetCrossReference) in this session. */
  async getCrossReference(options?: CrossReferenceOptions): Promise<MetadataResult<CrossReferenceRow>> {
    this.assertUsable();
    return this.runner.metadata(metadataCalls.getCrossReference(options), undefined, this.target);
  }

  /**
   * Gives the session back. With an error, the connection is discarded
   * instead of reused.
   *
   * @throws AlreadyReleasedError when called a second time
   */
  release(err?: unknown): void {
    if (this.released) throw new AlreadyReleasedError();
    this.released = true;
    const conn = this.binding.conn;
    this.binding.conn = undefined;
    if (conn) this.binding.coordinator.release(conn, err);
    this.onRelease(this);
  }

  /** `await using conn = await pool.connect()` releases it at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.released) this.release();
  }

  /** Never shows credentials. */
  [inspect.custom](): string {
    return `PoolConnection { coordinator: '${this.coordinator}', released: ${this.released} }`;
  }

  /** Never shows credentials. */
  toJSON(): Record<string, unknown> {
    return { coordinator: this.coordinator, released: this.released };
  }

  private assertUsable(): void {
    if (this.released) throw new ClientClosedError('this pool connection was released', { statementSent: false });
  }
}
