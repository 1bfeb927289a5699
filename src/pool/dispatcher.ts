/**
 * Running one statement somewhere in the pool: route, borrow a connection,
 * run, and on failure decide — with the retry policy and budget — whether to
 * redispatch to another coordinator. Used by the pool's `query`/`execute`/
 * `stream` and by sessions when they must reconnect.
 *
 * @module
 * @internal
 */
import { ImpalaError, NoHealthyCoordinatorError, PoolClosedError, isConnectionFatal, type AttemptFailure } from '../errors.js';
import type { Hs2Connection } from '../hs2/connection.js';
import type { Classification } from '../sql/classify.js';
import type { AffinityTable } from './affinity.js';
import type { Coordinator } from './coordinator.js';
import { channels, publish, type PoolEventMap, type RetryEvent } from './events.js';
import type { ResolvedPoolOptions } from './options.js';
import type { RetryBudget } from './retry-budget.js';
import { decideRetry } from './retry-policy.js';
import type { Router } from './router.js';
import { serverErrorKind } from './server-error-kind.js';

/** The pool internals a dispatcher needs. */
export interface DispatchContext {
  options: ResolvedPoolOptions;
  router: Router;
  affinity: AffinityTable;
  budget: RetryBudget;
  emit<K extends keyof PoolEventMap>(event: K, ...args: PoolEventMap[K]): void;
  drain(coordinator: Coordinator, reason: string): void;
  isClosed(): boolean;
}

/** Where and how a statement runs. */
export interface DispatchRequest {
  statement: Classification;
  database: string;
  affinityKey?: string | undefined;
  /** Only this coordinator (a session bound to one); undefined: any. */
  only?: Coordinator;
}

/** One attempt's work on a borrowed connection. */
export type AttemptFn<T> = (conn: Hs2Connection, coordinator: Coordinator, attempt: number) => Promise<T>;

/** Query options the pool adds: SYNC_DDL for DDL/DML in `ddl: 'sync'` mode. */
export function poolQueryOptions(options: ResolvedPoolOptions, statement: Classification, own: Record<string, string | number | boolean> | undefined): Record<string, string | number | boolean> {
  if (options.ddl === 'sync' && (statement.kind === 'ddl' || statement.kind === 'dml')) return { ...own, SYNC_DDL: '1' };
  return own ?? {};
}

/** Runs `fn` with redispatch; returns its result or throws the error to show the caller. */
export async function dispatch<T>(ctx: DispatchContext, req: DispatchRequest, fn: AttemptFn<T>, rowsDelivered: () => number = () => 0): Promise<T> {
  const attempts = new Attempts(ctx, req);
  for (let a = attempts.next(); a; a = attempts.next()) {
    try {
      const conn = await attempts.begin(a);
      const result = await fn(conn, a.coordinator, a.number);
      attempts.succeeded(a, true);
      return result;
    } catch (raw) {
      attempts.failed(a, raw, rowsDelivered());
    }
  }
  throw attempts.exhausted();
}

/** One try on one coordinator. */
export interface Attempt {
  /** Where it runs. */
  readonly coordinator: Coordinator;
  /** 1 for the first try. */
  readonly number: number;
  /** performance.now() when it was picked (latency includes waiting for a connection). */
  readonly started: number;
  /** The borrowed connection, once there is one. */
  conn: Hs2Connection | undefined;
  /** Whether it counts in the coordinator's `running`. */
  running: boolean;
}

/**
 * The redispatch loop that `dispatch` and `pool.stream` share: picks a
 * coordinator not tried yet, borrows a connection, and after the attempt
 * does the bookkeeping — release, health, latency, table pins, diagnostics,
 * the retry rules and budget — so a promise and a generator follow the same
 * rules.
 */
export class Attempts {
  private readonly tried = new Set<string>();
  private readonly failures: AttemptFailure[] = [];
  private lastError: ImpalaError | undefined;
  private count = 0;

  constructor(
    private readonly ctx: DispatchContext,
    private readonly req: DispatchRequest,
  ) {
    ctx.budget.recordRequest();
  }

  /** The next attempt, or undefined when attempts or coordinators ran out. */
  next(): Attempt | undefined {
    if (this.count >= this.ctx.options.maxAttempts) return undefined;
    if (this.ctx.isClosed()) throw new PoolClosedError();
    const coordinator = pick(this.ctx, this.req, this.tried);
    if (!coordinator) return undefined;
    this.count += 1;
    this.tried.add(coordinator.id);
    return { coordinator, number: this.count, started: performance.now(), conn: undefined, running: false };
  }

  /** Borrows a connection on the attempt's coordinator and counts the attempt as running there. */
  async begin(a: Attempt): Promise<Hs2Connection> {
    a.conn = await a.coordinator.acquire();
    a.coordinator.running += 1;
    a.running = true;
    return a.conn;
  }

