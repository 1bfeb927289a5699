/**
 * One coordinator as the pool sees it: address and weight, a health state
 * machine, a generic-pool of HS2 connections, and the callers waiting for one.
 *
 * Waiting happens here, not in generic-pool: generic-pool cannot take back a
 * request whose caller left (an abort, a deadline, a failover), and keeps
 * creating connections for it. So each waiting caller is a {@link Waiter} in
 * this class's queue, which leaves at once when its call stops, and the
 * coordinator keeps exactly one short-lived generic-pool request per waiter
 * (renewed every {@link REQUEST_TTL_MS} while the waiter waits): a request
 * nobody wants is gone within that time, and `end()` never waits on one.
 * Connection creation goes through a {@link ConnectGate}, so a failing
 * coordinator is retried with backoff, not in a loop.
 *
 * @module
 */
import genericPool, { type Pool } from 'generic-pool';
import { inspect } from 'node:util';
import { ConnectError, ImpalaError, isConnectionFatal, PoolClosedError, RpcTimeoutError } from '../errors.js';
import { Hs2Connection } from '../hs2/connection.js';
import type { StopCondition } from '../hs2/deadline.js';
import { resolveConnectOptions, type ResolvedConnectOptions } from '../hs2/options.js';
import type { Clock, RandomSource } from '../util/clock.js';
import { ConnectGate, isGateReset } from './connect-gate.js';
import { HealthMachine, type HealthState, type HealthTransition } from './health-state.js';
import { LatencyWindow, PeakEwma } from './latency.js';
import type { ResolvedPoolOptions } from './options.js';
import type { Candidate } from './strategies/index.js';

/** Per-coordinator numbers in {@link ImpalaPool.stats}. */
export interface CoordinatorStats {
  /** `host:port`. */
  host: string;
  /** Health state. */
  state: HealthState;
  /** Relative capacity. */
  weight: number;
  /** Statements this pool has running there now. */
  inFlight: number;
  /** Open connections not lent out. */
  idle: number;
  /** Open connections. */
  open: number;
  /** Callers waiting for a connection. */
  waiting: number;
  /** Statements run there. */
  statements: number;
  /** Failures counted against it (connect, transport, protocol, silence). */
  errors: number;
  /** The last failure's message. */
  lastError?: string;
  /** Median statement latency in ms over recent statements. */
  p50Ms?: number;
  /** 99th percentile statement latency in ms over recent statements. */
  p99Ms?: number;
}

/**
 * How long one generic-pool request lives before it is renewed (ms). Short,
 * so that a request whose caller left disappears soon.
 */
export const REQUEST_TTL_MS = 250;

/** A statement running on a coordinator, as the pipeline tracks it. */
export interface RunningWork {
  /** Its connection, once it has one. */
  readonly conn: Hs2Connection | undefined;
  /** Stops it at once with `err`, without waiting for the answer its server owes. */
  abandon(err: ImpalaError): void;
}

interface Waiter {
  resolve(conn: Hs2Connection): void;
  reject(err: ImpalaError): void;
}

interface ConnectionInfo {
  /** Clock time after which the connection is replaced. */
  expiresAt: number;
  /** Clock time it was last given back (or made). */
  idleSince: number;
}

/** Events a coordinator reports to its pool. */
export interface CoordinatorEvents {
  health(coordinator: Coordinator, t: HealthTransition): void;
  reconnect(coordinator: Coordinator, reason: string): void;
}

