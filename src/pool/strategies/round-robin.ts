/**
 * `roundrobin`: smooth weighted round-robin (as nginx does it), so weight 3
 * vs 1 gives A A B A, not A A A B. Impala's proxy guide calls plain round-robin "typically
 * not recommended for Impala"; it is here to measure that claim.
 *
 * @module
 */
import type { Candidate, PickRequest, Strategy } from './strategy.js';

/** Smooth weighted round-robin over the candidates offered. */
export class RoundRobinStrategy implements Strategy {
  readonly name = 'roundrobin';
  private readonly current = new Map<string, number>();

  /** Picks the next candidate in weighted rotation. */
  pick(candidates: readonly Candidate[], _request: PickRequest): Candidate | undefined {
    let total = 0;
    let best: Candidate | undefined;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (const c of candidates) {
      const value = (this.current.get(c.id) ?? 0) + c.weight;
      this.current.set(c.id, value);
      total += c.weight;
      if (value > bestValue) {
        bestValue = value;
        best = c;
      }
    }
    if (best) this.current.set(best.id, bestValue - total);
    return best;
  }
}
