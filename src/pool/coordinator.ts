/**
 * One coordinator as the pool sees it: address and weight, a health state
 * machine, a generic-pool of HS2 connections, the callers waiting for one
 * ({@link WaitingLine}), connection creation with backoff
 * ({@link ConnectGate}), and its silence ({@link Silence}).
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
import type { ParsedAddress } from './address.js';
import { ConnectGate, isGateReset } from './connect-gate.js';
import { HealthMachine, type HealthState, type HealthTransition } from './health-state.js';
import { AnswerLatency, LatencyWindow, PACE_CALLS } from './latency.js';
import { serverErrorKind } from './server-error-kind.js';
import { Silence } from './silence.js';
import { debug } from '../util/debug-log.js';
import { REQUEST_TTL_MS, WaitingLine } from './waiting-line.js';
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
  /** How fast it answers calls that do not wait for a statement's work, in ms (the balancing signal; absent until known). */
  answerMs?: number;
}

/** A statement running on a coordinator, as the pipeline tracks it. */
export interface RunningWork {
  /** Its connection, once it has one. */
  readonly conn: Hs2Connection | undefined;
  /** Stops it at once with `err`, without waiting for the answer its server owes. */
  abandon(err: ImpalaError): void;
}

interface ConnectionInfo {
  /** Clock time after which the connection is replaced. */
  expiresAt: number;
  /** Clock time it was last given back (or made). */
  idleSince: number;
  /** How long it had been idle when it was last lent out, in ms. */
  idleBeforeBorrow: number;
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
  /**
   * How this coordinator's connections open (the pool's connection options,
   * its address, its own transport); health checks open theirs the same way.
   *
   * @internal
   */
  readonly connectOptions: ResolvedConnectOptions;
  private readonly gate: ConnectGate;
  /** Statements (attempts) running here now; the pipeline adds and removes them. */
  private readonly active = new Set<RunningWork>();
  private readonly line: WaitingLine;
  private readonly info = new WeakMap<Hs2Connection, ConnectionInfo>();
  private readonly all = new Set<Hs2Connection>();
  /** Clock times of connects under way. */
  private readonly connecting = new Set<object>();
  private readonly counted = new WeakSet<object>();
  private readonly pace: AnswerLatency;
  private readonly window = new LatencyWindow();
  private closing = false;
  /** Idle time past which a connection is validated, learned from server session expiry (see learnIdleLimit). */
  private idleLimitMs = Infinity;
  private idleWaiters: Array<() => void> = [];
  private readonly silence: Silence;

  constructor(
    address: ParsedAddress,
    private readonly options: ResolvedPoolOptions,
    private readonly events: CoordinatorEvents,
    private readonly clock: Clock,
    private readonly random: RandomSource,
  ) {
    this.host = address.host;
    this.port = address.port;
    this.weight = address.weight;
    this.id = `${address.host}:${address.port}`;
    this.silence = new Silence(clock);
    this.connectOptions = resolveConnectOptions({
      ...options.connection,
      host: address.host,
      port: address.port,
      ...(address.transport ? { transport: address.transport } : {}),
      // A fetch the server holds for rows must be answered well inside the
      // stall window, or a busy coordinator would look hung; 0 (wait as long
      // as it takes) is no exception.
      fetchRowsTimeoutMs: fetchWaitWithin(options.connection.fetchRowsTimeoutMs ?? 100, options.healthCheckTimeoutMs),
    });
    this.pace = new AnswerLatency(clock);
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
        wanted: () => this.line.size > 0 && !this.closing,
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
    this.line = new WaitingLine(
      this.pool,
      { coordinator: this.id, acquireTimeoutMs: options.acquireTimeoutMs, maxWaiting: options.maxWaitingPerCoordinator },
      () => this.gate.wake(),
      (conn) => this.release(conn),
    );
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
    return this.active.size + this.line.size;
  }