/** A coordinator with its connections and health. */
export class Coordinator implements Candidate {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly weight: number;
  readonly health: HealthMachine;
  private statementCount = 0;
  private errorCount = 0;
  private readonly pool: Pool<Hs2Connection>;
  private readonly connectOptions: ResolvedConnectOptions;
  private readonly gate: ConnectGate;
  /** Statements (attempts) running here now; the pipeline adds and removes them. */
  private readonly active = new Set<RunningWork>();
  private readonly waiters = new Set<Waiter>();
  private requests = 0;
  private readonly info = new WeakMap<Hs2Connection, ConnectionInfo>();
  private readonly all = new Set<Hs2Connection>();
  /** Clock times of connects under way. */
  private readonly connecting = new Set<object>();
  private readonly counted = new WeakSet<object>();
  private readonly ewma: PeakEwma;
  private readonly window = new LatencyWindow();
  private closing = false;
  private idleWaiters: Array<() => void> = [];
  // Silence detection (see noteSilence): when each unanswered call or connect
  // was first seen, and the answers heard so far.
  private readonly firstSeen = new WeakMap<object, number>();
  private heardAt: number;
  private readonly answersSeen = new WeakMap<Hs2Connection, number>();
  private silentSince: number | undefined;

  constructor(
    address: { host: string; port: number; weight: number },
    private readonly options: ResolvedPoolOptions,
    private readonly events: CoordinatorEvents,
    private readonly clock: Clock,
    private readonly random: RandomSource,
  ) {
    this.host = address.host;
    this.port = address.port;
    this.weight = address.weight;
    this.id = `${address.host}:${address.port}`;
    this.heardAt = clock.now();
    this.connectOptions = resolveConnectOptions({ ...options.connection, host: address.host, port: address.port });
    this.ewma = new PeakEwma(clock);
    this.health = new HealthMachine(
      { rise: options.rise, fall: options.fall, ejectBaseMs: options.ejectBaseMs, ejectMaxMs: options.ejectMaxMs },
      clock,
      (t) => {
        // Back in rotation by health checks: connects need not wait out a backoff.
        if (t.to === 'up') this.gate.reset();
        events.health(this, t);
      },
    );
    this.gate = new ConnectGate(
      {
        connect: () => this.connect(),
        failed: (err) => this.onConnectFailure(err),
        wanted: () => this.waiters.size > 0 && !this.closing,
      },
      options.ejectMaxMs,
    );
    this.pool = genericPool.createPool<Hs2Connection>(
      {
        create: () => this.gate.create(),
        destroy: async (conn) => {
          this.all.delete(conn);
          await conn.close(this.options.healthCheckTimeoutMs);
        },
        validate: (conn) => this.validate(conn),
      },
      {
        max: options.maxConnectionsPerCoordinator,
        min: options.minConnectionsPerCoordinator,
        acquireTimeoutMillis: REQUEST_TTL_MS,
        testOnBorrow: true,
        idleTimeoutMillis: options.idleTimeoutMs,
        evictionRunIntervalMillis: Math.min(options.idleTimeoutMs, 30_000),
        autostart: options.minConnectionsPerCoordinator > 0,
      },
    );
    // Failures are reported by the gate, once each; generic-pool's own event
    // would count them again.
    this.pool.on('factoryCreateError', () => {});
  }

  /** Statements running here now. */
  get running(): number {
    return this.active.size;
  }

  /**
   * Load as strategies see it: statements running plus callers waiting for a
   * connection here — a coordinator with a queue is busy even if its
   * connections are all occupied by the same few statements.
   */
  get inFlight(): number {
    return this.active.size + this.waiters.size;
  }

  /** Peak-EWMA latency for `p2c`. */
  get latencyMs(): number {
    return this.ewma.estimate;
  }

  /** Statements run here. */
  get statements(): number {
    return this.statementCount;
  }

  /** Failures counted against this coordinator. */
  get errors(): number {
    return this.errorCount;
  }

  /** Whether new connections here are failing (in connect backoff). */
  get connectFailing(): boolean {
    return this.gate.failing;
  }

  /**
   * Whether this coordinator is judged silent: it owes answers and has said
   * nothing for the stall window. Cleared by its next answer.
   */
  get silent(): boolean {
    return this.silentSince !== undefined;
  }

  /** Counts a running statement (the pipeline's attempt) until {@link untrack}. */
  track(attempt: RunningWork): void {
    this.active.add(attempt);
  }

  /** Stops counting a statement. */
  untrack(attempt: RunningWork): void {
    this.active.delete(attempt);
    if (this.active.size === 0 && this.pool.borrowed === 0) this.wakeIdleWaiters();
  }

