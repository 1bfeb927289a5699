/**
 * The seed's warning about reusing connections through a balancer: a pooled
 * connection the server (or a middlebox) closed, or whose session expired,
 * is validated and replaced before use — the caller sees no error.
 */
import { describe, expect, it } from 'vitest';
import { useRig, waitFor, type Rig } from '../support/pool-fixtures.js';

const startRig = useRig();
let r: Rig | undefined;

describe('idle connections', () => {
  it.each([
    ['dropped sockets, no validation delay', { validateAfterIdleMs: 60_000 }, 'drop'],
    ['dropped sockets, validated after idle', { validateAfterIdleMs: 50 }, 'drop'],
    ['server-side session expiry', { validateAfterIdleMs: 50 }, 'expire'],
  ] as const)('%s: replaced transparently', async (_name, poolOptions, how) => {
    r = await startRig({ coordinators: 1, idleSessionTimeoutMs: how === 'expire' ? 150 : 0 }, { ...poolOptions, healthCheckIntervalMs: 0 });
    const reconnects: string[] = [];
    r.pool.on('reconnect', (e) => reconnects.push(e.reason));
    await Promise.all(Array.from({ length: 4 }, (_, i) => r!.pool.query(`SELECT ${i} AS i`)));
    expect(r.pool.stats().coordinators[0]!.idle).toBe(4);
    if (how === 'drop') r.cluster.coordinators[0]!.dropConnections();
    await new Promise((res) => setTimeout(res, 400));
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => r!.pool.query(`SELECT ${i} AS i`)));
    expect(results.map((x) => x.rows[0]!.i)).toEqual([0, 1, 2, 3]);
    expect(reconnects.length).toBeGreaterThan(0);
    expect(r.pool.stats().coordinators[0]!.errors).toBe(0);
  });

  it('keepalive pings idle connections so the server never sees them idle', async () => {
    r = await startRig({ coordinators: 1, idleSessionTimeoutMs: 300 }, { keepaliveIntervalMs: 100, validateAfterIdleMs: 60_000, healthCheckIntervalMs: 0 });
    await r.pool.query('SELECT 1 AS one');
    const opened = r.cluster.stats()[0]!.connectionsTotal;
    await new Promise((res) => setTimeout(res, 800));
    await r.pool.query('SELECT 1 AS one');
    // The same session served both: no new connection was needed.
    expect(r.cluster.stats()[0]!.connectionsTotal).toBe(opened);
  });

  it('idle connections beyond idleTimeoutMs are closed', async () => {
    r = await startRig({ coordinators: 1 }, { idleTimeoutMs: 100, healthCheckIntervalMs: 0 });
    await Promise.all(Array.from({ length: 3 }, () => r!.pool.query('SELECT sleep(10) AS s')));
    expect(r.pool.stats().coordinators[0]!.open).toBe(3);
    await waitFor(() => r!.pool.stats().coordinators[0]!.open === 0, 3000, 'idle connections evicted');
    expect(r.cluster.stats()[0]!.sessionsOpen).toBe(0);
  });
});
