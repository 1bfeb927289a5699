/**
 * One coordinator as the pool sees it: address and weight, a health state
 * machine, a generic-pool of HS2 connections, and counters.
 *
 * generic-pool leaves `acquire()` pending when the factory's create() fails
 * (it only retries on the next acquire or release). Here a failed create
 * rejects every caller waiting on this coordinator at once, with the connect
 * error, and counts toward the coordinator's health — never a hung acquire.
 *
 * @module
 */
import genericPool, { type Pool } from 'generic-pool';
import { ConnectError, ImpalaError, isConnectionFatal, RpcTimeoutError } from '../errors.js';
import { Hs2Connection } from '../hs2/connection.js';
import { resolveConnectOptions, type ResolvedConnectOptions } from '../hs2/options.js';
import type { Clock, RandomSource } from '../util/clock.js';
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
  /** Failures counted against it (connect, transport, protocol). */
  errors: number;
  /** The last failure's message. */
  lastError?: string;
  /** Median statement latency in ms over recent statements. */
  p50Ms?: number;
  /** 99th percentile statement latency in ms over recent statements. */
  p99Ms?: number;
}

interface Waiter {
  reject: (err: ImpalaError) => void;
}

interface ConnectionInfo {
  expiresAt: number;
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
  /** Statements running there now (set by whoever runs them). */
  running = 0;
  statements = 0;
  errors = 0;
  private readonly pool: Pool<Hs2Connection>;
  private readonly connectOptions: ResolvedConnectOptions;
  private readonly waiters = new Set<Waiter>();
  private readonly info = new WeakMap<Hs2Connection, ConnectionInfo>();
  private readonly all = new Set<Hs2Connection>();
  /** Start times (performance.now()) of connects under way. */
  private readonly connecting = new Set<number>();
  private readonly ewma: PeakEwma;
  private readonly window = new LatencyWindow();

  constructor(
    address: { host: string; port: number; weight: number },
    private readonly options: ResolvedPoolOptions,
    private readonly events: CoordinatorEvents,
    clock: Clock,
    private readonly random: RandomSource,
  ) {
    this.host = address.host;
    this.port = address.port;
    this.weight = address.weight;
    this.id = `${address.host}:${address.port}`;
    this.connectOptions = resolveConnectOptions({ ...options.connection, host: address.host, port: address.port });
    this.ewma = new PeakEwma(clock);
    this.health = new HealthMachine(
      { rise: options.rise, fall: options.fall, ejectBaseMs: options.ejectBaseMs, ejectMaxMs: options.ejectMaxMs },
      clock,
      (t) => events.health(this, t),
    );
    this.pool = genericPool.createPool<Hs2Connection>(
      {
        create: () => this.create(),
        destroy: async (conn) => {
          this.all.delete(conn);
          await conn.close();
        },
        validate: (conn) => this.validate(conn),
      },
      {
        max: options.maxConnectionsPerCoordinator,
        min: options.minConnectionsPerCoordinator,
        maxWaitingClients: options.maxWaitingPerCoordinator,
        acquireTimeoutMillis: options.acquireTimeoutMs,
        testOnBorrow: true,
        idleTimeoutMillis: options.idleTimeoutMs,
        evictionRunIntervalMillis: Math.min(options.idleTimeoutMs, 30_000),
        autostart: options.minConnectionsPerCoordinator > 0,
      },
    );
    this.pool.on('factoryCreateError', (err: unknown) => this.onCreateError(err));
  }

  /**
   * Load as strategies see it: statements running plus callers waiting for a
   * connection here — a coordinator with a queue is busy even if its
   * connections are all occupied by the same few statements.
   */
  get inFlight(): number {
    return this.running + this.waiters.size;
  }

  /**
   * How long, in ms, this coordinator has left a request unanswered while
   * answering nothing else; 0 when it is idle or answering. A healthy impalad
   * answers status polls and pings in milliseconds even while it plans or runs
   * long statements, so silence with work outstanding means it hangs — seen
   * here long before a TCP check or an RPC timeout would.
   */
  stalledMs(now = performance.now()): number {
    let oldest = Infinity;
    let lastAnswer = 0;
    for (const conn of this.all) {
      const call = conn.pendingCall;
      if (call) oldest = Math.min(oldest, call.sentAt);
      lastAnswer = Math.max(lastAnswer, conn.lastAnswerAt);
    }
    for (const started of this.connecting) oldest = Math.min(oldest, started);
    if (oldest === Infinity) return 0;
    return Math.max(0, now - Math.max(oldest, lastAnswer));
  }

  /** Peak-EWMA latency for `p2c`. */
  get latencyMs(): number {
    return this.ewma.estimate;
  }

  /**
   * Borrows a connection (validated when it was idle long). Rejects promptly
   * with the connect error when connections cannot be made.
   */
  acquire(): Promise<Hs2Connection> {
    return new Promise<Hs2Connection>((resolve, reject) => {
      let settled = false;
      const waiter: Waiter = {
        reject: (err) => {
          if (settled) return;
          settled = true;
          this.waiters.delete(waiter);
          reject(err);
        },
      };
      this.waiters.add(waiter);
      this.pool.acquire().then(
        (conn) => {
          this.waiters.delete(waiter);
          // A caller already given an error: hand the connection back.
          if (settled) void this.pool.release(conn);
          else {
            settled = true;
            resolve(conn);
          }
        },
        (err: unknown) =>
          waiter.reject(
            err instanceof ImpalaError
              ? err
              : new ImpalaError(`no connection to ${this.id} within ${this.options.acquireTimeoutMs} ms (${(err as Error)?.message ?? err})`, 'IMPALA_ACQUIRE_TIMEOUT', {
                  coordinator: this.id,
                  statementSent: false,
                  cause: err,
                }),
          ),
      );
    });
  }

