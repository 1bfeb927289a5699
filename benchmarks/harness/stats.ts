/**
 * Summary statistics of latency samples, and of per-round figures.
 *
 * @module
 */

/** Summary of one contender's samples (milliseconds). */
export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
  /** Operations per second at the mean latency of one serial caller. */
  opsPerSec: number;
}

/** Nearest-rank quantile of sorted samples. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** Summarizes latency samples in ms. */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return {
    count: sorted.length,
    mean: sorted.length === 0 ? Number.NaN : mean,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    opsPerSec: mean > 0 ? 1000 / mean : 0,
  };
}

/** Median of values (mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => !Number.isNaN(v));
  if (finite.length === 0) return Number.NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Smallest and largest of values. */
export function spread(values: readonly number[]): [number, number] {
  const finite = values.filter((v) => !Number.isNaN(v));
  if (finite.length === 0) return [Number.NaN, Number.NaN];
  return [Math.min(...finite), Math.max(...finite)];
}

/** `a / b`, NaN when `b` is 0 or either is not a number. */
export function ratio(a: number, b: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return Number.NaN;
  return a / b;
}

/** Sum of values. */
export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** "0.812 [0.700–0.950]" for a median with its spread over rounds. */
export function formatSpread(values: readonly number[], digits = 3): string {
  const m = median(values);
  if (values.length <= 1) return fmt(m, digits);
  const [lo, hi] = spread(values);
  return `${fmt(m, digits)} [${fmt(lo, digits)}–${fmt(hi, digits)}]`;
}

/** A number with fixed digits, "n/a" when not a number. */
export function fmt(v: number, digits = 3): string {
  return Number.isFinite(v) ? v.toFixed(digits) : 'n/a';
}
