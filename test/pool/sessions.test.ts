/**
 * Sticky sessions, leases, replacement of a connection the server closed
 * with its session state replayed, and end() leaving nothing open.
 */
import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/index.js';
import { startCluster } from '../../src/testing/index.js';
import { useRig, waitFor, type Rig } from '../support/pool-fixtures.js';

const startRig = useRig();
let r: Rig | undefined;

describe('sessions', () => {
  it('session() keeps DDL and its dependents on one coordinator', async () => {
    r = await startRig({ coordinators: 3, catalogDelayMs: 5000 });
    const rows = await r.pool.session(async (s) => {
      await s.execute('CREATE TABLE u (a INT)');
      await s.execute('INSERT INTO u VALUES (1), (2)');
      return (await s.query('SELECT count(*) AS n FROM u')).rows;
    });
    expect(rows).toEqual([{ n: 2n }]);
  });

  it.each([
    ['pool.execute', 'execute'],
    ['a lease', 'lease'],
  ])('USE run through %s on a pooled connection does not leak to the next caller', async (_name, change) => {
    r = await startRig({ coordinators: 1 }, { maxConnectionsPerCoordinator: 1 });
    await r.pool.execute('CREATE DATABASE other');
    await r.pool.execute('CREATE TABLE only_default (a INT)');
    if (change === 'lease') {
      const lease = await r.pool.connect();
      await lease.execute('USE other');
      lease.release();
    } else {
      await r.pool.execute('USE other');
    }
    // The one connection that saw USE is gone; the next one starts in `default`.
    expect((await r.pool.query('SELECT count(*) AS n FROM only_default')).rows).toEqual([{ n: 0n }]);
  });

  it('affinity keys keep a key on one coordinator across sessions', async () => {
    r = await startRig({ coordinators: 3 });
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add(await r.pool.session(async (s) => s.coordinator, { affinityKey: 'tenant-7' }));
    expect(seen.size).toBe(1);
  });

  it('a connection closed by the server is replaced without an error, with USE and SET replayed', async () => {
    // No health checks: the lease's connection is the only one with a session.
    r = await startRig({ coordinators: 1, idleSessionTimeoutMs: 1000 }, { validateAfterIdleMs: 0, healthCheckIntervalMs: 0 });
    await r.pool.execute('CREATE DATABASE sales');
    await r.pool.execute('CREATE TABLE sales.orders (id INT)');
    const conn = await r.pool.connect();
    const reconnects: string[] = [];
    r.pool.on('reconnect', (e) => reconnects.push(e.reason));
    await conn.execute('USE sales');
    await conn.execute("SET MEM_LIMIT='1g'");
    // Server-side idle session expiry.
    await waitFor(() => r!.cluster.stats()[0]!.sessionsOpen === 0, 15_000, 'the idle session expired');
    expect((await conn.query('SELECT count(*) AS n FROM orders')).rows).toEqual([{ n: 0n }]);
    // The socket dropped by the server, and the pool has seen it close.
    await r.cluster.coordinators[0]!.dropConnections();
    await waitFor(() => r!.pool.stats().coordinators[0]!.open === 0, 15_000, 'the dropped connection seen closed');
    const res = await conn.query('SELECT count(*) AS n FROM orders');
    expect(res.rows).toEqual([{ n: 0n }]);
    const opts = await conn.query('SET');
    expect(JSON.stringify(opts.rows)).toMatch(/MEM_LIMIT/i);
    expect(reconnects.length).toBeGreaterThanOrEqual(1);
    conn.release();
    expect(() => conn.release()).toThrow(/already released/);
  });

  it('end() leaves no open socket in the process and no session or operation on any coordinator', async () => {
    const cluster = await startCluster({ coordinators: 3 });
    const sockets = () => process.getActiveResourcesInfo().filter((x) => x === 'TCPSocketWrap').length;
    const before = sockets();
    const pool = createPool({ hosts: cluster.hosts, minConnectionsPerCoordinator: 2 });
    try {
      await Promise.all(Array.from({ length: 20 }, (_, i) => pool.query(`SELECT ${i} AS i`)));
      const lease = await pool.connect();
      await lease.query('SELECT 1 AS one');
      const ending = pool.end();
      lease.release();
      await ending;
      // Both ends of a closed socket release their handles a moment later
      // (the coordinators run in this process); the wait is only a hang guard.
      const settled = () => sockets() === before && cluster.stats().every((s) => s.sessionsOpen === 0 && s.operationsOpen === 0);
      await waitFor(settled, 10_000, 'every socket, session and operation closed').catch(() => undefined);
      expect(sockets()).toBe(before);
      for (const s of cluster.stats()) {
        expect(s.sessionsOpen).toBe(0);
        expect(s.operationsOpen).toBe(0);
      }
      await expect(pool.query('SELECT 1')).rejects.toThrow(/closed/);
    } finally {
      pool.destroy();
      await cluster.close();
    }
  });
});
