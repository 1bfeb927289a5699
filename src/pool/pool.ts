/**
 * ImpalaPool: the load balancer in your process. It spreads statements over
 * coordinators (leastconn by default), keeps DDL and its dependents together,
 * watches health actively and passively, validates idle connections, and
 * retries only what is safe to retry.
 *
 * @module
 */
import { EventEmitter } from 'node:events';
import { inspect } from 'node:util';
import { ImpalaError, PoolClosedError, RpcTimeoutError } from '../errors.js';
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
import type { StatementParams } from '../sql/prepare.js';
import { AffinityTable } from './affinity.js';
import { Coordinator, type CoordinatorStats } from './coordinator.js';
import { channels, publish, type DrainEvent, type PoolEventMap, type ReconnectEvent, type RetryEvent } from './events.js';
import { HealthChecker } from './health-checker.js';
import { parseAddress, type ParsedAddress } from './address.js';
import { resolvePoolOptions, type CoordinatorAddress, type PoolOptions, type ResolvedPoolOptions } from './options.js';
import type { PoolContext } from './pipeline.js';
import { PoolConnection } from './pool-connection.js';
import { RetryBudget } from './retry-budget.js';
import { Router } from './router.js';
import { StatementRunner, type AffinityOption, type PoolStatementOptions } from './statement-runner.js';
import { createStrategy } from './strategies/index.js';
import { debug } from '../util/debug-log.js';

export type { PoolStatementOptions, AffinityOption } from './statement-runner.js';

// The pool's metadata calls take an affinity key besides the connection's options.
const AFFINITY = ['affinityKey'];

/** Options of {@link ImpalaPool.session} and {@link ImpalaPool.connect}. */
export interface SessionOptions {
  /** Keeps sessions with the same key on one coordinator (the pool's `balance source`). */
  affinityKey?: string;
  /** Gives up waiting for the session's connection when it fires (AbortError). */
  signal?: AbortSignal;
  /** Longest wait for the session's connection, in ms (QueryTimeoutError). Default: `acquireTimeoutMs` per coordinator. */
  timeoutMs?: number;
}

/** What {@link ImpalaPool.stats} returns. */
export interface PoolStats {
  /** One entry per coordinator in the pool. */
  coordinators: CoordinatorStats[];
  /** Sessions/leases currently held by callers. */
  leases: number;
  /** Tables currently pinned to a coordinator after DDL/DML. */
  pinnedTables: number;
  /** Retries spent within the retry budget's window. */
  retriesInWindow: number;
}

/**
 * Creates a pool over the given coordinators.
 *
 * @param options - options, or an `impala://h1:21050,h2:21050/db?…` URL
 * @throws TypeError naming the first bad option
 */
export function createPool(options: PoolOptions | string): ImpalaPool {
  return new ImpalaPool(options);
}

/** A load-balancing pool of HS2 sessions over several Impala coordinators. */
export class ImpalaPool extends EventEmitter<PoolEventMap> {
  private readonly options: ResolvedPoolOptions;
  private readonly coordinatorList: Coordinator[] = [];
  private readonly affinity: AffinityTable;
  private readonly router: Router;
  private readonly budget: RetryBudget;
  private readonly checker: HealthChecker;
  private readonly ctx: PoolContext;
  private readonly runner: StatementRunner;
  private readonly leases = new Set<PoolConnection>();
  private closed = false;
  private ending: Promise<void> | undefined;

  /** @param options - see {@link PoolOptions}; prefer {@link createPool} */
  constructor(options: PoolOptions | string) {
    super();
    this.options = resolvePoolOptions(options);
    const o = this.options;
    this.affinity = new AffinityTable(
      { affinityTtlMs: o.affinityTtlMs, catalogPropagationMs: o.catalogPropagationMs, maxEntries: 10_000 },
      () => o.clock.now(),
    );
    const strategy = typeof o.strategy === 'string' ? createStrategy(o.strategy, o.random) : o.strategy;
    this.router = new Router(() => this.coordinatorList, strategy, this.affinity, o.ddl === 'pin');
    this.budget = new RetryBudget({ ratio: o.retryBudgetRatio, minPerSecond: o.retryBudgetMinPerSecond, windowMs: 10_000 }, o.clock);
    this.ctx = {
      options: o,
      router: this.router,
      affinity: this.affinity,
      budget: this.budget,
      clock: o.clock,
      emit: (event, ...args) => {
        logEvent(event, args[0]);
        this.emit(event, ...(args as never));
      },
      drain: (c, reason) => this.drainCoordinator(c, reason),
      isClosed: () => this.closed,
    };
    this.runner = new StatementRunner(this.ctx, o.connection.database ?? 'default');
    for (const address of o.coordinators) this.coordinatorList.push(this.makeCoordinator(address));
    this.checker = new HealthChecker(() => this.coordinatorList, o);
    this.checker.start();
  }

