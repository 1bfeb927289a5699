/**
 * `random`: weighted random choice; a baseline for benchmarks.
 *
 * @module
 */
import { systemRandom, type RandomSource } from '../../util/clock.js';
import type { Candidate, PickRequest, Strategy } from './strategy.js';

/** Picks with probability proportional to weight. */
export class RandomStrategy implements Strategy {
  readonly name = 'random';

  /** @param random - injectable source of [0,1) numbers */
  constructor(private readonly random: RandomSource = systemRandom) {}

  /** Picks a weighted random candidate. */
  pick(candidates: readonly Candidate[], _request: PickRequest): Candidate | undefined {
    return weightedChoice(candidates, this.random);
  }
}

/** A candidate chosen with probability proportional to weight. */
export function weightedChoice(candidates: readonly Candidate[], random: RandomSource): Candidate | undefined {
  let total = 0;
  for (const c of candidates) total += c.weight;
  let x = random() * total;
  for (const c of candidates) {
    x -= c.weight;
    if (x < 0) return c;
  }
  return candidates[candidates.length - 1];
}
