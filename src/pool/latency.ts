/**
 * Latency tracking per coordinator: a peak-EWMA estimate for the `p2c`
 * strategy, and a fixed-size reservoir of recent samples for p50/p99 in stats.
 *
 * @module
 */
import type { Clock } from '../util/clock.js';

/**
 * Peak-EWMA: a new sample above the estimate replaces it at once (react to
 * trouble fast); samples below pull it down with time constant `decayMs`
 * (recover gradually).
 */
export class PeakEwma {
  private value = 0;
  private stamp: number;

  constructor(
    private readonly clock: Clock,
    private readonly decayMs = 10_000,
  ) {
    this.stamp = clock.now();
  }

  /** Adds a sample in ms. */
  observe(ms: number): void {
    const now = this.clock.now();
    if (ms > this.value) {
      this.value = ms;
    } else {
      const w = Math.exp(-Math.max(0, now - this.stamp) / this.decayMs);
      this.value = this.value * w + ms * (1 - w);
    }
    this.stamp = now;
  }

  /** Current estimate in ms (0 before any sample). */
  get estimate(): number {
    return this.value;
  }
}

/** The last `size` samples, for percentiles. */
export class LatencyWindow {
  private readonly samples: Float64Array;
  private count = 0;
  private next = 0;

  /** @param size - how many recent samples to keep */
  constructor(size = 1024) {
    this.samples = new Float64Array(size);
  }

  /** Adds a sample in ms. */
  observe(ms: number): void {
    this.samples[this.next] = ms;
    this.next = (this.next + 1) % this.samples.length;
    if (this.count < this.samples.length) this.count += 1;
  }

  /** The q-quantile (0..1) of the kept samples, nearest-rank; undefined when empty. */
  quantile(q: number): number | undefined {
    if (this.count === 0) return undefined;
    const sorted = Array.from(this.samples.subarray(0, this.count)).sort((a, b) => a - b);
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
    return sorted[rank];
  }
}
