/**
 * Events, diagnostics_channel and stats: what an operator sees when a
 * coordinator goes down and comes back — and that none of it carries secrets.
 */
import diagnostics from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import type { CoordinatorStateEvent, StatementDiagnostic } from '../../src/index.js';
import { useRig, waitFor, type Rig } from '../support/pool-fixtures.js';

const startRig = useRig();
let r: Rig | undefined;

describe('observability', () => {
  it('emits coordinatorDown when a coordinator stops answering checks, and coordinatorUp after rise', async () => {
    // A stopped coordinator refuses at once; the generous check timeout keeps a loaded machine from failing the other one's checks.
    r = await startRig(
      { coordinators: 2 },
      { healthCheckIntervalMs: 50, healthCheckTimeoutMs: 2000, fall: 2, rise: 2, ejectBaseMs: 50, ejectMaxMs: 100 },
    );
    const down: CoordinatorStateEvent[] = [];
    const up: CoordinatorStateEvent[] = [];
    r.pool.on('coordinatorDown', (e) => down.push(e));
    r.pool.on('coordinatorUp', (e) => up.push(e));
    const target = r.cluster.coordinators[0]!;
    await target.stop();
    await waitFor(() => down.length > 0, 10_000, 'coordinatorDown');
    expect(down[0]).toMatchObject({ coordinator: target.host, to: 'down' });
    expect(down[0]!.reason).toMatch(/ECONNREFUSED/);
    // Work goes to the other one meanwhile.
    const res = await r.pool.query('SELECT 1 AS one');
    expect(res.coordinator).toBe(r.cluster.hosts[1]);
    await target.start();
    await waitFor(() => up.length > 0, 10_000, 'coordinatorUp');
    expect(up[0]).toMatchObject({ coordinator: target.host, to: 'up' });
    expect(r.pool.stats().coordinators.map((c) => c.state)).toEqual(['up', 'up']);
  });

  it('publishes finished statements on impala-pool:statement only to subscribers', async () => {
    r = await startRig({ coordinators: 1 });
    const seen: StatementDiagnostic[] = [];
    const listener = (m: unknown): void => void seen.push(m as StatementDiagnostic);
    diagnostics.subscribe('impala-pool:statement', listener);
    try {
      await r.pool.query('SELECT 1 AS one');
      await r.pool.query('SELECT * FROM missing').catch(() => undefined);
    } finally {
      diagnostics.unsubscribe('impala-pool:statement', listener);
    }
    await r.pool.query('SELECT 2 AS two');
    expect(seen.map((m) => [m.verb, m.ok, m.coordinator])).toEqual([
      ['SELECT', true, r.cluster.hosts[0]],
      ['SELECT', false, r.cluster.hosts[0]],
    ]);
    expect(seen[1]!.code).toBe('IMPALA_SERVER');
    expect(seen[0]!.durationMs).toBeGreaterThan(0);
  });

  it('stats report load, latency percentiles and errors per coordinator', async () => {
    r = await startRig({ coordinators: 2 });
    await Promise.all(Array.from({ length: 10 }, () => r!.pool.query('SELECT sleep(20) AS s')));
    const s = r.pool.stats();
    expect(s.coordinators.map((c) => c.statements).reduce((a, b) => a + b, 0)).toBe(10);
    for (const c of s.coordinators) {
      expect(c.state).toBe('up');
      expect(c.inFlight).toBe(0);
      expect(c.p50Ms).toBeGreaterThanOrEqual(15);
      expect(c.p99Ms).toBeGreaterThanOrEqual(c.p50Ms!);
    }
  });
});