  /** How fast it answers RPCs that do not wait for a statement's work, in ms (the balancing signal). */
  get latencyMs(): number {
    return this.pace.estimate;
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
    return this.silence.silent;
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
    return this.line.wait(stop);
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
    const owed = conn.owesAnswer;
    // The server dropped the session (its idle timeout): the connection is
    // useless, and any other left idle about as long is probably gone too.
    const sessionGone = err !== undefined && serverErrorKind(err) === 'session-gone';
    if (sessionGone && info) this.learnIdleLimit(info.idleBeforeBorrow);
    if (
      (err !== undefined && isConnectionFatal(err)) ||
      sessionGone ||
      !conn.open ||
      expired ||
      conn.sessionChanged ||
      owed ||
      this.closing
    ) {
      void this.pool.destroy(conn).catch(() => {});
    } else {
      if (info) info.idleSince = this.clock.now();
      void this.pool.release(conn).catch(() => {});
    }
    if (this.pool.borrowed === 0 && this.active.size === 0) this.wakeIdleWaiters();
  }

  /** Records a finished statement's latency (for stats). */
  recordStatement(ms: number): void {
    this.statementCount += 1;
    this.window.observe(ms);
  }

  /** Records how long one RPC took to be answered; only pace calls feed the balancing signal. */
  recordAnswer(method: string, ms: number): void {
    if (PACE_CALLS.has(method)) this.pace.observe(ms);
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
    this.silence.heard();
    this.health.success();
  }

  /**
   * Looks for silence: called by the pool's watchdog. Returns true when this
   * coordinator has owed an answer (an RPC or a connect) for `stallMs` while
   * answering nothing at all; it then stays {@link silent} until it answers.
   */
  noteSilence(stallMs: number): boolean {
    return this.silence.look(this.outstanding(), stallMs);
  }

  /** How long, in ms, this coordinator has owed an answer while saying nothing (0 when it owes none). */
  owedMs(): number {
    return this.silence.owedFor(this.outstanding());
  }

  /** What this coordinator owes answers to: calls in flight and connects under way. */
  private outstanding(): object[] {
    const outstanding: object[] = [...this.connecting];
    for (const conn of this.all) {
      const call = conn.pendingCall;
      if (call) outstanding.push(call);
    }
    return outstanding;
  }

  /** The watchdog itself was held up (a blocked event loop): nobody's silence can be judged over that gap. */
  forgiveSilence(): void {
    this.silence.forgive();
  }

