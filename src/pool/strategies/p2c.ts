/**
 * `p2c`: power of two choices (as Finagle and Linkerd balance): sample two
 * coordinators at random and take the one with the lower cost = answer
 * latency × (in-flight + 1) / weight. Cheap, and it steers away from a slow
 * coordinator even when connection counts look equal.
 *
 * @module
 */
import { systemRandom, type RandomSource } from '../../util/clock.js';
import { weightedChoice } from './random.js';
import type { Candidate, PickRequest, Strategy } from './strategy.js';

/** Power of two random choices by latency-weighted load. */
export class P2cStrategy implements Strategy {
  readonly name = 'p2c';

  /** @param random - injectable source of [0,1) numbers */
  constructor(private readonly random: RandomSource = systemRandom) {}

  /** Picks the cheaper of two weighted-random candidates. */
  pick(candidates: readonly Candidate[], _request: PickRequest): Candidate | undefined {
    if (candidates.length <= 1) return candidates[0];
    const a = weightedChoice(candidates, this.random)!;
    const rest = candidates.filter((c) => c !== a);
    const b = weightedChoice(rest, this.random)!;
    return cost(b) < cost(a) ? b : a;
  }
}

/** Unknown latency counts as 1 ms, so new coordinators get probed by traffic. */
function cost(c: Candidate): number {
  return (Math.max(c.latencyMs, 1) * (c.inFlight + 1)) / c.weight;
}