  /**
   * Borrows a connection (validated when it was idle long). Rejects when the
   * call stops (the waiter leaves the queue at once), after
   * `acquireTimeoutMs`, and with the connect error when a connection cannot
   * be made here.
   */
  acquire(stop?: StopCondition): Promise<Hs2Connection> {
    if (this.closing) return Promise.reject(new PoolClosedError());
    const stopped = stop?.reason;
    if (stopped) return Promise.reject(stopped);
    // Connects here are failing and the next try is not due: fail over now
    // rather than wait out the backoff.
    const refusal = this.gate.refusal;
    if (refusal) return Promise.reject(refusal);
    if (this.waiters.size >= this.options.maxWaitingPerCoordinator) {
      return Promise.reject(
        new ImpalaError(`${this.waiters.size} callers already wait for a connection to ${this.id} (maxWaitingPerCoordinator)`, 'IMPALA_ACQUIRE_TIMEOUT', {
          coordinator: this.id,
          statementSent: false,
        }),
      );
    }
    return new Promise<Hs2Connection>((resolve, reject) => {
      let detach = (): void => {};
      const timer = setTimeout(() => {
        leave();
        reject(
          new ImpalaError(`no connection to ${this.id} became free within ${this.options.acquireTimeoutMs} ms`, 'IMPALA_ACQUIRE_TIMEOUT', {
            coordinator: this.id,
            statementSent: false,
          }),
        );
      }, this.options.acquireTimeoutMs);
      timer.unref();
      const leave = (): void => {
        clearTimeout(timer);
        detach();
        this.waiters.delete(waiter);
      };
      const waiter: Waiter = {
        resolve: (conn) => {
          leave();
          resolve(conn);
        },
        reject: (err) => {
          leave();
          reject(err);
        },
      };
      this.waiters.add(waiter);
      if (stop) detach = stop.onStop(() => waiter.reject(stop.reason!));
      this.gate.wake();
      this.pump();
    });
  }

  /**
   * Returns a connection. It is retired instead of reused when it failed,
   * closed, outlived its lifetime, still waits for an answer, or a statement
   * changed its session state.
   */
  release(conn: Hs2Connection, err?: unknown): void {
    if (!this.pool.isBorrowedResource(conn)) return;
    const info = this.info.get(conn);
    const expired = (info?.expiresAt ?? Infinity) <= this.clock.now();
    // A server still owing an answer (a statement stopped while it was silent)
    // would hold the next borrower's calls behind that answer.
    const owed = conn.pendingCall !== undefined;
    if ((err !== undefined && isConnectionFatal(err)) || !conn.open || expired || conn.sessionChanged || owed || this.closing) {
      void this.pool.destroy(conn).catch(() => {});
    } else {
      if (info) info.idleSince = this.clock.now();
      void this.pool.release(conn).catch(() => {});
    }
    if (this.pool.borrowed === 0 && this.active.size === 0) this.wakeIdleWaiters();
  }

  /** Records a finished statement's latency. */
  recordStatement(ms: number): void {
    this.statementCount += 1;
    this.ewma.observe(ms);
    this.window.observe(ms);
  }

  /**
   * Counts a failure toward health. The same error object counts once,
   * whichever paths report it (a failed connect reaches the gate and every
   * caller waiting for it).
   */
  recordFailure(err: unknown): void {
    if (typeof err === 'object' && err !== null) {
      const cause = (err as { cause?: unknown }).cause;
      if (this.counted.has(err) || (typeof cause === 'object' && cause !== null && this.counted.has(cause))) return;
      this.counted.add(err);
    }
    this.errorCount += 1;
    this.health.failure(describeError(err));
  }

  /** A request or probe here succeeded. */
  recordSuccess(): void {
    this.heard();
    this.health.success();
  }

