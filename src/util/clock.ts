/**
 * Injectable time and chance, so that health, backoff, latency and random
 * balancing are tested deterministically.
 *
 * @module
 */

/** A source of time. */
export interface Clock {
  /** Milliseconds, monotonic enough for intervals (defaults to performance.now()). */
  now(): number;
}

/** A source of uniform random numbers in [0, 1). */
export type RandomSource = () => number;

/** The real clock. */
export const systemClock: Clock = { now: () => performance.now() };

/** The real random source. */
export const systemRandom: RandomSource = Math.random;

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  /** @param t - starting time in ms */
  constructor(private t = 0) {}
  /** Current time in ms. */
  now(): number {
    return this.t;
  }
  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    this.t += ms;
  }
}

/** A deterministic random source (mulberry32) for tests and reproducible benchmarks. */
export function seededRandom(seed: number): RandomSource {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
