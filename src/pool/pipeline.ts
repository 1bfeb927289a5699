/**
 * The one path every statement takes through the pool — `query`, `execute`,
 * `stream`, and the statements and streams of sessions and leases — and the
 * one place that decides a statement's fate. For each attempt it routes (table
 * pins, the lease's coordinator, affinity, strategy), borrows or reuses a
 * connection within the call's one deadline, counts the attempt as running,
 * and afterwards does all the bookkeeping once: health (each failure reported
 * once), latency, table pins after writes, diagnostics, and the retry
 * decision, which is a value from the retry policy, never an exception used
 * for control flow.
 *
 * A lease (`pool.connect()`, `pool.session()`) is a {@link LeaseBinding}: the
 * coordinator and connection its HS2 session is on, and the USE/SET state to
 * carry along. Its statements route like any other with the lease's
 * coordinator preferred, so a statement that touches a table pinned elsewhere
 * (DDL there moments ago) moves the lease there, with its state, instead of
 * failing on a coordinator that has not seen the change yet.
 *
 * @module
 * @internal
 */
import {
  ImpalaError,
  NoHealthyCoordinatorError,
  PoolClosedError,
  ProtocolError,
  isConnectionFatal,
  type AttemptFailure,
} from '../errors.js';
import type { Hs2Connection } from '../hs2/connection.js';
import type { StopCondition } from '../hs2/deadline.js';
import { replayStatements, type SessionState } from '../hs2/session-state.js';
import { resolveStatementOptions } from '../hs2/statement-options.js';
import type { Classification } from '../sql/classify.js';
import type { Clock } from '../util/clock.js';
import type { AffinityTable } from './affinity.js';
import type { Coordinator } from './coordinator.js';
import { channels, publish, type PoolEventMap, type RetryEvent } from './events.js';
import type { ResolvedPoolOptions } from './options.js';
import type { RetryBudget } from './retry-budget.js';
import { decideRetry } from './retry-policy.js';
import type { Router } from './router.js';
import { serverErrorKind } from './server-error-kind.js';
import { debug } from '../util/debug-log.js';

/** The pool internals the pipeline needs. */
export interface PoolContext {
  options: ResolvedPoolOptions;
  router: Router;
  affinity: AffinityTable;
  budget: RetryBudget;
  clock: Clock;
  emit<K extends keyof PoolEventMap>(event: K, ...args: PoolEventMap[K]): void;
  drain(coordinator: Coordinator, reason: string): void;
  isClosed(): boolean;
}

/** Where a lease's HS2 session is, and what it carries from one connection to the next. */
export interface LeaseBinding {
  /** The coordinator the session is on. */
  coordinator: Coordinator;
  /** Its connection; undefined after it failed, until the next statement reconnects. */
  conn: Hs2Connection | undefined;
  /** USE and SET that succeeded in the session, replayed onto a new connection. */
  state: SessionState;
  /** Statements and streams under way on the connection (it cannot move meanwhile). */
  busy: number;
}

/** One call through the pipeline. */
export interface StatementCall {
  /** What the statement is (undefined for a lease's first connect, which runs none). */
  statement: Classification | undefined;
  /** Database unqualified names resolve in. */
  database: string;
  /** Affinity key, if any. */
  affinityKey: string | undefined;
  /** The call's one deadline and abort signal, covering every wait and attempt. */
  stop: StopCondition;
  /** The lease this statement runs in, if any. */
  lease?: LeaseBinding | undefined;
}

/** The work of one attempt on a connection. */
export type AttemptBody<T> = (conn: Hs2Connection, stop: StopCondition) => Promise<T>;

/** The work of one streaming attempt on a connection. */
export type StreamBody<R> = (conn: Hs2Connection, stop: StopCondition) => AsyncGenerator<R, void, undefined>;