  /**
   * The statement finished. `recordLatency` is false for streams, whose
   * duration is the consumer's pace as much as the coordinator's.
   */
  succeeded(a: Attempt, recordLatency: boolean): void {
    this.stopRunning(a);
    const ms = performance.now() - a.started;
    const { coordinator } = a;
    if (recordLatency) coordinator.recordStatement(ms);
    coordinator.health.success();
    if (a.conn) coordinator.release(a.conn);
    if (this.ctx.options.ddl === 'pin') this.ctx.affinity.pinWrites(this.req.statement, this.req.database, coordinator.id);
    publish(channels.statement, () => ({ coordinator: coordinator.id, verb: this.req.statement.verb, durationMs: ms, attempt: a.number, ok: true }));
  }

  /** The caller left before the end (a stream it broke out of): the connection goes back, no verdict. */
  abandoned(a: Attempt): void {
    this.stopRunning(a);
    if (a.conn) a.coordinator.release(a.conn);
  }

  /**
   * The attempt failed. Throws the error the caller must see; returns when
   * the statement may run again on another coordinator.
   */
  failed(a: Attempt, raw: unknown, rowsDelivered: number): void {
    this.stopRunning(a);
    const { coordinator } = a;
    if (raw instanceof TypeError) {
      // A caller mistake, not a coordinator problem: nothing to retry.
      if (a.conn) coordinator.release(a.conn);
      throw raw;
    }
    const err = toImpalaError(raw, coordinator.id);
    if (a.conn) coordinator.release(a.conn, err);
    publish(channels.statement, () => ({ coordinator: coordinator.id, verb: this.req.statement.verb, durationMs: performance.now() - a.started, attempt: a.number, ok: false, code: err.code }));
    const reason = retryReason(this.ctx, coordinator, err, this.req.statement, rowsDelivered);
    this.failures.push({ coordinator: coordinator.id, code: err.code, message: err.message });
    this.lastError = err;
    announceRetry(this.ctx, { coordinator: coordinator.id, attempt: a.number, code: err.code, message: err.message, reason });
    // A session bound to one coordinator may reconnect there, not elsewhere.
    if (this.req.only) this.tried.delete(coordinator.id);
  }

  /** The error once nothing is left to try. */
  exhausted(): ImpalaError {
    if (this.failures.length === 0 && this.lastError) return this.lastError;
    return new NoHealthyCoordinatorError(this.failures, { statementSent: false, ...(this.lastError ? { cause: this.lastError } : {}) });
  }

  private stopRunning(a: Attempt): void {
    if (!a.running) return;
    a.running = false;
    a.coordinator.running -= 1;
  }
}

function pick(ctx: DispatchContext, req: DispatchRequest, tried: ReadonlySet<string>): Coordinator | undefined {
  if (req.only) {
    const state = req.only.health.state;
    return state === 'removed' || state === 'draining' || tried.has(req.only.id) ? undefined : req.only;
  }
  return ctx.router.route({ statement: req.statement, database: req.database, affinityKey: req.affinityKey, exclude: tried })?.coordinator;
}

/**
 * After a failed attempt: health bookkeeping, then the retry rules and the
 * budget. Throws the error the caller must see; otherwise returns why a
 * retry is allowed.
 */
export function retryReason(
  ctx: DispatchContext,
  coordinator: Coordinator,
  err: ImpalaError,
  statement: Classification,
  rowsDelivered: number,
  attemptsLeft = true,
): string {
  noteFailure(ctx, coordinator, err);
  const decision = decideRetry({ error: err, statement, rowsDelivered });
  if (decision.action === 'fail') throw decision.error;
  if (!attemptsLeft) throw err;
  if (decision.budgeted && !ctx.budget.tryWithdraw()) throw err;
  return decision.reason;
}

/** Tells listeners and diagnostics subscribers that a statement runs again elsewhere. */
export function announceRetry(ctx: DispatchContext, event: RetryEvent): void {
  ctx.emit('retry', event);
  publish(channels.retry, () => event);
}

/** Health and drain bookkeeping for a failed attempt. */
export function noteFailure(ctx: DispatchContext, coordinator: Coordinator, err: ImpalaError): void {
  const kind = serverErrorKind(err);
  if (kind === 'shutting-down') {
    ctx.drain(coordinator, err.message);
    return;
  }
  // Caller-side stops and server answers say nothing about the coordinator's health.
  if (err.code === 'IMPALA_ABORTED' || err.code === 'IMPALA_QUERY_TIMEOUT' || err.code === 'IMPALA_SERVER' || err.code === 'IMPALA_CLIENT_CLOSED') return;
  if (err.code === 'IMPALA_ACQUIRE_TIMEOUT' || err.code === 'IMPALA_POOL_CLOSED') return;
  if (isConnectionFatal(err)) coordinator.recordFailure(err);
}

/** Wraps anything thrown into an ImpalaError tagged with the coordinator. */
export function toImpalaError(raw: unknown, coordinator: string): ImpalaError {
  if (raw instanceof ImpalaError) {
    raw.coordinator ??= coordinator;
    return raw;
  }
  return new ImpalaError(String((raw as Error)?.message ?? raw), 'IMPALA_ERROR', { cause: raw, coordinator });
}
