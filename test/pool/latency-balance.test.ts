/**
 * The default strategy's latency signal, end to end: equal coordinators get
 * an even share, one that answers markedly slower gets little new work, and
 * it gets its share back once it answers fast again. Slowness here is the
 * cluster adding a delay to every answer of one coordinator (as a distant
 * or overloaded impalad would), not expensive statements.
 */
import { describe, expect, it } from 'vitest';
import type { ImpalaPool } from '../../src/index.js';
import { runConcurrently, useRig, waitFor } from '../support/pool-fixtures.js';

const startRig = useRig();

/** Runs `n` short reads from 12 callers; returns each coordinator's share. */
async function shares(pool: ImpalaPool, hosts: readonly string[], n: number): Promise<Record<string, number>> {
  const results = await runConcurrently(n, 12, () => pool.query('SELECT 1 AS one'));
  const counts: Record<string, number> = Object.fromEntries(hosts.map((h) => [h, 0]));
  for (const r of results) {
    if (!r.ok) throw r.error;
    counts[r.value.coordinator] = (counts[r.value.coordinator] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).map(([h, k]) => [h, k / n]));
}

function answerMs(pool: ImpalaPool, host: string): number | undefined {
  return pool.stats().coordinators.find((c) => c.host === host)!.answerMs;
}

describe('latency-aware leastconn (the default)', () => {
  it('even, then away from a coordinator that answers 100 ms slower, then back once it recovers', async () => {
    const r = await startRig({ coordinators: 3 }, { healthCheckIntervalMs: 100 });
    const [a, b, slow] = r.cluster.hosts as [string, string, string];
    await shares(r.pool, r.cluster.hosts, 300);
    // Even: every coordinator within 10% of a third.
    const even = await shares(r.pool, r.cluster.hosts, 1200);
    for (const h of r.cluster.hosts) expect(Math.abs(even[h]! - 1 / 3)).toBeLessThan(0.1 / 3 + 0.02);

    // 100 ms: markedly slower even when a loaded machine makes every answer
    // seem to take 20 ms (the benchmark measures the 30 ms case).
    await r.cluster.coordinators[2]!.setLatency(100);
    await waitFor(() => (answerMs(r.pool, slow) ?? 0) > 50, 10_000, 'the pool to see the slow answers');
    const skewed = await shares(r.pool, r.cluster.hosts, 1200);
    // Little new work (the benchmark holds the figure to its target).
    expect(skewed[slow]).toBeLessThan(0.05);
    expect(skewed[a]! + skewed[b]!).toBeGreaterThan(0.95);

    await r.cluster.coordinators[2]!.setLatency(0);
    // Its health checks' pings show it fast again, with no traffic needed: it
    // counts as an equal once within 2× of the fastest (under the 1 ms floor too).
    const equal = (): boolean =>
      (answerMs(r.pool, slow) ?? Infinity) <= 2 * Math.max(1, Math.min(answerMs(r.pool, a) ?? Infinity, answerMs(r.pool, b) ?? Infinity));
    await waitFor(equal, 20_000, 'the pool to see it answer as fast as the others again');
    const recovered = await shares(r.pool, r.cluster.hosts, 1200);
    expect(recovered[slow]).toBeGreaterThan(0.2);
  }, 60_000);
});
