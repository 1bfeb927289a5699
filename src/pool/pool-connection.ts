/**
 * A leased HS2 session on one coordinator: what `pool.connect()` returns and
 * what `pool.session(fn)` hands to `fn`. Every statement runs in the same HS2
 * session on the same coordinator, so DDL and the statements that depend on
 * it see the same catalog (the seed's "run the DDL and subsequent queries
 * through the same session").
 *
 * When the session's connection turns out closed (server idle expiry, a
 * dropped socket, a restart), the lease reconnects — to the same coordinator
 * while it is healthy — replays USE and SET, and runs the statement, as long
 * as the retry rules allow (never a DML/DDL whose outcome is unknown).
 *
 * @module
 */
import { inspect } from 'node:util';
import { ClientClosedError, ImpalaError } from '../errors.js';
import type { ExecuteResult, Hs2Connection, QueryResult } from '../hs2/connection.js';
import type { Row } from '../hs2/row-set.js';
import { replayStatements, type SessionState } from '../hs2/session-state.js';
import type { StatementOptions } from '../hs2/statement-options.js';
import { bindParameters, type BindValue } from '../sql/bind.js';
import { classify, type Classification } from '../sql/classify.js';
import type { Coordinator } from './coordinator.js';
import { noteFailure, poolQueryOptions, retryReason, toImpalaError, type DispatchContext } from './dispatcher.js';

/** Picks and borrows a connection for a (re)connecting lease. */
export type Reacquire = (preferred: Coordinator | undefined, tried: ReadonlySet<string>) => Promise<{ coordinator: Coordinator; conn: Hs2Connection }>;

/** A JDBC-style lease of one pooled HS2 session. Release it exactly once. */
export class PoolConnection {
  private released = false;
  private state: SessionState;

  /** @internal */
  constructor(
    private readonly ctx: DispatchContext,
    private coord: Coordinator,
    private conn: Hs2Connection | undefined,
    private readonly reacquire: Reacquire,
    private readonly onRelease: () => void,
  ) {
    this.state = cloneState(conn!.sessionState);
  }

  /** `host:port` of the coordinator this session is on now. */
  get coordinator(): string {
    return this.coord.id;
  }

  /** Whether release() was called. */
  get isReleased(): boolean {
    return this.released;
  }

  /** Runs a query in this session. */
  query<R = Row>(sql: string, params?: readonly BindValue[], options?: StatementOptions): Promise<QueryResult<R>> {
    return this.run(sql, params, (conn, text, cls) => conn.query<R>(text, [], withPoolOptions(this.ctx, cls, options)));
  }

  /** Runs a statement for its effect in this session. */
  execute(sql: string, params?: readonly BindValue[], options?: StatementOptions): Promise<ExecuteResult> {
    return this.run(sql, params, (conn, text, cls) => conn.execute(text, [], withPoolOptions(this.ctx, cls, options)));
  }

  /** Streams a query's rows in this session (see Hs2Connection.stream). */
  async *stream<R = Row>(sql: string, params?: readonly BindValue[], options?: StatementOptions): AsyncGenerator<R, void, undefined> {
    const text = bindParameters(sql, params);
    const cls = classify(text);
    const conn = await this.ready();
    this.coord.running += 1;
    try {
      yield* conn.stream<R>(text, [], withPoolOptions(this.ctx, cls, options));
      this.coord.health.success();
    } catch (err) {
      noteFailure(this.ctx, this.coord, toImpalaError(err, this.coord.id));
      throw err;
    } finally {
      this.coord.running -= 1;
      this.state = cloneState(conn.sessionState);
    }
  }

  /**
   * Gives the session back. With an error, the connection is discarded
   * instead of reused. Releasing twice throws.
   */
  release(err?: unknown): void {
    if (this.released) throw new Error('this pool connection was already released');
    this.released = true;
    if (this.conn) this.coord.release(this.conn, err);
    this.conn = undefined;
    this.onRelease();
  }

  /** `await using conn = await pool.connect()` releases it at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.released) this.release();
  }

  /** Never shows credentials. */
  [inspect.custom](): string {
    return `PoolConnection { coordinator: '${this.coord.id}', released: ${this.released} }`;
  }

  private async run<T>(
    sql: string,
    params: readonly BindValue[] | undefined,
    op: (conn: Hs2Connection, text: string, cls: Classification) => Promise<T>,
  ): Promise<T> {
    const text = bindParameters(sql, params);
    const cls = classify(text);
    for (let attempt = 1; ; attempt++) {
      const conn = await this.ready();
      this.coord.running += 1;
      const started = performance.now();
      try {
        const result = await op(conn, text, cls);
        this.coord.recordStatement(performance.now() - started);
        this.coord.health.success();
        this.state = cloneState(conn.sessionState);
        if (this.ctx.options.ddl === 'pin') this.ctx.affinity.pinWrites(cls, this.state.database ?? 'default', this.coord.id);
        return result;
      } catch (raw) {
        if (raw instanceof TypeError) throw raw;
        const err = toImpalaError(raw, this.coord.id);
        retryReason(this.ctx, this.coord, err, cls, 0, attempt < this.ctx.options.maxAttempts);
        // The session's connection is suspect after any redispatchable failure: start afresh.
        this.discard(err);
      } finally {
        this.coord.running -= 1;
      }
    }
  }

  /** The open connection, reconnecting (with state replay) when it closed. */
  private async ready(): Promise<Hs2Connection> {
    if (this.released) throw new ClientClosedError('this pool connection was released', { statementSent: false });
    if (this.ctx.isClosed()) throw new ClientClosedError('the pool is closed', { statementSent: false });
    if (this.conn?.open) return this.conn;
    if (this.conn) this.discard(this.conn.closedReason);
    const reason = 'session connection closed';
    const tried = new Set<string>();
    for (;;) {
      const preferred = this.coord.health.eligible ? this.coord : undefined;
      const { coordinator, conn } = await this.reacquire(preferred, tried);
      tried.add(coordinator.id);
      try {
        for (const stmt of replayStatements(this.state)) await conn.execute(stmt);
      } catch (err) {
        coordinator.release(conn, err);
        if (err instanceof ImpalaError && err.code === 'IMPALA_SERVER') throw err;
        continue;
      }
      this.ctx.emit('reconnect', { coordinator: coordinator.id, reason });
      this.coord = coordinator;
      this.conn = conn;
      return conn;
    }
  }

  private discard(err: unknown): void {
    if (!this.conn) return;
    this.coord.release(this.conn, err ?? new ClientClosedError('discarded'));
    this.conn = undefined;
  }
}

function cloneState(s: SessionState): SessionState {
  return { database: s.database, options: { ...s.options } };
}

function withPoolOptions(ctx: DispatchContext, cls: Classification, options: StatementOptions | undefined): StatementOptions {
  const queryOptions = poolQueryOptions(ctx.options, cls, options?.queryOptions);
  return { ...options, queryOptions };
}

