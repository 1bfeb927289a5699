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
import type { CatalogEffect } from '../sql/statement-plan.js';

/** A successful DDL/DML statement, as the other coordinators replay it. */
export interface CatalogChange {
  /** Database unqualified names resolved in at the origin. */
  database: string;
  /** DuckDB statements to run, in one transaction. */
  statements: readonly string[];
  /** Catalog-note changes to apply after them. */
  effects: readonly CatalogEffect[];
}

/** A change with its place in the cluster's order (1, 2, …). */
export interface SequencedChange {
  /** Publication order across the cluster. */
  seq: number;
  /** The change. */
  change: CatalogChange;
}

/** A coordinator's side of the bus. */
export interface CatalogReplica {
  /**
   * Replays a change; must not reject (a replica that cannot apply it just
   * misses it). `seq` is its publication order.
   */
  replay(change: CatalogChange, seq: number): Promise<void>;
}

/**
 * What a coordinator needs of metadata propagation: the {@link CatalogBus}
 * itself when it runs in the cluster's process, a link to it over IPC when
 * it runs in a child process.
 */
export interface CatalogLink {
  /** How long a change takes to reach the other coordinators, in ms. */
  readonly delayMs: number;
  /** Adds a coordinator; resolves once its catalog has caught up with the cluster's. */
  join(id: number, replica: CatalogReplica): Promise<void>;
  /** Publishes a change made on `origin`; resolves once every other coordinator has it (SYNC_DDL). */
  publish(origin: number, change: CatalogChange): Promise<void>;
  /** Applies what is still on its way to `id` now (INVALIDATE METADATA, REFRESH). */
  flush(id: number): Promise<void>;
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
export class CatalogBus implements CatalogLink {
  private readonly members: Member[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly wakers = new Set<() => void>();
  private readonly changes: SequencedChange[] | undefined;
  private seq = 0;
  private closed = false;

  /**
   * @param delayMs - how long a change takes to reach the other coordinators
   * @param keepLog - keep every change, so a coordinator whose process was
   *   killed can rebuild its catalog (as a restarted impalad loads it from catalogd)
   */
  constructor(
    readonly delayMs: number,
    keepLog = false,
  ) {
    this.changes = keepLog ? [] : undefined;
  }

  /** Every change published so far, in order (empty unless the bus keeps a log). */
  get log(): readonly SequencedChange[] {
    return this.changes ?? [];
  }

  /** Adds a coordinator. Its catalog is the one it starts with; nothing to catch up. */
  join(id: number, replica: CatalogReplica): Promise<void> {
    this.members.push({ id, replica, tail: Promise.resolve(), wakers: new Set() });
    return Promise.resolve();
  }

  /**
   * Publishes a change made on coordinator `origin`. Resolves once every
   * other coordinator has replayed it (what SYNC_DDL waits for).
   */
  publish(origin: number, change: CatalogChange): Promise<void> {
    if (this.closed) return Promise.resolve();
    const seq = ++this.seq;
    this.changes?.push({ seq, change });
    const due = performance.now() + this.delayMs;
    const done = this.members
      .filter((m) => m.id !== origin)
      .map((m) => {
        m.tail = m.tail.then(async () => {
          await this.sleepUntil(due, m);
          if (!this.closed) await m.replica.replay(change, seq);
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
