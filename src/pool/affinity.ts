/**
 * Where a statement should go because of what ran before it:
 *
 * - affinity keys (`session(fn, { affinityKey })`, `query(…, { affinityKey })`)
 *   stay on the coordinator they first went to, for `affinityTtlMs` after
 *   their last use — the pool's `balance source`;
 * - table pins: after DDL or DML touching table T succeeded on coordinator C,
 *   statements reading or writing T go to C for `catalogPropagationMs`,
 *   because the other coordinators may not see the change yet (Impala's
 *   metadata propagation through the statestore).
 *
 * Both live in lru-cache with TTLs, so memory stays bounded however many keys
 * and tables a long-lived app touches.
 *
 * @module
 */
import { LRUCache } from 'lru-cache';
import { qualify, type Classification } from '../sql/classify.js';

/** Affinity settings. */
export interface AffinityOptions {
  /** How long a key stays pinned after its last use, in ms. */
  affinityTtlMs: number;
  /** How long a table stays pinned after DDL/DML, in ms. */
  catalogPropagationMs: number;
  /** Most keys and tables remembered (each). */
  maxEntries: number;
}

/** Remembered placements. */
export class AffinityTable {
  private readonly keys: LRUCache<string, string>;
  private readonly tables: LRUCache<string, string>;
  private globalPin: { coordinator: string; until: number } | undefined;

  constructor(
    private readonly options: AffinityOptions,
    private readonly now: () => number = Date.now,
  ) {
    // ttlResolution 0: lru-cache otherwise reuses one clock reading for a
    // millisecond, which hides an injected clock's jumps.
    this.keys = new LRUCache({
      max: options.maxEntries,
      ttl: options.affinityTtlMs,
      updateAgeOnGet: true,
      perf: { now },
      ttlResolution: 0,
    });
    this.tables = new LRUCache({
      max: options.maxEntries,
      ttl: Math.max(1, options.catalogPropagationMs),
      perf: { now },
      ttlResolution: 0,
    });
  }

  /** The coordinator an affinity key is pinned to, if any (refreshes its TTL). */
  keyCoordinator(key: string): string | undefined {
    return this.keys.get(key);
  }

  /** Pins an affinity key to a coordinator. */
  pinKey(key: string, coordinator: string): void {
    this.keys.set(key, coordinator);
  }

  /** Forgets a key (its coordinator left). */
  unpinKey(key: string): void {
    this.keys.delete(key);
  }

  /**
   * The coordinator a statement must go to because it touches a recently
   * changed table (or database), if any; the most recent pin wins.
   */
  tableCoordinator(statement: Classification, database: string): string | undefined {
    if (this.globalPin && this.globalPin.until > this.now()) return this.globalPin.coordinator;
    for (const ref of [...statement.writes, ...statement.reads]) {
      const name = qualify(ref, database);
      const byTable = this.tables.get(`t:${name}`);
      if (byTable) return byTable;
      const byDb = this.tables.get(`d:${name.slice(0, name.indexOf('.'))}`);
      if (byDb) return byDb;
    }
    for (const db of statement.databases) {
      const byDb = this.tables.get(`d:${db.toLowerCase()}`);
      if (byDb) return byDb;
    }
    return undefined;
  }

  /** Records that a DDL/DML statement succeeded on `coordinator`. */
  pinWrites(statement: Classification, database: string, coordinator: string): void {
    if (statement.kind !== 'ddl' && statement.kind !== 'dml') return;
    for (const ref of statement.writes) this.tables.set(`t:${qualify(ref, database)}`, coordinator);
    for (const db of statement.databases) this.tables.set(`d:${db.toLowerCase()}`, coordinator);
    if (statement.global) this.globalPin = { coordinator, until: this.now() + this.options.catalogPropagationMs };
  }

  /** Drops every pin to a coordinator that left or went down. */
  forgetCoordinator(coordinator: string): void {
    for (const [k, v] of this.keys.entries()) if (v === coordinator) this.keys.delete(k);
    for (const [k, v] of this.tables.entries()) if (v === coordinator) this.tables.delete(k);
    if (this.globalPin?.coordinator === coordinator) this.globalPin = undefined;
  }

  /** Live table pins (for stats). */
  get pinnedTables(): number {
    return this.tables.size;
  }
}
