/**
 * Everything one coordinator keeps between requests: its catalog, the
 * session and operation registries, and the counters `stats()` reports.
 * The HS2 service reads and changes it; the coordinator owns it.
 *
 * @module
 */
import { AdmissionController, type AdmissionTicket } from './engine/admission.js';
import type { CatalogChange } from './catalog/bus.js';
import type { Catalog } from './catalog/catalog.js';
import type { Operation, OperationHooks } from './engine/operation.js';
import type { Session } from './hs2/session.js';
import type { StatementKind } from './sql/statement-plan.js';
import type { CoordinatorStats } from './coordinator-stats.js';
import { copyHttpStats, type HttpEndpointStats } from './http/http-stats.js';

/** How many closed operations stay available to GetRuntimeProfile/GetExecSummary. */
const ARCHIVE_SIZE = 200;

/** Registries and counters of one coordinator. */
export class CoordinatorState implements OperationHooks {
  /** Open sessions by handle key. */
  readonly sessions = new Map<string, Session>();
  /** Open operations by handle key. */
  readonly operations = new Map<string, Operation>();
  /** Recently closed operations by handle key (profiles of finished queries). */
  readonly archive = new Map<string, Operation>();
  /** Counters. */
  queries = 0;
  inFlight = 0;
  peakInFlight = 0;
  readonly byKind: Record<StatementKind, number> = { query: 0, dml: 0, ddl: 0, other: 0 };
  connectionsOpen = 0;
  connectionsTotal = 0;
  readonly rpcs: Record<string, number> = {};
  rpcsPipelined = 0;
  /** Set during a graceful shutdown: the error new work gets. */
  shutdownMessage: string | undefined;
  /** Hands DDL/DML to the other coordinators (multi-coordinator clusters). */
  publish: ((change: CatalogChange) => Promise<void>) | undefined;
  /** Their propagation delay, in ms. */
  propagationDelayMs = 0;
  /** Pulls changes still on their way here (INVALIDATE METADATA, REFRESH). */
  syncCatalog: (() => Promise<void>) | undefined;
  /** Admission control, when configured. */
  admission: AdmissionController | undefined;
  /** The HTTP endpoint's counters, when it has one. */
  http: HttpEndpointStats | undefined;
  private readonly running = new Set<Operation>();
  private readonly idleWaiters: Array<() => void> = [];

  /**
   * @param catalog - the coordinator's DuckDB catalog
   * @param address - `host:port` clients use
   * @param webserverAddress - the emulated debug web UI address (ping answers)
   */
  constructor(
    readonly catalog: Catalog,
    public address: string,
    readonly webserverAddress: string,
  ) {}

  /** Counts an HS2 request received. */
  countRpc(method: string): void {
    this.rpcs[method] = (this.rpcs[method] ?? 0) + 1;
  }

  /** Counts a statement received. */
  countStatement(kind: StatementKind): void {
    this.queries += 1;
    this.byKind[kind] += 1;
  }

  onStart(op: Operation): void {
    this.running.add(op);
    this.inFlight = this.running.size;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
  }

  onComplete(op: Operation): void {
    this.running.delete(op);
    this.inFlight = this.running.size;
  }

  admit(_op: Operation): AdmissionTicket | undefined {
    return this.admission?.request();
  }

  /**
   * Resolves when no query is registered any more (at once if none is). As in
   * impalad's graceful shutdown, a query counts until its client closes it —
   * finishing execution is not enough, the client still has rows to fetch.
   */
  whenIdle(): Promise<void> {
    if (this.operations.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Registers a new operation. */
  addOperation(op: Operation): void {
    this.operations.set(op.key, op);
  }

  /** Open operations of a session. */
  operationsOf(session: Session): Operation[] {
    return [...this.operations.values()].filter((op) => op.session === session);
  }

  /** Closes an operation and keeps it for later profile requests. */
  closeOperation(op: Operation): void {
    op.close();
    this.operations.delete(op.key);
    if (this.operations.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    this.archive.set(op.key, op);
    if (this.archive.size > ARCHIVE_SIZE) this.archive.delete(this.archive.keys().next().value!);
  }

  /** Closes a session and every operation in it. */
  closeSession(session: Session, reason?: string): void {
    for (const op of this.operationsOf(session)) this.closeOperation(op);
    session.closed = true;
    session.closedReason = reason;
    // An expired session stays known so requests get Impala's expiry message.
    if (reason === undefined) this.sessions.delete(session.key);
  }

  /**
   * Connection `id` closed. Sessions it was the last connection of are
   * disconnected: closed at once when `timeoutMs` is 0, else closed once
   * they stay without a connection that long (impalad's `ConnectionEnd` with
   * `--disconnected_session_timeout`).
   */
  releaseConnection(id: number, timeoutMs: number): void {
    for (const s of [...this.sessions.values()]) {
      if (s.closed || !s.connections.delete(id) || s.connections.size > 0) continue;
      if (timeoutMs === 0) {
        this.closeSession(s);
        continue;
      }
      const at = performance.now();
      s.disconnectedAtMs = at;
      setTimeout(() => {
        if (!s.closed && s.connections.size === 0 && s.disconnectedAtMs === at) this.closeSession(s);
      }, timeoutMs).unref();
    }
  }

  /** Closes every session (coordinator stop). */
  closeAll(): void {
    for (const s of [...this.sessions.values()]) this.closeSession(s);
    this.sessions.clear();
  }

  /** Sessions that are open (not closed or expired). */
  get sessionsOpen(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (!s.closed) n += 1;
    return n;
  }

  /** A snapshot of the counters. */
  stats(): CoordinatorStats {
    return {
      host: this.address,
      sessionsOpen: this.sessionsOpen,
      operationsOpen: this.operations.size,
      queries: this.queries,
      inFlight: this.inFlight,
      peakInFlight: this.peakInFlight,
      byKind: { ...this.byKind },
      connectionsOpen: this.connectionsOpen,
      connectionsTotal: this.connectionsTotal,
      rpcs: { ...this.rpcs },
      rpcsPipelined: this.rpcsPipelined,
      ...(this.http ? { http: copyHttpStats(this.http) } : {}),
    };
  }
}
