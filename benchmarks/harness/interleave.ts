/**
 * Measuring contenders fairly: warm each up, then alternate them in blocks
 * (A B B A A B …, or A B C C B A … for more) so drift in machine state — other load, CPU frequency, GC —
 * hits each the same.
 *
 * @module
 */

/** A contender's single operation, timed by the harness. */
export type Operation = () => Promise<unknown>;

/** Options of {@link interleave}. */
export interface InterleaveOptions {
  /** Operations per contender, measured. */
  iterations: number;
  /** Operations per contender before measuring. */
  warmup: number;
  /** Operations per block. */
  blockSize: number;
  /** Called after each pass (one block of every contender), with the pass number from 0. */
  onPass?(pass: number): void;
}

/** Runs the contenders' operations serially in alternating blocks; returns latencies in ms per contender. */
export async function interleave(contenders: readonly Operation[], options: InterleaveOptions): Promise<number[][]> {
  for (const op of contenders) for (let i = 0; i < options.warmup; i++) await op();
  const samples = contenders.map(() => [] as number[]);
  let block = 0;
  while (samples.some((s) => s.length < options.iterations)) {
    // Reverse the order every other block: ABBA.
    const order = contenders.map((_, i) => i);
    if (block % 2 === 1) order.reverse();
    for (const c of order) {
      const target = samples[c]!;
      for (let i = 0; i < options.blockSize && target.length < options.iterations; i++) {
        const started = performance.now();
        await contenders[c]!();
        target.push(performance.now() - started);
      }
    }
    options.onPass?.(block);
    block += 1;
  }
  return samples;
}