  /**
   * Gives up on every statement here that waits for an answer, and on every
   * caller waiting for a connection: each fails at once with an
   * RpcTimeoutError caused by `why` (counted toward health once, with
   * `why`), so reads run again elsewhere, DML reports an unknown outcome, and
   * waiting callers go elsewhere, instead of waiting out `rpcTimeoutMs` or
   * `connectTimeoutMs`.
   */
  abandonUnanswered(why: ImpalaError): void {
    // `why` stands for a failure already counted (the silence, or what took
    // this coordinator out); the errors made from it below must not count again.
    this.counted.add(why);
    // Callers waiting for a connection here would wait on connects it will not answer either.
    if (this.line.size > 0) {
      const err = new RpcTimeoutError(`gave up waiting for a connection to ${this.id}: ${why.message}`, {
        coordinator: this.id,
        cause: why,
        statementSent: false,
      });
      this.line.rejectAll(err);
    }
    for (const work of [...this.active]) {
      const call = work.conn?.pendingCall;
      if (!call) continue;
      const err = new RpcTimeoutError(`gave up on ${this.id} while ${call.method} waited for its answer: ${why.message}`, {
        coordinator: this.id,
        cause: why,
      });
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
      // generic-pool's size also counts connects still under way or waiting out a backoff.
      open: this.all.size,
      waiting: this.line.size,
      statements: this.statementCount,
      errors: this.errorCount,
      ...(this.health.lastError ? { lastError: this.health.lastError } : {}),
      ...(p50 === undefined ? {} : { p50Ms: round(p50) }),
      ...(p99 === undefined ? {} : { p99Ms: round(p99) }),
      ...(this.pace.estimate > 0 ? { answerMs: round(this.pace.estimate) } : {}),
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
    const lineClosed = this.line.close(new PoolClosedError());
    if (this.pool.borrowed > 0 || this.active.size > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await lineClosed;
    await this.shutDown();
  }

  /** Closes every connection now. */
  destroy(): void {
    this.closing = true;
    const lineClosed = this.line.close(new PoolClosedError('the pool was destroyed'));
    this.gate.close();
    for (const conn of this.all) conn.destroy();
    this.all.clear();
    this.wakeIdleWaiters();
    void lineClosed.then(() => this.shutDown());
  }

  /** Never shows credentials: identity, state and counters only. */
  [inspect.custom](): string {
    return `Coordinator { id: '${this.id}', state: '${this.health.state}', inFlight: ${this.inFlight}, open: ${this.pool.size} }`;
  }

  /** Never shows credentials: identity, state and counters only. */
  toJSON(): Record<string, unknown> {
    return { id: this.id, weight: this.weight, state: this.health.state, inFlight: this.inFlight, latencyMs: this.latencyMs };
  }

  /** Once no generic-pool request is out (generic-pool's drain waits for them all). */
  private async shutDown(): Promise<void> {
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
    this.silence.heard();
    this.all.add(conn);
    const lifetime = this.options.maxLifetimeMs;
    const now = this.clock.now();
    // ±10% jitter so connections made together do not all expire together.
    const expiresAt = lifetime === 0 ? Infinity : now + lifetime * (0.9 + 0.2 * this.random());
    this.info.set(conn, { expiresAt, idleSince: now, idleBeforeBorrow: 0 });
    conn.onClosed(() => this.all.delete(conn));
    conn.onAnswer((method, ms) => {
      this.silence.heard();
      this.recordAnswer(method, ms);
    });
    return conn;
  }

  private onConnectFailure(raw: ImpalaError): void {
    if (isGateReset(raw) || this.closing) return;
    const err =
      raw.code === 'IMPALA_CONNECT_FAILED' || raw.code === 'IMPALA_CONNECT_TIMEOUT' || raw.code === 'IMPALA_AUTH'
        ? raw
        : new ConnectError(`connect to ${this.id} failed: ${raw.message}`, { coordinator: this.id, cause: raw });
    err.coordinator ??= this.id;
    debug(
      'connect to %s failed (%s: %s); connects there back off, %d waiting caller(s) fail over',
      this.id,
      err.code,
      err.message,
      this.line.size,
    );
    // Everyone waiting here fails over now, with the real cause, rather than
    // wait out the backoff (or hear of the ejection this failure may cause).
    this.line.rejectAll(err);
    this.recordFailure(err);
  }

  /**
   * A session idle for `idleMs` was found expired on the server: from now on,
   * connections idle that long (less a margin) are pinged before they are lent
   * out, and a ping that fails replaces them. The server's idle session
   * timeout is learned from the first expiry instead of failing every
   * connection in the pool once.
   */
  private learnIdleLimit(idleMs: number): void {
    this.idleLimitMs = Math.min(this.idleLimitMs, Math.max(0, idleMs * 0.8));
  }

  private async validate(conn: Hs2Connection): Promise<boolean> {
    if (!conn.open) {
      this.events.reconnect(this, conn.closedReason?.message ?? 'connection closed');
      return false;
    }
    const info = this.info.get(conn);
    const now = this.clock.now();
    if ((info?.expiresAt ?? Infinity) <= now) return false;
    const idle = now - (info?.idleSince ?? now);
    if (info) info.idleBeforeBorrow = idle;
    if (idle < Math.min(this.options.validateAfterIdleMs, this.idleLimitMs)) return true;
    try {
      await conn.ping(this.options.healthCheckTimeoutMs);
      return true;
    } catch (err) {
      this.events.reconnect(this, describeError(err));
      conn.destroy();
      return false;
    }
  }

  private wakeIdleWaiters(): void {
    for (const wake of this.idleWaiters.splice(0)) wake();
  }
}

/** A pooled connection's fetch wait: at most half the stall window (`healthCheckTimeoutMs`). */
function fetchWaitWithin(wantedMs: number, stallMs: number): number {
  const cap = Math.max(1, Math.floor(stallMs / 2));
  return wantedMs === 0 ? cap : Math.min(wantedMs, cap);
}

function describeError(err: unknown): string {
  if (err instanceof ImpalaError) return `${err.code}: ${err.message}`;
  return String((err as Error)?.message ?? err);
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
