/**
 * Choosing the coordinator for a statement: table pins first (DDL
 * consistency), then the coordinator a lease is on, then affinity keys, then
 * the balancing strategy over healthy coordinators; and when none is healthy,
 * every coordinator not yet tried (panic mode: better to try a coordinator
 * marked down than to fail untried).
 *
 * "Healthy" here is more than the health state: a coordinator judged silent
 * (it owes answers and says nothing) or whose connects are failing is skipped
 * while anything else can take the work — except by a table pin, which
 * holds through silence: the pinned coordinator is the one known to have the
 * table, and one that only seems silent because it is busy would otherwise
 * send every dependent read to coordinators bound to fail it.
 *
 * @module
 */
import type { Classification } from '../sql/classify.js';
import type { AffinityTable } from './affinity.js';
import type { Coordinator } from './coordinator.js';
import type { Strategy } from './strategies/index.js';

/** What a routing decision is based on. */
export interface RouteRequest {
  /** The statement, when there is one (a lease routes once before its first statement). */
  statement?: Classification | undefined;
  /** Database unqualified table names resolve in. */
  database: string;
  /** Affinity key, if any. */
  affinityKey?: string | undefined;
  /** Coordinators already tried for this request. */
  exclude: ReadonlySet<string>;
  /** A lease's coordinator: kept unless a table pin says otherwise. */
  prefer?: Coordinator | undefined;
}

/** How the coordinator was chosen (for events and tests). */
export type RouteReason = 'table-pin' | 'lease' | 'affinity' | 'strategy' | 'panic';

/** A routing decision. */
export interface Route {
  coordinator: Coordinator;
  reason: RouteReason;
}

/** Routes requests over a changing set of coordinators. */
export class Router {
  constructor(
    private readonly coordinators: () => readonly Coordinator[],
    private readonly strategy: Strategy,
    private readonly affinity: AffinityTable,
    private readonly pinTables: boolean,
  ) {}

  /** Picks a coordinator, or undefined when every one was tried or is gone. */
  route(req: RouteRequest): Route | undefined {
    const all = this.coordinators().filter((c) => c.health.state !== 'removed' && !req.exclude.has(c.id));
    const healthy = all.filter((c) => c.health.eligible);
    const responsive = healthy.filter((c) => !c.silent && !c.connectFailing);
    const eligible = responsive.length > 0 ? responsive : healthy;
    const byId = (id: string | undefined): Coordinator | undefined => (id === undefined ? undefined : eligible.find((c) => c.id === id));

    if (this.pinTables && req.statement) {
      const id = this.affinity.tableCoordinator(req.statement, req.database);
      const pinned = id === undefined ? undefined : healthy.find((c) => c.id === id && !c.connectFailing);
      if (pinned) return { coordinator: pinned, reason: 'table-pin' };
    }
    if (req.prefer && eligible.includes(req.prefer)) return { coordinator: req.prefer, reason: 'lease' };
    if (req.affinityKey !== undefined) {
      const keyed = byId(this.affinity.keyCoordinator(req.affinityKey));
      if (keyed) return { coordinator: keyed, reason: 'affinity' };
    }
    if (eligible.length > 0) {
      const picked = this.strategy.pick(eligible, { affinityKey: req.affinityKey }) as Coordinator | undefined;
      if (picked) {
        if (req.affinityKey !== undefined) this.affinity.pinKey(req.affinityKey, picked.id);
        return { coordinator: picked, reason: 'strategy' };
      }
    }
    // Panic: nothing healthy is left; a draining coordinator still refuses new work.
    const desperate = all.filter((c) => c.health.state !== 'draining');
    if (desperate.length === 0) return undefined;
    const picked = (this.strategy.pick(desperate, { affinityKey: req.affinityKey }) as Coordinator | undefined) ?? desperate[0]!;
    return { coordinator: picked, reason: 'panic' };
  }
}
