/**
 * Latency tracking per coordinator: how fast it answers RPCs (the balancing
 * signal, {@link AnswerLatency}), and a fixed-size reservoir of recent
 * statement latencies for p50/p99 in stats.
 *
 * @module
 */
import type { Clock } from '../util/clock.js';

/**
 * HS2 calls whose answer time is the coordinator's own pace, not the
 * statement's work: ExecuteStatement includes planning and admission, and
 * FetchResults waits for rows, so a fast coordinator running an expensive
 * query must not look like a slow one answering cheap calls.
 */
export const PACE_CALLS: ReadonlySet<string> = new Set([
  'OpenSession',
  'CloseSession',
  'GetOperationStatus',
  'GetResultSetMetadata',
  'CloseImpalaOperation',
  'CloseOperation',
  'CancelOperation',
  'PingImpalaHS2Service',
  'GetInfo',
  'GetLog',
]);

/**
 * How fast a coordinator answers its pace calls ({@link PACE_CALLS}): an
 * exponentially weighted mean whose memory is measured in time (`decayMs`),
 * not in samples, so a coordinator that gets little traffic — a slow one the
 * balancer avoids — still moves to its health checks' pings at the same pace,
 * and one that recovers gets its share back within a few check intervals.
 */
export class AnswerLatency {
  private value = 0;
  private stamp: number | undefined;

  /**
   * @param clock - the pool's clock
   * @param decayMs - time after which an old sample weighs 1/e
   */
  constructor(
    private readonly clock: Clock,
    private readonly decayMs = 1000,
  ) {}

  /** Adds an answer time in ms. */
  observe(ms: number): void {
    const now = this.clock.now();
    if (this.stamp === undefined) this.value = ms;
    else {
      const w = Math.exp(-Math.max(0, now - this.stamp) / this.decayMs);
      this.value = this.value * w + ms * (1 - w);
    }
    this.stamp = now;
  }

  /** Current estimate in ms; 0 before the first sample. */
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