  /** Runs a query on a coordinator the pool picks; redispatches when that is safe. */
  async query<R = Row>(sql: string, params?: StatementParams, options?: PoolStatementOptions): Promise<QueryResult<R>> {
    return this.runner.query<R>(sql, params, options);
  }

  /** Runs a statement for its effect; DML/DDL never runs twice (OutcomeUnknownError when unsure). */
  async execute(sql: string, params?: StatementParams, options?: PoolStatementOptions): Promise<ExecuteResult> {
    return this.runner.execute(sql, params, options);
  }

  /**
   * Streams a query's rows with backpressure; breaking out cancels it. A
   * failure before the first row is redispatched like `query`; after rows
   * were delivered it is thrown.
   */
  async *stream<R = Row>(sql: string, params?: StatementParams, options?: PoolStatementOptions): AsyncGenerator<R, void, undefined> {
    yield* this.runner.stream<R>(sql, params, options);
  }

  /**
   * Runs `fn` with one HS2 session (sticky: see {@link PoolConnection} for
   * where it runs), released when `fn` settles — also when it throws.
   */
  async session<T>(fn: (session: PoolConnection) => Promise<T>, options?: SessionOptions): Promise<T> {
    if (typeof fn !== 'function') throw new TypeError('session(fn) needs a function');
    const lease = await this.connect(options);
    try {
      const result = await fn(lease);
      if (!lease.isReleased) lease.release();
      return result;
    } catch (err) {
      if (!lease.isReleased) lease.release(err instanceof ImpalaError ? err : undefined);
      throw err;
    }
  }

  /** Leases one HS2 session (JDBC style); call `release()` exactly once. */
  async connect(options?: SessionOptions): Promise<PoolConnection> {
    if (this.closed) throw new PoolClosedError();
    if (options !== undefined && (options === null || typeof options !== 'object'))
      throw new TypeError('session options must be an object');
    const { affinityKey, ...wait } = options ?? {};
    if (affinityKey !== undefined && typeof affinityKey !== 'string') throw new TypeError('option affinityKey must be a string');
    const binding = await this.runner.open(affinityKey, wait);
    const lease = new PoolConnection(this.runner, binding, affinityKey, (l) => this.leases.delete(l));
    this.leases.add(lease);
    return lease;
  }

  /**
   * JDBC `DatabaseMetaData.getCatalogs` (HS2 GetCatalogs) on a coordinator
   * the pool picks. Every metadata call of the pool goes through the same
   * pipeline as a statement: routed and retried as an idempotent read, with
   * the call's one deadline (`timeoutMs`, `signal`), and reported on
   * `impala-pool:statement` with impalad's operation name as the verb
   * (`GET_TABLES`, …). A call naming one table without wildcards
   * (`getColumns({ schemaPattern: 'sales', tablePattern: 'orders' })`)
   * goes to the coordinator that changed that table moments ago, as a
   * query of it would.
   */
  async getCatalogs(options?: MetadataCallOptions & AffinityOption): Promise<MetadataResult<CatalogRow>> {
    return this.runner.metadata(metadataCalls.getCatalogs(options, AFFINITY), options?.affinityKey);
  }

  /** JDBC `DatabaseMetaData.getSchemas` (HS2 GetSchemas); see {@link getCatalogs} for routing. */
  async getSchemas(options?: SchemasOptions & AffinityOption): Promise<MetadataResult<SchemaRow>> {
    return this.runner.metadata(metadataCalls.getSchemas(options, AFFINITY), options?.affinityKey);
  }

  /** JDBC `DatabaseMetaData.getTables` (HS2 GetTables); see {@link getCatalogs} for routing. */
  async getTables(options?: TablesOptions & AffinityOption): Promise<MetadataResult<TableRow>> {
    return this.runner.metadata(metadataCalls.getTables(options, AFFINITY), options?.affinityKey);
  }

