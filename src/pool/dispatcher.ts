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
  ctx.budget.recordRequest();
  const tried = new Set<string>();
  const failures: AttemptFailure[] = [];
  let lastError: ImpalaError | undefined;
  for (let attempt = 1; attempt <= ctx.options.maxAttempts; attempt++) {
    if (ctx.isClosed()) throw new PoolClosedError();
    const coordinator = pick(ctx, req, tried);
    if (!coordinator) break;
    tried.add(coordinator.id);
    const started = performance.now();
    let conn: Hs2Connection | undefined;
    try {
      conn = await coordinator.acquire();
      coordinator.running += 1;
      let result: T;
      try {
        result = await fn(conn, coordinator, attempt);
      } finally {
        coordinator.running -= 1;
      }
      const ms = performance.now() - started;
      coordinator.recordStatement(ms);
      coordinator.health.success();
      coordinator.release(conn);
      if (ctx.options.ddl === 'pin') ctx.affinity.pinWrites(req.statement, req.database, coordinator.id);
      publish(channels.statement, () => ({ coordinator: coordinator.id, verb: req.statement.verb, durationMs: ms, attempt, ok: true }));
      return result;
    } catch (raw) {
      if (raw instanceof TypeError) {
        // A caller mistake, not a coordinator problem: nothing to retry.
        if (conn) coordinator.release(conn);
        throw raw;
      }
      const err = toImpalaError(raw, coordinator.id);
      if (conn) coordinator.release(conn, err);
      publish(channels.statement, () => ({ coordinator: coordinator.id, verb: req.statement.verb, durationMs: performance.now() - started, attempt, ok: false, code: err.code }));
      const reason = retryReason(ctx, coordinator, err, req.statement, rowsDelivered());
      failures.push({ coordinator: coordinator.id, code: err.code, message: err.message });
      lastError = err;
      announceRetry(ctx, { coordinator: coordinator.id, attempt, code: err.code, message: err.message, reason });
      // A session bound to one coordinator may reconnect there, not elsewhere.
      if (req.only) tried.delete(coordinator.id);
    }
  }
  if (failures.length === 0 && lastError) throw lastError;
  throw new NoHealthyCoordinatorError(failures, { statementSent: false, ...(lastError ? { cause: lastError } : {}) });
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
