/**
 * `leastconn` (the default, HAProxy's `balance leastconn`): the coordinator
 * with the fewest in-flight operations per unit of weight; equals take turns
 * (round-robin), so a burst on an idle cluster still spreads evenly.
 *
 * @module
 */
import type { Candidate, PickRequest, Strategy } from './strategy.js';

/** Least in-flight operations, weighted, round-robin among equals. */
export class LeastConnStrategy implements Strategy {
  readonly name = 'leastconn';
  private turn = 0;

  /** Picks the least loaded candidate. */
  pick(candidates: readonly Candidate[], _request: PickRequest): Candidate | undefined {
    let best = Number.POSITIVE_INFINITY;
    const tied: Candidate[] = [];
    for (const c of candidates) {
      // +1: the request being placed; with weights 1 and 3, loads 0 and 2 tie.
      const load = (c.inFlight + 1) / c.weight;
      if (load < best - 1e-9) {
        best = load;
        tied.length = 0;
        tied.push(c);
      } else if (Math.abs(load - best) <= 1e-9) {
        tied.push(c);
      }
    }
    if (tied.length === 0) return undefined;
    const pick = tied[this.turn % tied.length];
    this.turn = (this.turn + 1) % 1_000_000_007;
    return pick;
  }
}