  /** JDBC `DatabaseMetaData.getTableTypes` (HS2 GetTableTypes); see {@link getCatalogs} for routing. */
  async getTableTypes(options?: MetadataCallOptions & AffinityOption): Promise<MetadataResult<TableTypeRow>> {
    return this.runner.metadata(metadataCalls.getTableTypes(options, AFFINITY), options?.affinityKey);
  }

  /** JDBC `DatabaseMetaData.getColumns` (HS2 GetColumns); see {@link getCatalogs} for routing. */
  async getColumns(options?: ColumnsOptions & AffinityOption): Promise<MetadataResult<ColumnRow>> {
    return this.runner.metadata(metadataCalls.getColumns(options, AFFINITY), options?.affinityKey);
  }

  /** JDBC `DatabaseMetaData.getFunctions` (HS2 GetFunctions); see {@link getCatalogs} for routing. */
  async getFunctions(options: FunctionsOptions & AffinityOption): Promise<MetadataResult<FunctionRow>> {
    return this.runner.metadata(metadataCalls.getFunctions(options, AFFINITY), options?.affinityKey);
  }

  /** JDBC `DatabaseMetaData.getTypeInfo` (HS2 GetTypeInfo); see {@link getCatalogs} for routing. */
  async getTypeInfo(options?: MetadataCallOptions & AffinityOption): Promise<MetadataResult<TypeInfoRow>> {
    return this.runner.metadata(metadataCalls.getTypeInfo(options, AFFINITY), options?.affinityKey);
  }

  /** JDBC `DatabaseMetaData.getPrimaryKeys` (HS2 GetPrimaryKeys); see {@link getCatalogs} for routing. */
  async getPrimaryKeys(options: PrimaryKeysOptions & AffinityOption): Promise<MetadataResult<PrimaryKeyRow>> {
    return this.runner.metadata(metadataCalls.getPrimaryKeys(options, AFFINITY), options?.affinityKey);
  }

  /** JDBC `DatabaseMetaData.getCrossReference` (HS2 GetCrossReference); see {@link getCatalogs} for routing. */
  async getCrossReference(options?: CrossReferenceOptions & AffinityOption): Promise<MetadataResult<CrossReferenceRow>> {
    return this.runner.metadata(metadataCalls.getCrossReference(options, AFFINITY), options?.affinityKey);
  }

  /** Per-coordinator health, load and latency. */
  stats(): PoolStats {
    return {
      coordinators: this.coordinatorList.filter((c) => c.health.state !== 'removed').map((c) => c.stats()),
      leases: this.leases.size,
      pinnedTables: this.affinity.pinnedTables,
      retriesInWindow: this.budget.spent,
    };
  }

  /** Adds a coordinator at run time. */
  addCoordinator(address: string | CoordinatorAddress): void {
    if (this.closed) throw new PoolClosedError();
    const parsed = parseAddress(address, this.options.defaultPort, 'address', this.options.defaultHttpPort);
    const id = `${parsed.host}:${parsed.port}`;
    if (this.find(id)) throw new TypeError(`coordinator ${id} is already in the pool`);
    const c = this.makeCoordinator(parsed);
    this.coordinatorList.push(c);
    void this.checker.check(c);
  }

  /** Removes a coordinator: no new work; its in-flight work finishes; then its connections close. */
  async removeCoordinator(host: string): Promise<void> {
    const c = this.require(host);
    c.health.drain('removed by the application');
    this.affinity.forgetCoordinator(c.id);
    this.checker.forget(c);
    await c.end();
    c.health.remove();
    this.coordinatorList.splice(this.coordinatorList.indexOf(c), 1);
  }

  /** Stops sending new work to a coordinator; in-flight work finishes. `undrain` resumes it. */
  drain(host: string): void {
    this.drainCoordinator(this.require(host), 'drained by the application', false);
  }

  /** Lets a drained coordinator take work again. */
  undrain(host: string): void {
    this.require(host).health.endDrain('up', 'undrained by the application');
  }

