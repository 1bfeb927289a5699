/**
 * One piece of work's hold on a DuckDB connection, from `Catalog.connect`
 * to `release`. DuckDB runs a connection's work on a worker thread, and
 * closing the connection (or calling some of its synchronous methods once it
 * is closed) while that thread uses it frees memory the thread still reads:
 * the process dies (SIGSEGV, glibc's abort), nothing throws. So every piece
 * of work goes through {@link DuckLease.use}, which refuses once the lease is
 * released, and the connection goes back to its catalog only when released
 * and idle.
 *
 * @module
 */
import type { DuckDBConnection } from '@duckdb/node-api';

/** What a lease tells its catalog. */
export interface LeaseOwner {
  /** The lease is released and nothing runs on it: its connection may be closed or kept for the next lease. */
  settled(lease: DuckLease): void;
}

/** Something DuckDB made on the connection that must be freed while the connection is idle. */
interface Disposable {
  destroySync(): void;
}

/** Thrown by {@link DuckLease.use} after release: the connection may be closed, or serving other work. */
export class LeaseReleasedError extends Error {
  constructor() {
    super('the statement was cancelled or its coordinator stopped');
    this.name = 'LeaseReleasedError';
  }
}

/** A connection lent to one operation, metadata call or replay. */
export class DuckLease {
  #busy = 0;
  #released = false;
  #settled = false;
  #reusable = true;
  readonly #owned: Disposable[] = [];

  /**
   * @param conn - the connection, for the duration of each {@link use}
   * @param database - the database its unqualified names resolve in
   * @param generation - the catalog's database generation when lent (a drop of any database starts a new one)
   * @param owner - told once the lease is released and idle
   */
  constructor(
    readonly conn: DuckDBConnection,
    readonly database: string,
    readonly generation: number,
    private readonly owner: LeaseOwner,
  ) {}

  /** Whether the connection may serve another lease: not after an interrupt, nor after failed work (a transaction may be open). */
  get reusable(): boolean {
    return this.#reusable;
  }

  /** Whether work runs on the connection now. */
  get busy(): boolean {
    return this.#busy > 0;
  }

  /**
   * Runs `work` on the connection, which is not closed or lent out while it
   * runs. Failed work keeps the connection from serving another lease.
   *
   * @throws LeaseReleasedError once released, before `work` starts
   */
  async use<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.#released) throw new LeaseReleasedError();
    this.#busy += 1;
    try {
      return await work(this.conn);
    } catch (err) {
      this.#reusable = false;
      throw err;
    } finally {
      this.#busy -= 1;
      this.#settleIfIdle();
    }
  }

  /** Frees `thing` (a prepared statement) when the lease settles, while nothing runs on the connection. */
  own(thing: Disposable): void {
    this.#owned.push(thing);
  }

  /** Stops the work under way, if any; the connection then serves no other lease. No-op once settled. */
  interrupt(): void {
    if (this.#settled) return;
    this.#reusable = false;
    this.conn.interrupt();
  }

  /** Ends the lease: the connection goes back now when idle, else once its work ends. Idempotent. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#settleIfIdle();
  }

  #settleIfIdle(): void {
    if (!this.#released || this.#busy > 0 || this.#settled) return;
    this.#settled = true;
    for (const thing of this.#owned.splice(0)) {
      try {
        thing.destroySync();
      } catch {
        // Already freed with its connection.
      }
    }
    this.owner.settled(this);
  }
}
