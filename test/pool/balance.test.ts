/**
 * Balancing: leastconn spreads concurrent work evenly, steers away from a
 * slow coordinator, and never exceeds the per-coordinator cap.
 */
import { describe, expect, it } from 'vitest';
import { useRig, runConcurrently, type Rig } from '../support/pool-fixtures.js';

const startRig = useRig();
let r: Rig | undefined;

// Generous connect and silence deadlines: opening many connections at once on
// a loaded machine must not look like a failing coordinator here.
const patient = { connectTimeoutMs: 10_000, healthCheckTimeoutMs: 5_000 };

describe('balance', () => {
  it('30 concurrent sleep() queries over 3 equal coordinators: peak in-flight within 10% of the mean', async () => {
    r = await startRig({ coordinators: 3 }, { ...patient, maxConnectionsPerCoordinator: 20 });
    // Every query outlasts the time it takes to open all 30 connections, even
    // on a loaded machine, so each coordinator's share runs there at once.
    const sleeps = [1500, 2000, 2500];
    const results = await runConcurrently(30, 30, (i) => r!.pool.query(`SELECT sleep(${sleeps[i % 3]}) AS s`));
    expect(results.filter((x) => !x.ok).map((x) => String((x as { error: unknown }).error))).toEqual([]);
    const peaks = r.cluster.stats().map((s) => s.peakInFlight);
    const mean = peaks.reduce((a, b) => a + b, 0) / peaks.length;
    for (const p of peaks) expect(Math.abs(p - mean)).toBeLessThanOrEqual(mean * 0.1);
  });

  it('a coordinator that answers much slower gets clearly fewer queries, and no coordinator exceeds its cap', async () => {
    const cap = 6;
    r = await startRig({ coordinators: 3 }, { ...patient, maxConnectionsPerCoordinator: cap });
    const slow = r.cluster.hosts[1]!;
    // Every answer from it takes 200 ms longer: a query there (several round
    // trips) takes about a second more, far more than a loaded machine adds
    // to a query on the others.
    await r.cluster.coordinators[1]!.setLatency(200);
    const results = await runConcurrently(240, 12, () => r!.pool.query('SELECT sleep(10) AS s'));
    expect(results.filter((x) => !x.ok)).toEqual([]);
    const stats = r.cluster.stats();
    const slowCount = stats.find((s) => s.host === slow)!.queries;
    const others = stats.filter((s) => s.host !== slow).map((s) => s.queries);
    const otherMean = others.reduce((a, b) => a + b, 0) / others.length;
    expect(slowCount).toBeLessThan(otherMean * 0.5);
    for (const s of stats) expect(s.peakInFlight).toBeLessThanOrEqual(cap);
    for (const c of r.pool.stats().coordinators) expect(c.open).toBeLessThanOrEqual(cap);
  });
});
