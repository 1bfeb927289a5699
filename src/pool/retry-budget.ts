/**
 * A retry budget (as Finagle has it): retries may be at most `ratio` of the
 * requests of the last `windowMs`, plus a small floor so that a quiet pool can
 * still retry. When a coordinator fails under load this turns a potential
 * retry storm into a bounded extra load.
 *
 * @module
 */
import type { Clock } from '../util/clock.js';

/**
 * How many slices the window is cut into. Ten keeps the state at a few
 * hundred bytes whatever the traffic, and lets a request leave the window at
 * most a tenth of it early — close enough for a budget that is a ratio anyway.
 */
const BUCKETS = 10;

/** Retry budget settings. */
export interface RetryBudgetOptions {
  /** Retries allowed per request in the window. Default 0.2. */
  ratio: number;
  /** Retries always allowed per second of window, whatever the traffic. Default 10. */
  minPerSecond: number;
  /** Window length in ms, greater than 0. Default 10000. */
  windowMs: number;
}

/**
 * Sliding-window counter of requests and retries, in constant memory.
 *
 * Retries allowed = `minPerSecond` × `windowMs`/1000 + `ratio` × requests in
 * the window. The window is a ring of ten buckets of `windowMs`/10 each, so a
 * request or retry stops counting once it is `windowMs` old at the latest,
 * and at the earliest once it is more than `windowMs` − `windowMs`/10 old
 * (it leaves with the bucket it fell in).
 */
export class RetryBudget {
  // Counts per bucket; the slot `slotOf(i)` holds absolute bucket `i`. Doubles, so a count never wraps.
  private readonly requests = new Float64Array(BUCKETS);
  private readonly retries = new Float64Array(BUCKETS);
  // Running sums over the ring, so that a withdrawal need not add it up.
  private requestsInWindow = 0;
  private retriesInWindow = 0;
  /** Absolute index of the newest bucket (time ÷ bucket length, floored). */
  private head: number;

  /**
   * @param options - window and ratios; `windowMs` must be a positive finite number
   * @param clock - the only source of time
   * @throws RangeError when `windowMs` is not a positive finite number
   */
  constructor(
    private readonly options: RetryBudgetOptions,
    private readonly clock: Clock,
  ) {
    if (!(Number.isFinite(options.windowMs) && options.windowMs > 0)) {
      throw new RangeError(`retry budget windowMs must be a positive finite number, got ${String(options.windowMs)}`);
    }
    this.head = this.bucketOf(clock.now());
  }

  /** Records a first attempt. */
  recordRequest(): void {
    const slot = this.advance();
    this.requests[slot]! += 1;
    this.requestsInWindow += 1;
  }

  /** Takes one retry from the budget; false when the budget is spent. */
  tryWithdraw(): boolean {
    const slot = this.advance();
    const allowed = (this.options.minPerSecond * this.options.windowMs) / 1000 + this.options.ratio * this.requestsInWindow;
    if (this.retriesInWindow + 1 > allowed) return false;
    this.retries[slot]! += 1;
    this.retriesInWindow += 1;
    return true;
  }

  /** Retries taken within the window. */
  get spent(): number {
    this.advance();
    return this.retriesInWindow;
  }

  /**
   * Number of counters the budget holds; constant, whatever the traffic.
   *
   * @internal
   */
  get stateSize(): number {
    return this.requests.length + this.retries.length;
  }

  // Multiplying before dividing keeps "exactly windowMs later" landing exactly
  // BUCKETS buckets on, where `now / (windowMs / BUCKETS)` can round short.
  private bucketOf(now: number): number {
    return Math.floor((now * BUCKETS) / this.options.windowMs);
  }

  /**
   * Moves the ring up to the clock, zeroing the buckets that fell out of the
   * window, and returns the slot of the current bucket. A clock that steps
   * back is treated as standing still rather than reviving old buckets.
   */
  private advance(): number {
    const current = this.bucketOf(this.clock.now());
    if (current > this.head) {
      // After a long quiet spell every bucket is stale; clear each once, not per elapsed bucket.
      const stale = Math.min(current - this.head, BUCKETS);
      for (let i = 1; i <= stale; i++) {
        const slot = slotOf(this.head + i);
        this.requestsInWindow -= this.requests[slot]!;
        this.retriesInWindow -= this.retries[slot]!;
        this.requests[slot] = 0;
        this.retries[slot] = 0;
      }
      this.head = current;
    }
    return slotOf(this.head);
  }
}

/** Ring slot of an absolute bucket index; also right for a clock that starts below zero. */
function slotOf(bucket: number): number {
  return ((bucket % BUCKETS) + BUCKETS) % BUCKETS;
}
