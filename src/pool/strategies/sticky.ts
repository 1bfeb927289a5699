/**
 * `sticky` (the pool's `balance source`): rendezvous (highest random weight)
 * hashing of the request's affinity key, so a key keeps its coordinator while
 * that coordinator is healthy, and when one leaves only its keys move.
 * Requests without a key fall back to `leastconn`.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { LeastConnStrategy } from './least-conn.js';
import type { Candidate, PickRequest, Strategy } from './strategy.js';

/** Weighted rendezvous hashing on the affinity key. */
export class StickyStrategy implements Strategy {
  readonly name = 'sticky';
  private readonly fallback = new LeastConnStrategy();

  /** Picks the candidate with the highest weighted hash score for the key. */
  pick(candidates: readonly Candidate[], request: PickRequest): Candidate | undefined {
    const key = request.affinityKey;
    if (key === undefined) return this.fallback.pick(candidates, request);
    let best: Candidate | undefined;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (const c of candidates) {
      const score = rendezvousScore(key, c.id, c.weight);
      if (score > bestScore) {
        bestScore = score;
        best = c;
      }
    }
    return best;
  }
}

/** Weighted HRW score: -weight / ln(u), with u a uniform hash of (key, node) in (0,1). */
export function rendezvousScore(key: string, node: string, weight: number): number {
  const digest = createHash('sha256').update(key).update('\0').update(node).digest();
  const u = (Number(digest.readBigUInt64BE(0) >> 11n) + 0.5) / 2 ** 53;
  return -weight / Math.log(u);
}
