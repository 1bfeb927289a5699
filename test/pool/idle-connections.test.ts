/**
 * Reusing connections through a balancer: a pooled connection the server
 * (or a middlebox) closed, or whose session expired, is validated and
 * replaced before use — the caller sees no error.
 */
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/index.js';
import { useRig, waitFor, type Rig } from '../support/pool-fixtures.js';

const startRig = useRig();
let r: Rig | undefined;

describe('idle connections', () => {
  it.each([
    ['dropped sockets, no validation delay', { validateAfterIdleMs: 60_000 }, 'drop'],
    ['dropped sockets, validated after idle', { validateAfterIdleMs: 50 }, 'drop'],
    ['server-side session expiry', { validateAfterIdleMs: 50 }, 'expire'],
  ] as const)('%s: replaced transparently', async (_name, poolOptions, how) => {
    // The expiry is long enough that a session cannot expire between its opening and its first statement.
    r = await startRig(
      { coordinators: 1, idleSessionTimeoutMs: how === 'expire' ? 1000 : 0 },
      { ...poolOptions, healthCheckIntervalMs: 0 },
    );
    const reconnects: string[] = [];
    r.pool.on('reconnect', (e) => reconnects.push(e.reason));
    await Promise.all(Array.from({ length: 4 }, (_, i) => r!.pool.query(`SELECT ${i} AS i`)));
    expect(r.pool.stats().coordinators[0]!.idle).toBe(4);
    if (how === 'drop') {
      await r.cluster.coordinators[0]!.dropConnections();
      await waitFor(() => r!.pool.stats().coordinators[0]!.open === 0, 10_000, 'the dropped sockets seen closed');
    } else {
      // No health checks: the pool's four sessions are the only ones.
      await waitFor(() => r!.cluster.stats()[0]!.sessionsOpen === 0, 10_000, 'the idle sessions expired');
    }
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => r!.pool.query(`SELECT ${i} AS i`)));
    expect(results.map((x) => x.rows[0]!.i)).toEqual([0, 1, 2, 3]);
    expect(reconnects.length).toBeGreaterThan(0);
    expect(r.pool.stats().coordinators[0]!.errors).toBe(0);
  });

  it('keepalive pings idle connections so the server never sees them idle', async () => {
    // Pings every 100 ms against a 1 s expiry: only a stall of most of a second could let the session expire.
    r = await startRig(
      { coordinators: 1, idleSessionTimeoutMs: 1000 },
      { keepaliveIntervalMs: 100, validateAfterIdleMs: 60_000, healthCheckIntervalMs: 0 },
    );
    const reconnects: string[] = [];
    r.pool.on('reconnect', (e) => reconnects.push(e.reason));
    await r.pool.query('SELECT 1 AS one');
    // A session nobody pings, idle since after the pool's went idle: once the
    // server has expired it, the pool's would have expired too without keepalive.
    const [host, port] = r.cluster.hosts[0]!.split(':');
    const unpinged = await connect({ host: host!, port: Number(port) });
    try {
      const opened = r.cluster.stats()[0]!.connectionsTotal;
      expect(r.cluster.stats()[0]!.sessionsOpen).toBe(2);
      await waitFor(() => r!.cluster.stats()[0]!.sessionsOpen < 2, 15_000, 'the unpinged session expired');
      await r.pool.query('SELECT 1 AS one');
      // The same session served both: no new connection was needed.
      expect(r.cluster.stats()[0]!.connectionsTotal).toBe(opened);
      expect(reconnects).toEqual([]);
      expect(r.cluster.stats()[0]!.sessionsOpen).toBe(1);
    } finally {
      unpinged.destroy();
    }
  });

  it('idle connections beyond idleTimeoutMs are closed', async () => {
    // 1 s: none is evicted before all three are counted, however slowly they finish.
    r = await startRig({ coordinators: 1 }, { idleTimeoutMs: 1000, healthCheckIntervalMs: 0 });
    await Promise.all(Array.from({ length: 3 }, () => r!.pool.query('SELECT sleep(10) AS s')));
    expect(r.pool.stats().coordinators[0]!.open).toBe(3);
    await waitFor(() => r!.pool.stats().coordinators[0]!.open === 0, 15_000, 'idle connections evicted');
    // The server learns of each close a moment after the pool drops it.
    await waitFor(() => r!.cluster.stats()[0]!.sessionsOpen === 0, 10_000, 'their sessions closed on the server');
  });
});