  /** Graceful: waits for in-flight work and leases, then closes operations, sessions and sockets. */
  end(): Promise<void> {
    this.ending ??= (async () => {
      this.closed = true;
      // Probe connections and pooled ones close side by side, so a hung
      // coordinator costs one close timeout, not two.
      await Promise.all([this.checker.stop(), ...this.coordinatorList.map((c) => c.end())]);
      this.checker.stopWatching();
    })();
    return this.ending;
  }

  /** Immediate: drops every socket; pending calls fail. */
  destroy(): void {
    this.closed = true;
    this.checker.destroy();
    for (const c of this.coordinatorList) c.destroy();
  }

  /** `await using pool = createPool(…)` ends it at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.end();
  }

  /** Never shows credentials: what {@link stats} shows. */
  toJSON(): PoolStats {
    return this.stats();
  }

  /** Never shows credentials. */
  [inspect.custom](): string {
    return `ImpalaPool { coordinators: [${this.coordinatorList.map((c) => `'${c.id}' ${c.health.state}`).join(', ')}], closed: ${this.closed} }`;
  }

  private makeCoordinator(address: ParsedAddress): Coordinator {
    return new Coordinator(
      address,
      this.options,
      {
        health: (c, t) => {
          const event = { coordinator: c.id, from: t.from, to: t.to, reason: t.reason };
          publish(channels.health, () => event);
          if (debug.enabled) {
            // An ejection says how long it lasts: when the next probe may bring the coordinator back.
            const backoff =
              t.to === 'down' ? `; next probe in ${Math.max(0, Math.round(c.health.probeAt - this.options.clock.now()))} ms` : '';
            debug('coordinator %s %s -> %s: %s%s', c.id, t.from, t.to, t.reason, backoff);
          }
          if (t.to === 'down') {
            this.affinity.forgetCoordinator(c.id);
            // Taken out while serving (not a failed probe of one already out):
            // what waits on it now waits for nothing (HAProxy's
            // on-marked-down shutdown-sessions, but reads run again elsewhere).
            if (t.from !== 'probing') {
              c.abandonUnanswered(new RpcTimeoutError(t.reason, { coordinator: c.id }));
              this.emit('coordinatorDown', event);
            }
          } else if (t.to === 'up' && t.from !== 'suspect') {
            this.emit('coordinatorUp', event);
          }
        },
        reconnect: (c, reason) => this.ctx.emit('reconnect', { coordinator: c.id, reason }),
      },
      this.options.clock,
      this.options.random,
    );
  }

  private drainCoordinator(c: Coordinator, reason: string, untilIdle = true): void {
    if (c.health.state === 'draining' || c.health.state === 'removed') return;
    c.health.drain(reason);
    this.affinity.forgetCoordinator(c.id);
    this.ctx.emit('drain', { coordinator: c.id, reason });
    if (!untilIdle) return;
    // A coordinator that said it is shutting down: once its work is done, close
    // its idle sessions and let probes bring it back if it restarts.
    const timer = setInterval(() => {
      if (c.health.state !== 'draining') return clearInterval(timer);
      if (c.inFlight > 0) return;
      clearInterval(timer);
      void c.closeIdle();
      c.health.endDrain('down', 'drained after shutdown notice');
    }, 100);
    timer.unref();
  }

  private find(host: string): Coordinator | undefined {
    return this.coordinatorList.find((c) => c.id === host || c.host === host);
  }

  private require(host: string): Coordinator {
    const c = this.find(host);
    if (!c) throw new TypeError(`no coordinator ${host} in the pool`);
    return c;
  }
}

/**
 * The debug line of an event that is not a health transition (those are
 * logged where they happen, with their backoff). Payloads hold addresses,
 * codes and messages only, so the line can print them as they are.
 */
function logEvent<K extends keyof PoolEventMap>(event: K, payload: PoolEventMap[K][0]): void {
  if (!debug.enabled) return;
  if (event === 'retry') {
    const e = payload as RetryEvent;
    debug('retry: attempt %d on %s failed (%s: %s); running it again (%s)', e.attempt, e.coordinator, e.code, e.message, e.reason);
  } else if (event === 'reconnect') {
    const e = payload as ReconnectEvent;
    debug('reconnect: a connection to %s was replaced (%s)', e.coordinator, e.reason);
  } else if (event === 'drain') {
    const e = payload as DrainEvent;
    debug('drain: %s takes no new work (%s)', e.coordinator, e.reason);
  }
}
