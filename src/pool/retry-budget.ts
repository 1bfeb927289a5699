/**
 * A retry budget (as Finagle has it): retries may be at most `ratio` of the
 * requests of the last `windowMs`, plus a small floor so that a quiet pool can
 * still retry. When a coordinator fails under load this turns a potential
 * retry storm into a bounded extra load.
 *
 * @module
 */
import type { Clock } from '../util/clock.js';

/** Retry budget settings. */
export interface RetryBudgetOptions {
  /** Retries allowed per request in the window. Default 0.2. */
  ratio: number;
  /** Retries always allowed per second of window, whatever the traffic. Default 10. */
  minPerSecond: number;
  /** Window length in ms. Default 10000. */
  windowMs: number;
}

/** Sliding-window counter of requests and retries. */
export class RetryBudget {
  private readonly requests: number[] = [];
  private readonly retries: number[] = [];

  constructor(
    private readonly options: RetryBudgetOptions,
    private readonly clock: Clock,
  ) {}

  /** Records a first attempt. */
  recordRequest(): void {
    this.requests.push(this.clock.now());
  }

  /** Takes one retry from the budget; false when the budget is spent. */
  tryWithdraw(): boolean {
    const now = this.clock.now();
    this.prune(now);
    const allowed = (this.options.minPerSecond * this.options.windowMs) / 1000 + this.options.ratio * this.requests.length;
    if (this.retries.length + 1 > allowed) return false;
    this.retries.push(now);
    return true;
  }

  /** Retries taken within the window. */
  get spent(): number {
    this.prune(this.clock.now());
    return this.retries.length;
  }

  private prune(now: number): void {
    const cutoff = now - this.options.windowMs;
    while (this.requests.length > 0 && this.requests[0]! <= cutoff) this.requests.shift();
    while (this.retries.length > 0 && this.retries[0]! <= cutoff) this.retries.shift();
  }
}