  /**
   * Returns a connection. It is destroyed instead of reused when it failed,
   * closed, outlived its lifetime, still waits for an answer, or a statement
   * changed its session state.
   */
  release(conn: Hs2Connection, err?: unknown): void {
    if (!this.pool.isBorrowedResource(conn)) return;
    const expired = (this.info.get(conn)?.expiresAt ?? Infinity) <= Date.now();
    const dirty = conn.sessionChanged;
    // A server still owing an answer (a statement stopped while it was silent)
    // would hold the next borrower's calls behind that answer.
    const owed = conn.pendingCall !== undefined;
    if ((err !== undefined && isConnectionFatal(err)) || !conn.open || expired || dirty || owed) {
      void this.pool.destroy(conn).catch(() => {});
    } else {
      void this.pool.release(conn).catch(() => {});
    }
  }

  /** Records a finished statement's latency and outcome. */
  recordStatement(ms: number): void {
    this.statements += 1;
    this.ewma.observe(ms);
    this.window.observe(ms);
  }

  /** Counts a transport-level failure toward health. */
  recordFailure(err: unknown): void {
    this.errors += 1;
    this.health.failure(describeError(err));
  }

  /**
   * Gives up on every request this coordinator has left unanswered, by
   * dropping the connections they wait on: each fails with an RpcTimeoutError,
   * so reads run again elsewhere and DML reports an unknown outcome, instead
   * of waiting out `rpcTimeoutMs` on a coordinator the pool took out.
   *
   * @param why - why it was taken out
   */
  abandonUnanswered(why: string): void {
    for (const conn of [...this.all]) {
      const call = conn.pendingCall;
      if (!call) continue;
      conn.destroy(
        new RpcTimeoutError(`${this.id} was taken out of the pool (${why}) while ${call.method} waited for its answer; gave up waiting`, { coordinator: this.id }),
      );
    }
  }

  /** Pings idle connections (keepalive); drops the ones that fail. */
  async keepalive(idleForMs: number): Promise<void> {
    const now = performance.now();
    for (const conn of [...this.all]) {
      if (this.pool.isBorrowedResource(conn) || now - conn.lastAnswerAt < idleForMs) continue;
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
      inFlight: this.running,
      idle: this.pool.available,
      open: this.pool.size,
      waiting: this.waiters.size,
      statements: this.statements,
      errors: this.errors,
      ...(this.health.lastError ? { lastError: this.health.lastError } : {}),
      ...(p50 === undefined ? {} : { p50Ms: round(p50) }),
      ...(p99 === undefined ? {} : { p99Ms: round(p99) }),
    };
  }

  /** Closes the idle connections (a drained coordinator keeps none for later). */
  async closeIdle(): Promise<void> {
    await this.pool.clear().catch(() => {});
  }

  /** Waits for lent connections to come back, then closes all (graceful). */
  async end(): Promise<void> {
    await this.pool.drain();
    await this.pool.clear();
  }

  /** Closes every connection now. */
  destroy(): void {
    for (const w of [...this.waiters]) w.reject(new ImpalaError(`the pool was destroyed`, 'IMPALA_POOL_CLOSED', { coordinator: this.id, statementSent: false }));
    for (const conn of this.all) conn.destroy();
    this.all.clear();
    void this.pool.drain().then(() => this.pool.clear()).catch(() => {});
  }

  private async create(): Promise<Hs2Connection> {
    // A unique key per attempt, so two connects started in the same tick both count.
    let started = performance.now();
    while (this.connecting.has(started)) started += 1e-6;
    this.connecting.add(started);
    let conn: Hs2Connection;
    try {
      conn = await Hs2Connection.open(this.connectOptions);
    } finally {
      this.connecting.delete(started);
    }
    this.all.add(conn);
    const lifetime = this.options.maxLifetimeMs;
    // ±10% jitter so connections made together do not all expire together.
    const expiresAt = lifetime === 0 ? Infinity : Date.now() + lifetime * (0.9 + 0.2 * this.random());
    this.info.set(conn, { expiresAt });
    conn.onClosed(() => this.all.delete(conn));
    return conn;
  }

  private async validate(conn: Hs2Connection): Promise<boolean> {
    if (!conn.open) {
      this.events.reconnect(this, conn.closedReason?.message ?? 'connection closed');
      return false;
    }
    if ((this.info.get(conn)?.expiresAt ?? Infinity) <= Date.now()) return false;
    if (performance.now() - conn.lastAnswerAt < this.options.validateAfterIdleMs) return true;
    try {
      await conn.ping(this.options.healthCheckTimeoutMs);
      return true;
    } catch (err) {
      this.events.reconnect(this, describeError(err));
      conn.destroy();
      return false;
    }
  }

  private onCreateError(err: unknown): void {
    const e =
      err instanceof ImpalaError
        ? err
        : new ConnectError(`connect to ${this.id} failed: ${(err as Error)?.message ?? String(err)}`, { coordinator: this.id, cause: err });
    e.statementSent = false;
    e.coordinator ??= this.id;
    this.recordFailure(e);
    for (const w of [...this.waiters]) w.reject(e);
  }
}

function describeError(err: unknown): string {
  if (err instanceof ImpalaError) return `${err.code}: ${err.message}`;
  return String((err as Error)?.message ?? err);
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
