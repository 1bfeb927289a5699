import { describe, expect, it } from 'vitest';
import { RetryBudget } from '../../src/pool/retry-budget.js';
import { ManualClock } from '../../src/util/clock.js';

/** Withdraws until refused; returns how many were granted. */
function drain(budget: RetryBudget): number {
  let granted = 0;
  while (budget.tryWithdraw()) granted += 1;
  return granted;
}

describe('RetryBudget window edges', () => {
  // 1000 ms window in ten 100 ms buckets. A request counts from the moment it
  // is recorded until it is windowMs old at the latest; it may leave up to one
  // bucket early, with the bucket it fell in.
  it.each<[string, number, number, boolean]>([
    ['just recorded', 0, 0, true],
    ['1 ms short of windowMs old', 0, 999, true],
    ['exactly windowMs old', 0, 1000, false],
    ['long after, across many windows', 0, 123_456, false],
    ['late in its bucket, 900 ms old', 99, 999, true],
    ['late in its bucket, leaves with it at 901 ms', 99, 1000, false],
    ['mid-bucket, until its bucket leaves the window', 150, 1099, true],
    ['mid-bucket, gone with its bucket at 950 ms', 150, 1100, false],
    ['mid-bucket, exactly windowMs old', 150, 1150, false],
    ['fractional clock, until its bucket leaves the window', 0.5, 999.75, true],
    ['fractional clock, exactly windowMs old', 0.5, 1000.5, false],
  ])('a request %s (recorded at %d, checked at %d) counts: %s', (_name, recordedAt, checkedAt, counts) => {
    const clock = new ManualClock(recordedAt);
    const budget = new RetryBudget({ ratio: 0.5, minPerSecond: 0, windowMs: 1000 }, clock);
    for (let i = 0; i < 10; i++) budget.recordRequest();
    clock.advance(checkedAt - recordedAt);
    expect(drain(budget)).toBe(counts ? 5 : 0);
  });

  it.each<[string, number, number, boolean]>([
    ['just taken', 0, 0, true],
    ['1 ms short of windowMs old', 0, 999, true],
    ['exactly windowMs old', 0, 1000, false],
    ['late in its bucket, leaves with it at 901 ms', 99, 1000, false],
  ])('a retry %s (taken at %d, checked at %d) counts as spent: %s', (_name, takenAt, checkedAt, counts) => {
    const clock = new ManualClock(takenAt);
    const budget = new RetryBudget({ ratio: 0, minPerSecond: 1, windowMs: 1000 }, clock);
    expect(budget.tryWithdraw()).toBe(true);
    expect(budget.tryWithdraw()).toBe(false);
    clock.advance(checkedAt - takenAt);
    expect(budget.spent).toBe(counts ? 1 : 0);
    expect(budget.tryWithdraw()).toBe(!counts);
  });

  it('an exactly windowMs old request no longer counts when windowMs does not divide by ten', () => {
    const clock = new ManualClock(3);
    const budget = new RetryBudget({ ratio: 1, minPerSecond: 0, windowMs: 1001 }, clock);
    budget.recordRequest();
    clock.advance(1000);
    expect(budget.spent).toBe(0);
    clock.advance(1);
    expect(budget.tryWithdraw()).toBe(false);
  });

  it('forgets buckets one at a time as the clock moves through the window', () => {
    const clock = new ManualClock();
    const budget = new RetryBudget({ ratio: 1, minPerSecond: 0, windowMs: 1000 }, clock);
    // One request in each 100 ms bucket: 10 in the window.
    for (let i = 0; i < 10; i++) {
      budget.recordRequest();
      clock.advance(100);
    }
    // Now at 1000 ms the first bucket has gone: 9 requests left, each worth one retry.
    expect(drain(budget)).toBe(9);
    clock.advance(100);
    expect(budget.spent).toBe(9); // the retries are in the current bucket and stay
    expect(budget.tryWithdraw()).toBe(false); // 8 requests now, 9 retries already spent
  });

  it('a clock that starts below zero or steps back keeps counting', () => {
    const clock = new ManualClock(-250);
    const budget = new RetryBudget({ ratio: 1, minPerSecond: 0, windowMs: 1000 }, clock);
    budget.recordRequest();
    clock.advance(-100); // back into the previous bucket: counted as now, nothing dropped
    budget.recordRequest();
    expect(drain(budget)).toBe(2);
    clock.advance(1100); // 1000 ms after the first request
    expect(budget.spent).toBe(0);
    expect(budget.tryWithdraw()).toBe(false);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects windowMs %d', (windowMs) => {
    expect(() => new RetryBudget({ ratio: 0.2, minPerSecond: 10, windowMs }, new ManualClock())).toThrow(RangeError);
  });
});

describe('RetryBudget memory', () => {
  it('one million statements through the retry budget (manual clock): memory flat', () => {
    // The pool's defaults: 10 s window, floor of 10 retries/s, 20% of requests.
    const clock = new ManualClock();
    const budget = new RetryBudget({ ratio: 0.2, minPerSecond: 10, windowMs: 10_000 }, clock);
    const size = budget.stateSize;
    let refused = 0;
    // 4000 statements per second of clock. The first half is a healthy pool that
    // never retries (nothing there to prompt a clean-up); in the second half
    // every hundredth statement is retried.
    for (let i = 0; i < 1_000_000; i++) {
      budget.recordRequest();
      if (i >= 500_000 && i % 100 === 0 && !budget.tryWithdraw()) refused += 1;
      if (i % 100_000 === 0) expect(budget.stateSize).toBe(size);
      if (i < 999_999) clock.advance(0.25);
    }
    expect(budget.stateSize).toBe(size);
    expect(refused).toBe(0); // 1% retries is well inside a 20% budget

    // The clock stands at 249 999.75 ms: the window holds the buckets from
    // 240 s on, 4000 requests and 40 retries each.
    expect(budget.spent).toBe(400);
    const allowed = 10 * 10 + 0.2 * 40_000;
    expect(drain(budget)).toBe(allowed - 400);
    expect(budget.spent).toBe(allowed);

    // A quiet window later only the floor is left.
    clock.advance(10_000);
    expect(budget.spent).toBe(0);
    expect(drain(budget)).toBe(100);
    expect(budget.stateSize).toBe(size);
  });
});
