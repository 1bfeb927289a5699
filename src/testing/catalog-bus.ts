/**
 * Impala's metadata propagation between coordinators. In a real cluster a
 * DDL or INSERT on one impalad reaches the others through catalogd and the
 * statestore, a moment later; until then they answer from their old
 * catalog. Here each coordinator keeps its own DuckDB catalog, and every
 * DDL/DML that succeeds on one is replayed on the others after
 * `catalogDelayMs`, in publication order.
 *
 * @module
 */
import type { CatalogEffect } from './statement-plan.js';

/** A successful DDL/DML statement, as the other coordinators replay it. */
export interface CatalogChange {
  /** Database unqualified names resolved in at the origin. */
  database: string;
  /** DuckDB statements to run, in one transaction. */
  statements: readonly string[];
  /** Catalog-note changes to apply after them. */
  effects: readonly CatalogEffect[];
}

/** A coordinator's side of the bus. */
export interface CatalogReplica {
  /** Replays a change; must not reject (a replica that cannot apply it just misses it). */
  replay(change: CatalogChange): Promise<void>;
}

interface Member {
  id: number;
  replica: CatalogReplica;
  /** Tail of this member's replay queue. */
  tail: Promise<void>;
  /** Wakes this member's pending delays (INVALIDATE METADATA / REFRESH). */
  readonly wakers: Set<() => void>;
}

/** Connects the coordinators of one cluster. */
export class CatalogBus {
  private readonly members: Member[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly wakers = new Set<() => void>();
  private closed = false;

  /** @param delayMs - how long a change takes to reach the other coordinators */
  constructor(readonly delayMs: number) {}

  /** Adds a coordinator. */
  join(id: number, replica: CatalogReplica): void {
    this.members.push({ id, replica, tail: Promise.resolve(), wakers: new Set() });
  }

  /**
   * Publishes a change made on coordinator `origin`. Resolves once every
   * other coordinator has replayed it (what SYNC_DDL waits for).
   */
  publish(origin: number, change: CatalogChange): Promise<void> {
    if (this.closed) return Promise.resolve();
    const due = performance.now() + this.delayMs;
    const done = this.members
      .filter((m) => m.id !== origin)
      .map((m) => {
        m.tail = m.tail.then(async () => {
          await this.sleepUntil(due, m);
          if (!this.closed) await m.replica.replay(change);
        });
        return m.tail;
      });
    return Promise.all(done).then(() => undefined);
  }

  /**
   * Applies every change still on its way to coordinator `id` now, as
   * INVALIDATE METADATA or REFRESH on an impalad fetches the current catalog
   * from catalogd instead of waiting for the statestore. Resolves once applied.
   */
  flush(id: number): Promise<void> {
    const m = this.members.find((x) => x.id === id);
    if (!m) return Promise.resolve();
    for (const wake of [...m.wakers]) wake();
    return m.tail;
  }

  private sleepUntil(due: number, member: Member): Promise<void> {
    const ms = due - performance.now();
    if (ms <= 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.timers.delete(timer);
        this.wakers.delete(wake);
        member.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      this.timers.add(timer);
      this.wakers.add(wake);
      member.wakers.add(wake);
    });
  }

  /** Drops pending replays (cluster shutdown); waiting publishers resolve. */
  close(): void {
    this.closed = true;
    for (const wake of [...this.wakers]) wake();
  }
}
