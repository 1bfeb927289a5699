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
import { ImpalaError, NoHealthyCoordinatorError, PoolClosedError, type AttemptFailure } from '../errors.js';
import type { ExecuteResult, Hs2Connection, QueryResult } from '../hs2/connection.js';
import type { Row } from '../hs2/row-set.js';
import { resolveStatementOptions, type StatementOptions } from '../hs2/statement-options.js';
import { bindParameters, type BindValue } from '../sql/bind.js';
import { classify } from '../sql/classify.js';
import { AffinityTable } from './affinity.js';
import { Coordinator, type CoordinatorStats } from './coordinator.js';
import { announceRetry, Attempts, dispatch, noteFailure, poolQueryOptions, toImpalaError, type DispatchContext } from './dispatcher.js';
import { channels, publish, type PoolEventMap } from './events.js';
import { HealthChecker } from './health-checker.js';
import { parseAddress, resolvePoolOptions, type CoordinatorAddress, type PoolOptions, type ResolvedPoolOptions } from './options.js';
import { PoolConnection } from './pool-connection.js';
import { RetryBudget } from './retry-budget.js';
import { Router } from './router.js';
import { createStrategy } from './strategies/index.js';

/** Per-statement options of the pool's calls. */
export interface PoolStatementOptions extends StatementOptions {
  /** Keeps statements with the same key on one coordinator (sticky routing). */
  affinityKey?: string;
}

/** Options of {@link ImpalaPool.session} and {@link ImpalaPool.connect}. */
export interface SessionOptions {
  /** Keeps sessions with the same key on one coordinator (the pool's `balance source`). */
  affinityKey?: string;
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
  private readonly ctx: DispatchContext;
  private readonly leases = new Set<PoolConnection>();
  private closed = false;
  private ending: Promise<void> | undefined;

  /** @param options - see {@link PoolOptions}; prefer {@link createPool} */
  constructor(options: PoolOptions | string) {
    super();
    this.options = resolvePoolOptions(options);
    const o = this.options;
    this.affinity = new AffinityTable({ affinityTtlMs: o.affinityTtlMs, catalogPropagationMs: o.catalogPropagationMs, maxEntries: 10_000 });
    const strategy = typeof o.strategy === 'string' ? createStrategy(o.strategy, o.random) : o.strategy;
    this.router = new Router(() => this.coordinatorList, strategy, this.affinity, o.ddl === 'pin', o.healthCheckTimeoutMs);
    this.budget = new RetryBudget({ ratio: o.retryBudgetRatio, minPerSecond: o.retryBudgetMinPerSecond, windowMs: 10_000 }, o.clock);
    this.ctx = {
      options: o,
      router: this.router,
      affinity: this.affinity,
      budget: this.budget,
      emit: (event, ...args) => this.emit(event, ...(args as never)),
      drain: (c, reason) => this.drainCoordinator(c, reason),
      isClosed: () => this.closed,
    };
    for (const address of o.coordinators) this.coordinatorList.push(this.makeCoordinator(address));
    this.checker = new HealthChecker(() => this.coordinatorList, o);
    this.checker.start();
  }

  /** Runs a query on a coordinator the pool picks; redispatches when that is safe. */
  async query<R = Row>(sql: string, params?: readonly BindValue[], options?: PoolStatementOptions): Promise<QueryResult<R>> {
    const { text, statement, so, affinityKey } = this.prepare(sql, params, options);
    return dispatch(this.ctx, { statement, database: this.database, affinityKey }, (conn) => conn.query<R>(text, [], so));
  }

  /** Runs a statement for its effect; DML/DDL never runs twice (OutcomeUnknownError when unsure). */
  async execute(sql: string, params?: readonly BindValue[], options?: PoolStatementOptions): Promise<ExecuteResult> {
    const { text, statement, so, affinityKey } = this.prepare(sql, params, options);
    return dispatch(this.ctx, { statement, database: this.database, affinityKey }, (conn) => conn.execute(text, [], so));
  }

  /**
   * Streams a query's rows with backpressure; breaking out cancels it. A
   * failure before the first row is redispatched like `query`; after rows
   * were delivered it is thrown.
   */
  async *stream<R = Row>(sql: string, params?: readonly BindValue[], options?: PoolStatementOptions): AsyncGenerator<R, void, undefined> {
    const { text, statement, so, affinityKey } = this.prepare(sql, params, options);
    const attempts = new Attempts(this.ctx, { statement, database: this.database, affinityKey });
    let delivered = 0;
    for (let a = attempts.next(); a; a = attempts.next()) {
      let settled = false;
      try {
        const conn = await attempts.begin(a);
        for await (const row of conn.stream<R>(text, [], so)) {
          delivered += 1;
          yield row;
        }
        settled = true;
        attempts.succeeded(a, false);
        return;
      } catch (raw) {
        settled = true;
        attempts.failed(a, raw, delivered);
      } finally {
        // The caller broke out: conn.stream has cancelled and closed by then.
        if (!settled) attempts.abandoned(a);
      }
    }
    throw attempts.exhausted();
  }

