/**
 * Sessions the server expired while they sat idle in the pool (impalad's
 * idle_session_timeout, or a proxy's idle timeout in front of it), with the
 * default validation threshold longer than the server's timeout: the first
 * statement that meets an expired session teaches the pool the server's
 * limit, and every other connection idle that long is checked before use —
 * so no statement fails, however many connections expired at once.
 */
import { describe, expect, it } from 'vitest';
import { runConcurrently, useRig, waitFor } from '../support/pool-fixtures.js';

const startRig = useRig();

describe('connections expired by the server while idle', () => {
  it('20 connections expired together, default validateAfterIdleMs: every read after succeeds', async () => {
    const r = await startRig(
      { coordinators: 2, idleSessionTimeoutMs: 1000 },
      { healthCheckIntervalMs: 0, maxConnectionsPerCoordinator: 10 },
    );
    // Long enough to overlap on a loaded machine, so that most of the 20 callers hold a connection of their own.
    await runConcurrently(20, 20, () => r.pool.query('SELECT sleep(300) AS s'));
    expect(r.pool.stats().coordinators.reduce((n, c) => n + c.idle, 0)).toBeGreaterThanOrEqual(10);
    await waitFor(() => r.cluster.stats().every((s) => s.sessionsOpen === 0), 10_000, 'the idle sessions expired');
    for (let round = 0; round < 2; round++) {
      const results = await runConcurrently(60, 20, (i) => r.pool.query<{ i: number }>('SELECT ? AS i', [i]));
      expect(results.filter((x) => !x.ok).map((x) => String((x as { error: unknown }).error))).toEqual([]);
      // Expired sessions are the server's doing, not the coordinator's ill health.
      expect(r.pool.stats().coordinators.map((c) => c.state)).toEqual(['up', 'up']);
      await waitFor(() => r.cluster.stats().every((s) => s.sessionsOpen === 0), 10_000, 'the idle sessions expired again');
    }
  }, 60_000);
});
