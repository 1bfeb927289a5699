/**
 * Stand-ins for the pool's coordinators and connections, for unit tests of
 * the routing and the statement pipeline without any network. They carry only
 * what the router and the pipeline touch, and record what the pipeline did to
 * them (borrows, releases, running counts, health reports), so tests can check
 * the bookkeeping: every borrowed connection given back once, every tracked
 * attempt untracked.
 */
import type { ImpalaError } from '../../src/errors.js';
import type { Hs2Connection } from '../../src/hs2/connection.js';
import type { StopCondition } from '../../src/hs2/deadline.js';
import { trackSessionState, type SessionState } from '../../src/hs2/session-state.js';
import type { Coordinator } from '../../src/pool/coordinator.js';
import type { HealthState } from '../../src/pool/health-state.js';

/** How a fake coordinator looks to the router. */
export interface FakeSpec {
  id: string;
  weight?: number;
  /** Load besides the attempts the pipeline tracks on it. */
  inFlight?: number;
  latencyMs?: number;
  state?: HealthState;
  silent?: boolean;
  connectFailing?: boolean;
}

/** A health object as the router reads it: eligible exactly when the real machine says so. */
export function fakeHealth(state: HealthState): { state: HealthState; readonly eligible: boolean } {
  return {
    state,
    get eligible() {
      return this.state === 'up' || this.state === 'suspect';
    },
  };
}

/** A connection as the pipeline sees it. */
export class FakeConnection {
  open = true;
  closedReason: ImpalaError | undefined;
  pendingCall: undefined;
  sessionState: SessionState = { database: undefined, options: {} };
  /** Statements run through runExecute (the pipeline's replay of USE and SET). */
  readonly executed: string[] = [];
  /** When set, the next runExecute call fails with it (once). */
  failNextExecute: ImpalaError | undefined;

  constructor(
    readonly coordinator: string,
    readonly serial: number,
  ) {}

  /** Like the real connection: a USE or SET that succeeded changes the session state. */
  async runExecute(
    text: string,
    _so: unknown,
    _stop: StopCondition,
  ): Promise<{ rowsAffected: number; queryId: string; coordinator: string }> {
    this.executed.push(text);
    const err = this.failNextExecute;
    if (err) {
      this.failNextExecute = undefined;
      throw err;
    }
    trackSessionState(this.sessionState, text);
    return { rowsAffected: 0, queryId: '', coordinator: this.coordinator };
  }

  /** As the pipeline's bodies receive it. */
  get asHs2(): Hs2Connection {
    return this as unknown as Hs2Connection;
  }

  toString(): string {
    return `${this.coordinator}#${this.serial}`;
  }
}

/** A coordinator that hands out fake connections and records the pipeline's calls. */
export class FakeCoordinator {
  readonly id: string;
  readonly weight: number;
  latencyMs: number;
  silent: boolean;
  connectFailing: boolean;
  readonly health: { state: HealthState; readonly eligible: boolean };
  private readonly baseLoad: number;

  /** Attempts tracked as running now. */
  readonly running = new Set<object>();
  /** track() of an attempt already running, or untrack() of one that is not. */
  unbalanced = 0;
  /** Connections handed out, in order. */
  readonly borrowed: FakeConnection[] = [];
  /** Every release() call. */
  readonly releases: Array<{ conn: FakeConnection; err: unknown }> = [];
  /** Errors passed to recordFailure(). */
  readonly failures: unknown[] = [];
  successes = 0;
  /** Latencies passed to recordStatement(). */
  readonly statements: number[] = [];
  /** acquire() calls, including refused ones. */
  acquires = 0;
  /** Each acquire() takes the next entry: an error to reject with, or undefined to hand out a connection. */
  readonly acquireScript: Array<ImpalaError | undefined> = [];
  /** Called with each new connection before it is handed out (to set up its faults). */
  onConnection: ((conn: FakeConnection) => void) | undefined;

  constructor(spec: FakeSpec) {
    this.id = spec.id;
    this.weight = spec.weight ?? 1;
    this.baseLoad = spec.inFlight ?? 0;
    this.latencyMs = spec.latencyMs ?? 0;
    this.silent = spec.silent ?? false;
    this.connectFailing = spec.connectFailing ?? false;
    this.health = fakeHealth(spec.state ?? 'up');
  }

  /** Load as the strategies see it: like the real one, it counts the attempts running here. */
  get inFlight(): number {
    return this.baseLoad + this.running.size;
  }

  acquire(stop?: StopCondition): Promise<Hs2Connection> {
    this.acquires += 1;
    const stopped = stop?.reason;
    if (stopped) return Promise.reject(stopped);
    const err = this.acquireScript.shift();
    if (err) return Promise.reject(err);
    const conn = new FakeConnection(this.id, this.borrowed.length + 1);
    this.onConnection?.(conn);
    this.borrowed.push(conn);
    return Promise.resolve(conn.asHs2);
  }

  release(conn: Hs2Connection, err?: unknown): void {
    this.releases.push({ conn: conn as unknown as FakeConnection, err });
  }

  track(attempt: object): void {
    if (this.running.has(attempt)) this.unbalanced += 1;
    this.running.add(attempt);
  }

  untrack(attempt: object): void {
    if (!this.running.delete(attempt)) this.unbalanced += 1;
  }

  recordSuccess(): void {
    this.successes += 1;
  }

  recordStatement(ms: number): void {
    this.statements.push(ms);
  }

  recordFailure(err: unknown): void {
    this.failures.push(err);
  }

  /** How many times `conn` was given back. */
  releasesOf(conn: FakeConnection): number {
    return this.releases.filter((r) => r.conn === conn).length;
  }

  /** As the router and pipeline take it. */
  get asCoordinator(): Coordinator {
    return this as unknown as Coordinator;
  }
}