  /**
   * Looks for silence: called by the pool's watchdog. Returns true when this
   * coordinator has owed an answer (an RPC or a connect) for `stallMs` while
   * answering nothing at all; it then stays {@link silent} until it answers.
   */
  noteSilence(stallMs: number): boolean {
    const now = this.clock.now();
    let oldest = Infinity;
    let answered = false;
    for (const conn of this.all) {
      const count = conn.answerCount;
      if (count !== (this.answersSeen.get(conn) ?? 0)) {
        this.answersSeen.set(conn, count);
        answered = true;
      }
      const call = conn.pendingCall;
      if (call) oldest = Math.min(oldest, this.seen(call, now));
    }
    for (const c of this.connecting) oldest = Math.min(oldest, this.seen(c, now));
    if (answered) this.heard();
    if (oldest === Infinity || this.silentSince !== undefined) return false;
    if (now - Math.max(oldest, this.heardAt) < stallMs) return false;
    this.silentSince = now;
    return true;
  }

  /** The watchdog itself was held up (a blocked event loop): nobody's silence can be judged over that gap. */
  forgiveSilence(): void {
    if (this.silentSince === undefined) this.heardAt = this.clock.now();
  }

  /**
   * Gives up on every statement here that waits for an answer: each fails
   * at once with an RpcTimeoutError caused by `why` (counted toward health
   * once, with `why`), so reads run again elsewhere and DML reports an
   * unknown outcome, instead of waiting out `rpcTimeoutMs`.
   */
  abandonUnanswered(why: ImpalaError): void {
    for (const work of [...this.active]) {
      const call = work.conn?.pendingCall;
      if (!call) continue;
      const err = new RpcTimeoutError(`gave up on ${this.id} while ${call.method} waited for its answer: ${why.message}`, { coordinator: this.id, cause: why });
      work.abandon(err);
    }
  }

  /** Pings idle connections (keepalive); drops the ones that fail. */
  async keepalive(idleForMs: number): Promise<void> {
    const now = this.clock.now();
    for (const conn of [...this.all]) {
      const since = this.info.get(conn)?.idleSince ?? now;
      if (this.pool.isBorrowedResource(conn) || now - since < idleForMs) continue;
      await conn.ping(this.options.healthCheckTimeoutMs).catch(() => conn.destroy());
    }
  }

  /** Connections open now (borrowed or idle). */
  get openConnections(): number {
    return this.pool.size;
  }

  /** Numbers for stats(). */
  stats(): CoordinatorStats {
    const p50 = this.window.quantile(0.5);
    const p99 = this.window.quantile(0.99);
    return {
      host: this.id,
      state: this.health.state,
      weight: this.weight,
      inFlight: this.active.size,
      idle: this.pool.available,
      open: this.pool.size,
      waiting: this.waiters.size,
      statements: this.statementCount,
      errors: this.errorCount,
      ...(this.health.lastError ? { lastError: this.health.lastError } : {}),
      ...(p50 === undefined ? {} : { p50Ms: round(p50) }),
      ...(p99 === undefined ? {} : { p99Ms: round(p99) }),
    };
  }

  /** Closes the idle connections (a drained coordinator keeps none for later). */
  async closeIdle(): Promise<void> {
    await this.pool.clear().catch(() => {});
  }

