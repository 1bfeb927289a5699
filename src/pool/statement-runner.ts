/**
 * The entry-point side of the {@link runStatement | statement pipeline}:
 * what the pool's `query`/`execute`/`stream` and a lease's do with the
 * caller's arguments before a statement takes the pipeline — check and bind
 * it, check the options, classify it, add the pool's query options, and make
 * the call's one deadline — and what they do after (dispose of it). Pool and
 * lease differ only in the {@link LeaseBinding} they pass.
 *
 * @module
 * @internal
 */
import { PoolClosedError } from '../errors.js';
import type { ExecuteResult, QueryResult } from '../hs2/connection.js';
import { StopCondition } from '../hs2/deadline.js';
import type { MetadataCall, MetadataResult } from '../hs2/metadata.js';
import type { Row } from '../hs2/row-set.js';
import { resolveStatementOptions, type ResolvedStatementOptions, type StatementOptions } from '../hs2/statement-options.js';
import { prepareStatement, type StatementParams } from '../sql/prepare.js';
import { classifyMetadata } from './metadata-routing.js';
import {
  openLease,
  poolQueryOptions,
  runStatement,
  streamStatement,
  type LeaseBinding,
  type PoolContext,
  type StatementCall,
} from './pipeline.js';

/** Per-statement options of the pool's calls. */
export interface PoolStatementOptions extends StatementOptions {
  /** Keeps statements with the same key on one coordinator (sticky routing). */
  affinityKey?: string;
}

/** What a metadata call on the pool takes besides the connection's options (see {@link ImpalaPool.getTables}). */
export interface AffinityOption {
  /** Keeps calls with the same key on one coordinator (sticky routing). */
  affinityKey?: string;
}

/** A lease as a statement's target: its session, and the affinity key it was opened with. */
export interface LeaseTarget {
  binding: LeaseBinding;
  affinityKey: string | undefined;
}

interface Prepared {
  text: string;
  so: ResolvedStatementOptions;
  call: StatementCall;
}

/** Runs statements for a pool and its leases. */
export class StatementRunner {
  constructor(
    private readonly ctx: PoolContext,
    private readonly defaultDatabase: string,
  ) {}

  /** Runs a query; see {@link ImpalaPool.query}. */
  async query<R = Row>(
    sql: string,
    params: StatementParams,
    options: PoolStatementOptions | undefined,
    lease?: LeaseTarget,
  ): Promise<QueryResult<R>> {
    const p = this.prepare(sql, params, options, lease, 'statement');
    try {
      return await runStatement(this.ctx, p.call, (conn, stop) => conn.runQuery<R>(p.text, p.so, stop));
    } finally {
      p.call.stop.dispose();
    }
  }

  /** Runs a statement for its effect; see {@link ImpalaPool.execute}. */
  async execute(
    sql: string,
    params: StatementParams,
    options: PoolStatementOptions | undefined,
    lease?: LeaseTarget,
  ): Promise<ExecuteResult> {
    const p = this.prepare(sql, params, options, lease, 'statement');
    try {
      return await runStatement(this.ctx, p.call, (conn, stop) => conn.runExecute(p.text, p.so, stop));
    } finally {
      p.call.stop.dispose();
    }
  }

  /** Streams a query's rows; see {@link ImpalaPool.stream}. */
  async *stream<R = Row>(
    sql: string,
    params: StatementParams,
    options: PoolStatementOptions | undefined,
    lease?: LeaseTarget,
  ): AsyncGenerator<R, void, undefined> {
    const p = this.prepare(sql, params, options, lease, 'stream');
    try {
      yield* streamStatement(this.ctx, p.call, (conn, stop) => conn.runStream<R>(p.text, p.so, stop));
    } finally {
      p.call.stop.dispose();
    }
  }

  /**
   * Runs a metadata call (getTables, …; see {@link ImpalaPool.getTables}):
   * through the same pipeline as a statement, routed and retried as an
   * idempotent read, under one deadline.
   */
  async metadata<R>(call: MetadataCall<R>, affinityKey: unknown, lease?: LeaseTarget): Promise<MetadataResult<R>> {
    if (this.ctx.isClosed()) throw new PoolClosedError();
    const key = lease ? lease.affinityKey : affinityKey;
    if (key !== undefined && typeof key !== 'string') throw new TypeError('option affinityKey must be a string');
    const stop = new StopCondition(call.so.signal, call.so.timeoutMs, 'metadata call', this.ctx.clock);
    const database = lease?.binding.state.database ?? this.defaultDatabase;
    const statement = classifyMetadata(call.verb, call.scope);
    try {
      return await runStatement(this.ctx, { statement, database, affinityKey: key, stop, lease: lease?.binding }, (conn, s) =>
        conn.runMetadata(call, s),
      );
    } finally {
      stop.dispose();
    }
  }

  /** Opens a lease's session on the coordinator routing picks (redispatching failed connects). */
  async open(affinityKey: string | undefined, options: Pick<StatementOptions, 'signal' | 'timeoutMs'>): Promise<LeaseBinding> {
    if (this.ctx.isClosed()) throw new PoolClosedError();
    const so = resolveStatementOptions(options);
    const stop = new StopCondition(so.signal, so.timeoutMs, 'connect', this.ctx.clock);
    try {
      return await openLease(this.ctx, { statement: undefined, database: this.defaultDatabase, affinityKey, stop });
    } finally {
      stop.dispose();
    }
  }

  private prepare(
    sql: string,
    params: StatementParams,
    options: PoolStatementOptions | undefined,
    lease: LeaseTarget | undefined,
    label: string,
  ): Prepared {
    if (this.ctx.isClosed()) throw new PoolClosedError();
    const { text, classification } = prepareStatement(sql, params);
    const so = resolveStatementOptions(options, lease ? [] : ['affinityKey']);
    const affinityKey = lease ? lease.affinityKey : options?.affinityKey;
    if (affinityKey !== undefined && typeof affinityKey !== 'string') throw new TypeError('option affinityKey must be a string');
    so.queryOptions = poolQueryOptions(this.ctx.options, classification, so.queryOptions);
    const stop = new StopCondition(so.signal, so.timeoutMs, label, this.ctx.clock);
    const database = lease?.binding.state.database ?? this.defaultDatabase;
    return { text, so, call: { statement: classification, database, affinityKey, stop, lease: lease?.binding } };
  }
}