/** Runs a statement to completion, redispatching when that is safe. */
export async function runStatement<T>(ctx: PoolContext, call: StatementCall, body: AttemptBody<T>): Promise<T> {
  const attempts = new Attempts(ctx, call);
  for (;;) {
    const a = attempts.next();
    if (a instanceof Error) throw a;
    let result: T;
    try {
      result = await body(await attempts.begin(a), a.stop);
    } catch (raw) {
      const err = attempts.failed(a, raw, 0);
      if (err) throw err;
      continue;
    }
    attempts.succeeded(a, true, queryIdOf(result));
    return result;
  }
}

/** The Impala query id a result carries, if any (metadata results carry none). */
function queryIdOf(result: unknown): string | undefined {
  const id = (result as { queryId?: unknown } | null)?.queryId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * Streams a query's rows. A failure before the first row is redispatched
 * like {@link runStatement}; after rows were delivered it is thrown.
 */
export async function* streamStatement<R>(ctx: PoolContext, call: StatementCall, body: StreamBody<R>): AsyncGenerator<R, void, undefined> {
  const attempts = new Attempts(ctx, call);
  let delivered = 0;
  for (;;) {
    const a = attempts.next();
    if (a instanceof Error) throw a;
    let settled = false;
    try {
      for await (const row of body(await attempts.begin(a), a.stop)) {
        delivered += 1;
        yield row;
      }
      settled = true;
      attempts.succeeded(a, false);
      return;
    } catch (raw) {
      settled = true;
      const err = attempts.failed(a, raw, delivered);
      if (err) throw err;
    } finally {
      // The caller broke out: the connection's stream has cancelled and closed by then.
      if (!settled) attempts.abandoned(a);
    }
  }
}

/** Opens a lease: routes (no statement yet), borrows a connection, redispatches failed connects. */
export async function openLease(ctx: PoolContext, call: StatementCall): Promise<LeaseBinding> {
  // Filled in by the attempt that gets a connection.
  const lease: LeaseBinding = {
    coordinator: undefined as unknown as Coordinator,
    conn: undefined,
    state: { database: undefined, options: {} },
    busy: 0,
  };
  const attempts = new Attempts(ctx, { ...call, lease: undefined }, lease);
  for (;;) {
    const a = attempts.next();
    if (a instanceof Error) throw a;
    try {
      await attempts.begin(a);
    } catch (raw) {
      const err = attempts.failed(a, raw, 0);
      if (err) throw err;
      continue;
    }
    attempts.succeeded(a, false);
    return lease;
  }
}

/** One try on one coordinator. */
class Attempt {
  /** The borrowed (or the lease's) connection, once there is one. */
  conn: Hs2Connection | undefined;
  /** Whether the connection is the lease's (kept after the attempt). */
  leased = false;
  /** Whether it counts as running on its coordinator and as busy on its lease. */
  running = false;
  /** Whether it got a connection and ran its work (so it may have sent the statement). */
  began = false;
  /** This attempt's stop: the call's, plus the pool giving up on a silent coordinator. */
  readonly stop: StopCondition;

  constructor(
    readonly coordinator: Coordinator,
    readonly number: number,
    readonly started: number,
    callStop: StopCondition,
  ) {
    this.stop = callStop.child();
  }

  /** The pool gave up on this attempt's coordinator (see the silence watchdog). */
  abandon(err: ImpalaError): void {
    this.stop.stopWith(err, true);
  }
}

/** The attempts of one call and their bookkeeping. */
class Attempts {
  private readonly tried = new Set<string>();
  private readonly failures: AttemptFailure[] = [];
  private last: ImpalaError | undefined;
  private count = 0;
  private sent = false;
  /** Where the retry a failure announced runs (picked when it was announced). */
  private upcoming: Coordinator | undefined;

  /**
   * @param opening - set when the call opens this lease: its first
   *   connection is bound to it, and nothing is published as a statement
   */
  constructor(
    private readonly ctx: PoolContext,
    private readonly call: StatementCall,
    private readonly opening?: LeaseBinding,
  ) {
    if (!opening) ctx.budget.recordRequest();
  }

  /** The next attempt, or the error to give the caller when nothing is left to try. */
  next(): Attempt | ImpalaError {
    if (this.ctx.isClosed()) return new PoolClosedError();
    const stopped = this.call.stop.reason;
    if (stopped) return this.stopped(stopped);
    if (this.count >= this.ctx.options.maxAttempts) return this.exhausted();
    const coordinator = this.upcoming ?? this.pick();
    this.upcoming = undefined;
    if (!coordinator) return this.exhausted();
    this.count += 1;
    this.tried.add(coordinator.id);
    return new Attempt(coordinator, this.count, this.ctx.clock.now(), this.call.stop);
  }

  /** Gets the attempt a connection — the lease's, or a borrowed one — and counts it as running. */
  async begin(a: Attempt): Promise<Hs2Connection> {
    const lease = this.call.lease;
    if (lease && lease.coordinator === a.coordinator && lease.conn?.open) {
      a.conn = lease.conn;
      a.leased = true;
    } else {
      const conn = await a.coordinator.acquire(a.stop);
      a.conn = conn;
      const target = lease ?? this.opening;
      if (target) {
        await this.bind(a, target, conn);
        a.leased = lease !== undefined;
      }
    }
    a.coordinator.track(a);
    if (lease) lease.busy += 1;
    a.running = true;
    a.began = true;
    return a.conn;
  }

  /** The attempt finished. `recordLatency` is false for streams (their pace is the consumer's). */
  succeeded(a: Attempt, recordLatency: boolean, queryId?: string): void {
    this.stopRunning(a);
    const { coordinator } = a;
    const ms = this.ctx.clock.now() - a.started;
    const statement = this.call.statement;
    coordinator.recordSuccess();
    if (statement && recordLatency) coordinator.recordStatement(ms);
    this.finishConnection(a, undefined);
    if (statement && this.ctx.options.ddl === 'pin') this.ctx.affinity.pinWrites(statement, this.call.database, coordinator.id);
    if (statement)
      publish(channels.statement, () => ({
        coordinator: coordinator.id,
        verb: statement.verb,
        durationMs: ms,
        attempt: a.number,
        ok: true,
        ...(queryId === undefined ? {} : { queryId }),
      }));
  }

  /** The caller left before the end (a stream it broke out of): no verdict on the coordinator. */
  abandoned(a: Attempt): void {
    this.stopRunning(a);
    this.finishConnection(a, undefined);
    const statement = this.call.statement;
    if (statement) {
      const ms = this.ctx.clock.now() - a.started;
      publish(channels.statement, () => ({
        coordinator: a.coordinator.id,
        verb: statement.verb,
        durationMs: ms,
        attempt: a.number,
        ok: true,
        abandoned: true,
      }));
    }
  }

  /**
   * The attempt failed. Returns the error for the caller, or undefined when
   * the statement runs again (a retry event has been sent).
   */
  failed(a: Attempt, raw: unknown, rowsDelivered: number): Error | undefined {
    this.stopRunning(a);
    const { coordinator } = a;
    if (raw instanceof TypeError) {
      // A caller mistake, not a coordinator problem: nothing to retry.
      this.finishConnection(a, undefined);
      return raw;
    }
    const err = toImpalaError(raw, coordinator.id);
    this.finishConnection(a, err);
    // An attempt that never got its connection sent nothing, whatever stopped it.
    if (a.began && err.statementSent !== false) this.sent = true;
    const statement = this.call.statement;
    if (statement) {
      const ms = this.ctx.clock.now() - a.started;
      publish(channels.statement, () => ({
        coordinator: coordinator.id,
        verb: statement.verb,
        durationMs: ms,
        attempt: a.number,
        ok: false,
        code: err.code,
        ...(err.queryId === undefined ? {} : { queryId: err.queryId }),
      }));
    }
    noteFailure(this.ctx, coordinator, err);
    if (err.code === 'IMPALA_ABORTED' || err.code === 'IMPALA_QUERY_TIMEOUT') return this.stopped(err);
    const decision = decideRetry({ error: err, statement: statement ?? NO_STATEMENT, rowsDelivered });
    if (decision.action === 'fail') {
      // The one refusal the pool decides on its own; server answers and rows already delivered speak for themselves.
      if (decision.error.code === 'IMPALA_OUTCOME_UNKNOWN')
        debug(
          'no retry: %s on %s may have been applied (%s: %s); not run again',
          statement?.verb || 'statement',
          coordinator.id,
          err.code,
          err.message,
        );
      return decision.error;
    }
    if (this.count >= this.ctx.options.maxAttempts) {
      debug(
        'no retry: attempt %d on %s failed (%s: %s) and maxAttempts (%d) is reached',
        a.number,
        coordinator.id,
        err.code,
        err.message,
        this.ctx.options.maxAttempts,
      );
      this.failures.push(failureOf(coordinator, err));
      this.last = err;
      return this.exhausted();
    }
    // The call's deadline passed meanwhile: no retry would run.
    const stopped = this.call.stop.reason;
    if (stopped) return this.stopped(stopped);
    // The coordinator is fine; only its session was gone: it may take the retry.
    if (decision.reason === 'session-gone') this.tried.delete(coordinator.id);
    // Picked now, so that a retry is announced (and paid for) only when a coordinator is left to run it.
    const next = this.pick();
    if (!next) {
      this.failures.push(failureOf(coordinator, err));
      this.last = err;
      return this.exhausted();
    }
    if (decision.budgeted && !this.ctx.budget.tryWithdraw()) {
      debug('no retry: attempt %d on %s failed (%s: %s) and the retry budget is spent', a.number, coordinator.id, err.code, err.message);
      return err;
    }
    this.upcoming = next;
    this.failures.push(failureOf(coordinator, err));
    this.last = err;
    announceRetry(this.ctx, {
      coordinator: coordinator.id,
      attempt: a.number,
      code: err.code,
      message: err.message,
      reason: decision.reason,
    });
    return undefined;
  }

  private pick(): Coordinator | undefined {
    const lease = this.call.lease;
    // A lease whose connection has a stream open stays where it is.
    if (lease?.conn && lease.busy > 0) {
      const c = lease.coordinator;
      const state = c.health.state;
      return state === 'removed' || state === 'draining' || this.tried.has(c.id) ? undefined : c;
    }
    return this.ctx.router.route({
      statement: this.call.statement,
      database: this.call.database,
      affinityKey: this.call.affinityKey,
      exclude: this.tried,
      prefer: lease?.coordinator,
    })?.coordinator;
  }

  /** Moves `lease` onto `conn`, bringing its USE and SET along. */
  private async bind(a: Attempt, lease: LeaseBinding, conn: Hs2Connection): Promise<void> {
    // A new lease takes the state its first connection starts with.
    if (lease === this.opening) lease.state = cloneState(conn.sessionState);
    else if (!sameState(conn.sessionState, lease.state)) {
      try {
        const so = resolveStatementOptions(undefined);
        for (const stmt of replayStatements(lease.state)) await conn.runExecute(stmt, so, a.stop);
      } catch (raw) {
        a.coordinator.release(conn, raw);
        a.conn = undefined;
        const err = toImpalaError(raw, a.coordinator.id);
        // The caller's statement was not sent: only the replay was. A server
        // that refused the replay gave a definite answer; anything else is a
        // connection problem the statement may be retried past.
        if (err.code === 'IMPALA_SERVER' || err.statementSent === false) throw err;
        throw new ImpalaError(`could not bring the session to its state on ${a.coordinator.id}: ${err.message}`, err.code, {
          coordinator: a.coordinator.id,
          cause: err,
          statementSent: false,
        });
      }
    }
    const previous = lease.conn;
    const wasOpen = previous?.open ?? true;
    if (previous && lease.coordinator) lease.coordinator.release(previous);
    if (!wasOpen && previous)
      this.ctx.emit('reconnect', { coordinator: a.coordinator.id, reason: previous.closedReason?.message ?? 'session connection closed' });
    lease.coordinator = a.coordinator;
    lease.conn = conn;
  }

  private finishConnection(a: Attempt, err: ImpalaError | undefined): void {
    a.stop.dispose();
    const conn = a.conn;
    if (!conn) return;
    const dead = err !== undefined && (isConnectionFatal(err) || serverErrorKind(err) === 'session-gone');
    if (!a.leased) {
      // A connection that just became the new lease's stays with it.
      if (this.opening?.conn !== conn) a.coordinator.release(conn, dead ? err : undefined);
      return;
    }
    const lease = this.call.lease!;
    if (dead || !conn.open) {
      a.coordinator.release(conn, err ?? new ProtocolError('connection closed'));
      if (lease.conn === conn) lease.conn = undefined;
    } else {
      lease.state = cloneState(conn.sessionState);
    }
  }

  private stopRunning(a: Attempt): void {
    if (!a.running) return;
    a.running = false;
    a.coordinator.untrack(a);
    if (this.call.lease) this.call.lease.busy -= 1;
  }

  /** The call's stop (timeout, abort) as the caller sees it. */
  private stopped(err: ImpalaError): ImpalaError {
    err.statementSent ??= this.sent;
    return err;
  }

  private exhausted(): ImpalaError {
    if (this.failures.length === 0 && this.last) return this.last;
    return new NoHealthyCoordinatorError(this.failures, { statementSent: this.sent, ...(this.last ? { cause: this.last } : {}) });
  }
}

/** What a lease's connect counts as for the retry rules: a statement that was never sent. */
const NO_STATEMENT: Classification = { kind: 'session', verb: '', idempotent: true, reads: [], writes: [], databases: [], global: false };

function failureOf(coordinator: Coordinator, err: ImpalaError): AttemptFailure {
  return { coordinator: coordinator.id, code: err.code, message: err.message };
}

function cloneState(s: SessionState): SessionState {
  return { database: s.database, options: { ...s.options } };
}

function sameState(a: SessionState, b: SessionState): boolean {
  if ((a.database ?? '') !== (b.database ?? '')) return false;
  const ka = Object.keys(a.options);
  if (ka.length !== Object.keys(b.options).length) return false;
  return ka.every((k) => a.options[k] === b.options[k]);
}

/** Query options the pool adds: SYNC_DDL for DDL/DML in `ddl: 'sync'` mode. */
export function poolQueryOptions(
  options: ResolvedPoolOptions,
  statement: Classification,
  own: Record<string, string> | undefined,
): Record<string, string> {
  if (options.ddl === 'sync' && (statement.kind === 'ddl' || statement.kind === 'dml')) return { ...own, SYNC_DDL: '1' };
  return own ?? {};
}

/** Tells listeners and diagnostics subscribers that a statement runs again elsewhere. */
function announceRetry(ctx: PoolContext, event: RetryEvent): void {
  ctx.emit('retry', event);
  publish(channels.retry, () => event);
}

/** Health and drain bookkeeping for a failed attempt. */
function noteFailure(ctx: PoolContext, coordinator: Coordinator, err: ImpalaError): void {
  if (serverErrorKind(err) === 'shutting-down') {
    ctx.drain(coordinator, err.message);
    return;
  }
  // Caller-side stops, server answers and the pool's own limits say nothing about the coordinator's health.
  switch (err.code) {
    case 'IMPALA_ABORTED':
    case 'IMPALA_QUERY_TIMEOUT':
    case 'IMPALA_SERVER':
    case 'IMPALA_CLIENT_CLOSED':
    case 'IMPALA_ACQUIRE_TIMEOUT':
    case 'IMPALA_POOL_CLOSED':
      return;
    default:
      if (isConnectionFatal(err)) coordinator.recordFailure(err);
  }
}

/** Wraps anything thrown into an ImpalaError tagged with the coordinator. */
function toImpalaError(raw: unknown, coordinator: string): ImpalaError {
  if (raw instanceof ImpalaError) {
    raw.coordinator ??= coordinator;
    return raw;
  }
  return new ProtocolError(`unexpected failure talking to ${coordinator}: ${String((raw as Error)?.message ?? raw)}`, {
    cause: raw,
    coordinator,
  });
}