  /**
   * Runs `fn` with one HS2 session on one coordinator (sticky), released
   * when `fn` settles — also when it throws.
   */
  async session<T>(fn: (session: PoolConnection) => Promise<T>, options?: SessionOptions): Promise<T> {
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
    const affinityKey = options?.affinityKey;
    if (affinityKey !== undefined && typeof affinityKey !== 'string') throw new TypeError('option affinityKey must be a string');
    const reacquire = (preferred: Coordinator | undefined, tried: ReadonlySet<string>) => this.acquireFor(preferred, affinityKey, tried);
    const { coordinator, conn } = await reacquire(undefined, new Set());
    const lease: PoolConnection = new PoolConnection(this.ctx, coordinator, conn, reacquire, () => this.leases.delete(lease));
    this.leases.add(lease);
    return lease;
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
    const parsed = parseAddress(address, this.options.coordinators[0]?.port ?? 21050, 'address');
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
      await this.checker.stop();
      await Promise.all(this.coordinatorList.map((c) => c.end()));
    })();
    return this.ending;
  }

  /** Immediate: drops every socket; pending calls fail. */
  destroy(): void {
    this.closed = true;
    void this.checker.stop();
    for (const c of this.coordinatorList) c.destroy();
  }

  /** `await using pool = createPool(…)` ends it at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.end();
  }

  /** Never shows credentials. */
  [inspect.custom](): string {
    return `ImpalaPool { coordinators: [${this.coordinatorList.map((c) => `'${c.id}' ${c.health.state}`).join(', ')}], closed: ${this.closed} }`;
  }

  private get database(): string {
    return this.options.connection.database ?? 'default';
  }

  private prepare(sql: string, params: readonly BindValue[] | undefined, options: PoolStatementOptions | undefined) {
    if (this.closed) throw new PoolClosedError();
    if (typeof sql !== 'string') throw new TypeError('sql must be a string');
    const { affinityKey, ...rest } = options ?? {};
    if (affinityKey !== undefined && typeof affinityKey !== 'string') throw new TypeError('option affinityKey must be a string');
    resolveStatementOptions(rest);
    const text = bindParameters(sql, params);
    const statement = classify(text);
    const so: StatementOptions = { ...rest, queryOptions: poolQueryOptions(this.options, statement, rest.queryOptions) };
    return { text, statement, so, affinityKey };
  }

  /** Borrows a connection for a lease: the preferred coordinator first, else a routed one, with redispatch. */
  private async acquireFor(preferred: Coordinator | undefined, affinityKey: string | undefined, alreadyTried: ReadonlySet<string>): Promise<{ coordinator: Coordinator; conn: Hs2Connection }> {
    const tried = new Set(alreadyTried);
    const failures: AttemptFailure[] = [];
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt++) {
      if (this.closed) throw new PoolClosedError();
      const coordinator =
        preferred && !tried.has(preferred.id) && preferred.health.eligible
          ? preferred
          : this.router.route({ database: this.database, affinityKey, exclude: tried })?.coordinator;
      if (!coordinator) break;
      tried.add(coordinator.id);
      try {
        return { coordinator, conn: await coordinator.acquire() };
      } catch (raw) {
        const err = toImpalaError(raw, coordinator.id);
        noteFailure(this.ctx, coordinator, err);
        failures.push({ coordinator: coordinator.id, code: err.code, message: err.message });
        announceRetry(this.ctx, { coordinator: coordinator.id, attempt, code: err.code, message: err.message, reason: 'connect failed' });
      }
    }
    throw new NoHealthyCoordinatorError(failures, { statementSent: false });
  }

  private makeCoordinator(address: { host: string; port: number; weight: number }): Coordinator {
    return new Coordinator(
      address,
      this.options,
      {
        health: (c, t) => {
          const event = { coordinator: c.id, from: t.from, to: t.to, reason: t.reason };
          publish(channels.health, () => event);
          if (t.to === 'down') {
            this.affinity.forgetCoordinator(c.id);
            // Taken out while serving (not a failed probe of one already out):
            // what waits on it now waits for nothing (HAProxy's
            // on-marked-down shutdown-sessions, but reads run again elsewhere).
            if (t.from !== 'probing') {
              c.abandonUnanswered(t.reason);
              this.emit('coordinatorDown', event);
            }
          } else if (t.to === 'up' && t.from !== 'suspect') {
            this.emit('coordinatorUp', event);
          }
        },
        reconnect: (c, reason) => this.emit('reconnect', { coordinator: c.id, reason }),
      },
      this.options.clock,
      this.options.random,
    );
  }

  private drainCoordinator(c: Coordinator, reason: string, untilIdle = true): void {
    if (c.health.state === 'draining' || c.health.state === 'removed') return;
    c.health.drain(reason);
    this.affinity.forgetCoordinator(c.id);
    this.emit('drain', { coordinator: c.id, reason });
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