  /**
   * Graceful: waits until no statement runs and every connection is back,
   * then closes them all, each within `healthCheckTimeoutMs`.
   */
  async end(): Promise<void> {
    this.closing = true;
    this.rejectWaiters(new PoolClosedError());
    if (this.pool.borrowed > 0 || this.active.size > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.shutDown();
  }

  /** Closes every connection now. */
  destroy(): void {
    this.closing = true;
    this.rejectWaiters(new PoolClosedError('the pool was destroyed'));
    this.gate.close();
    for (const conn of this.all) conn.destroy();
    this.all.clear();
    this.wakeIdleWaiters();
    void this.shutDown();
  }

  /** Never shows credentials: identity, state and counters only. */
  [inspect.custom](): string {
    return `Coordinator { id: '${this.id}', state: '${this.health.state}', inFlight: ${this.inFlight}, open: ${this.pool.size} }`;
  }

  /** Never shows credentials: identity, state and counters only. */
  toJSON(): Record<string, unknown> {
    return { id: this.id, weight: this.weight, state: this.health.state, inFlight: this.inFlight, latencyMs: this.latencyMs };
  }

  /** Keeps one generic-pool request per waiting caller. */
  private pump(): void {
    while (this.requests < this.waiters.size && !this.closing) {
      this.requests += 1;
      this.pool.acquire().then(
        (conn) => {
          this.requests -= 1;
          const first = this.waiters.values().next();
          if (first.done) void this.pool.release(conn).catch(() => {});
          else first.value.resolve(conn);
          this.pump();
        },
        (err: unknown) => {
          this.requests -= 1;
          // A request's TTL ran out (normal while connections are busy): renew it.
          if ((err as Error)?.name === 'TimeoutError') this.pump();
          else this.rejectWaiters(new PoolClosedError());
          if (this.requests === 0) this.wakeIdleWaiters();
        },
      );
    }
  }

  private async shutDown(): Promise<void> {
    // Requests still out expire within their TTL; only then will generic-pool drain.
    while (this.requests > 0) await new Promise((r) => setTimeout(r, REQUEST_TTL_MS / 5).unref());
    this.gate.close();
    await this.pool.drain().catch(() => {});
    await this.pool.clear().catch(() => {});
  }

  private async connect(): Promise<Hs2Connection> {
    const key = {};
    this.connecting.add(key);
    let conn: Hs2Connection;
    try {
      conn = await Hs2Connection.open(this.connectOptions);
    } finally {
      this.connecting.delete(key);
    }
    if (this.closing) {
      conn.destroy();
      throw new PoolClosedError();
    }
    this.heard();
    this.all.add(conn);
    const lifetime = this.options.maxLifetimeMs;
    const now = this.clock.now();
    // ±10% jitter so connections made together do not all expire together.
    const expiresAt = lifetime === 0 ? Infinity : now + lifetime * (0.9 + 0.2 * this.random());
    this.info.set(conn, { expiresAt, idleSince: now });
    conn.onClosed(() => this.all.delete(conn));
    return conn;
  }

  private onConnectFailure(raw: ImpalaError): void {
    if (isGateReset(raw) || this.closing) return;
    const err =
      raw.code === 'IMPALA_CONNECT_FAILED' || raw.code === 'IMPALA_CONNECT_TIMEOUT' || raw.code === 'IMPALA_AUTH'
        ? raw
        : new ConnectError(`connect to ${this.id} failed: ${raw.message}`, { coordinator: this.id, cause: raw });
    err.coordinator ??= this.id;
    this.recordFailure(err);
    // Everyone waiting here fails over now rather than wait out the backoff.
    this.rejectWaiters(err);
  }

  private async validate(conn: Hs2Connection): Promise<boolean> {
    if (!conn.open) {
      this.events.reconnect(this, conn.closedReason?.message ?? 'connection closed');
      return false;
    }
    const info = this.info.get(conn);
    const now = this.clock.now();
    if ((info?.expiresAt ?? Infinity) <= now) return false;
    if (now - (info?.idleSince ?? now) < this.options.validateAfterIdleMs) return true;
    try {
      await conn.ping(this.options.healthCheckTimeoutMs);
      return true;
    } catch (err) {
      this.events.reconnect(this, describeError(err));
      conn.destroy();
      return false;
    }
  }

  private seen(key: object, now: number): number {
    let t = this.firstSeen.get(key);
    if (t === undefined) {
      t = now;
      this.firstSeen.set(key, t);
    }
    return t;
  }

  private heard(): void {
    this.heardAt = this.clock.now();
    this.silentSince = undefined;
  }

  private rejectWaiters(err: ImpalaError): void {
    for (const w of [...this.waiters]) w.reject(err);
  }

  private wakeIdleWaiters(): void {
    for (const wake of this.idleWaiters.splice(0)) wake();
  }
}

function describeError(err: unknown): string {
  if (err instanceof ImpalaError) return `${err.code}: ${err.message}`;
  return String((err as Error)?.message ?? err);
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
